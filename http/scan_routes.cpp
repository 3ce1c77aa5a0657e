// /api/scans/{id}*: a scan's record, cancel, findings, threat model, SARIF
// and its raw event history (for audit).
#include "actors/findings.h"
#include "actors/scan_history.h"
#include "analysis/sarif.h"
#include "base/json_writer.h"
#include "http/api_context.h"

namespace heimdall::http {
namespace {

// Every event of a scan's stream; scans are bounded (max_findings), so one
// read is bounded too.
result<std::vector<event>> scan_events(const event_log& log, const std::string& scan_id, data_form form) {
  return log.read_stream(actors::scan_stream(scan_id), 1, SIZE_MAX, form);
}

}  // namespace

void add_scan_routes(router& r, api_context& ctx) {
  r.add("GET", "/api/scans/{id}", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          return data_response(to_json(*scan));
        }));
  r.add("POST", "/api/scans/{id}/cancel", route_kind::blocking,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          if (status s = ctx.deps.scans.cancel(scan->id); !s.is_ok()) return error_from(s);
          auto now = actors::get_scan(ctx.deps.log, scan->id);
          if (!now) return error_from(now.error());
          return data_response(to_json(*now));
        }));
  r.add("GET", "/api/scans/{id}/findings", route_kind::quick,
        authed(ctx, [&ctx](const request& req, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          actors::finding_filter filter;
          filter.severity = query_value(req, "severity");
          filter.status = query_value(req, "status");
          if (filter.severity && !actors::is_severity(*filter.severity)) {
            return error_response(400, "severity must be one of critical, high, medium, low, not '" + *filter.severity + "'");
          }
          if (filter.status && !actors::is_finding_status(*filter.status)) {
            return error_response(400, "status must be one of open, confirmed, dismissed, false_positive, fixed, not '" +
                                           *filter.status + "'");
          }
          auto pr = read_paging(req);
          if (auto* bad = std::get_if<response>(&pr)) return std::move(*bad);
          const paging& pg = std::get<paging>(pr);
          auto found = actors::list_findings(ctx.deps.log, scan->id, filter, pg.page, pg.per_page);
          if (!found) return error_from(found.error());
          return page_response(found->findings, pg, found->total);
        }));
  r.add("GET", "/api/scans/{id}/threat-model", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          auto events = scan_events(ctx.deps.log, scan->id, data_form::current);
          if (!events) return error_from(events.error());
          for (const event& e : *events) {
            if (e.type == "scan.threat_modeled") return data_response(e.data);
          }
          return error_response(404, "Scan '" + scan->id + "' has no threat model yet (status: " + scan->status + ")");
        }));
  r.add("GET", "/api/scans/{id}/sarif", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          auto events = scan_events(ctx.deps.log, scan->id, data_form::current);
          if (!events) return error_from(events.error());
          auto history = actors::fold_scan_history(scan->id, *events);
          if (!history) return error_from(history.error());
          std::vector<analysis::finding> findings;
          for (const auto* f : history->kept_findings()) findings.push_back(f->f);
          analysis::sarif_run_info info;
          info.tool_version = "0.1.0";
          if (auto repo = actors::find_repo(ctx.deps.log, scan->repo_id)) info.repository_uri = repo->source_url;
          info.revision_id = scan->commit_sha.value_or("");
          response out;
          out.content_type = "application/sarif+json";
          out.body = analysis::to_sarif(findings, info);
          return out;
        }));
  r.add("GET", "/api/scans/{id}/events", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto scan = ctx.owned_scan(p["id"], who.user);
          if (!scan) return error_from(scan.error());
          auto events = scan_events(ctx.deps.log, scan->id, data_form::stored);
          if (!events) return error_from(events.error());
          return events_response(*events);
        }));
}

}  // namespace heimdall::http
