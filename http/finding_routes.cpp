// /api/findings/{id}*: a finding, its triage (status, severity, comments),
// and its history. Every change is an event naming the acting user.
#include "actors/findings.h"
#include "base/json_writer.h"
#include "http/api_context.h"
#include "http/json_body.h"

namespace heimdall::http {
namespace {

using change_fn = result<std::string> (*)(event_log&, const std::string&, const std::string&, const std::string&,
                                          const std::optional<std::string>&);

// PATCH /status and /severity: {"<member>": value, "comment"?: text}.
answer_fn change_route(api_context& ctx, const char* member, change_fn change) {
  return authed(ctx, [&ctx, member, change](const request& req, const path_params& p, const caller& who) {
    auto finding = ctx.owned_finding(p["id"], who.user);
    if (!finding) return error_from(finding.error());
    json_body body;
    body.parse(req.body);
    std::string value = body.required_string(member);
    auto comment = body.string("comment");
    if (!body.error().is_ok()) return error_from(body.error());
    auto changed = change(ctx.deps.log, p["id"], value, who.user.id, comment);
    if (!changed) return error_from(changed.error());
    return data_response(*changed);
  });
}

}  // namespace

void add_finding_routes(router& r, api_context& ctx) {
  r.add("GET", "/api/findings/{id}", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto finding = ctx.owned_finding(p["id"], who.user);
          if (!finding) return error_from(finding.error());
          return data_response(*finding);
        }));
  r.add("PATCH", "/api/findings/{id}/status", route_kind::blocking,
        change_route(ctx, "status", &actors::set_finding_status));
  r.add("PATCH", "/api/findings/{id}/severity", route_kind::blocking,
        change_route(ctx, "severity", &actors::set_finding_severity));
  r.add("POST", "/api/findings/{id}/comments", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params& p, const caller& who) {
          auto finding = ctx.owned_finding(p["id"], who.user);
          if (!finding) return error_from(finding.error());
          json_body body;
          body.parse(req.body);
          std::string comment = body.required_string("comment");
          if (!body.error().is_ok()) return error_from(body.error());
          if (status s = actors::add_finding_comment(ctx.deps.log, p["id"], comment, who.user.id); !s.is_ok()) {
            return error_from(s);
          }
          json_writer w;
          w.begin_object().key("finding_id").value(p["id"]).key("comment").value(comment);
          w.key("actor").value(who.user.id).end_object();
          return data_response(w.take(), 201);
        }));
  r.add("GET", "/api/findings/{id}/events", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto finding = ctx.owned_finding(p["id"], who.user);
          if (!finding) return error_from(finding.error());
          auto events = actors::finding_history(ctx.deps.log, p["id"]);
          if (!events) return error_from(events.error());
          return events_response(*events);
        }));
}

}  // namespace heimdall::http
