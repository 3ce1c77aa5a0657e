// /api/repos*: register, list, get and delete repositories; trigger a scan
// (shared/spec: exactly that page) and list a repo's scans.
#include <algorithm>

#include "actors/git_checkout.h"
#include "base/json_writer.h"
#include "http/api_context.h"
#include "http/json_body.h"

namespace heimdall::http {
namespace {

// The repo's scan ids, newest first.
result<std::vector<std::string>> repo_scan_ids(const event_log& log, const std::string& repo_id) {
  std::vector<std::string> ids;
  status walked = log.projection_for_each("repo_scans", repo_id + '|', [&](std::string_view, std::string_view scan_id) {
    ids.emplace_back(scan_id);
    return true;
  });
  if (!walked.is_ok()) return walked;
  std::reverse(ids.begin(), ids.end());
  return ids;
}

// The scan an incremental scan builds on when the request names none: the
// repo's newest completed scan.
std::optional<scan_record> latest_completed(const event_log& log, const std::vector<std::string>& newest_first) {
  for (const auto& id : newest_first) {
    auto scan = actors::get_scan(log, id);
    if (scan && scan->status == "completed") return std::move(scan).value();
  }
  return std::nullopt;
}

response trigger_scan(api_context& ctx, const request& req, const std::string& repo_id, const caller& who) {
  auto repo = ctx.owned_repo(repo_id, who.user);
  if (!repo) return error_from(repo.error());
  json_body body;
  if (status s = body.parse(req.body, true); !s.is_ok()) return error_from(s);
  actors::scan_request scan;
  scan.repo_id = repo_id;
  scan.triggered_by = who.user.id;
  scan.scan_type = body.string("scan_type").value_or("full");
  scan.commit_sha = body.string("commit_sha");
  scan.base_commit_sha = body.string("base_commit_sha");
  scan.parent_scan_id = body.string("parent_scan_id");
  if (!body.error().is_ok()) return error_from(body.error());
  if (scan.scan_type == "incremental" && !scan.base_commit_sha && !scan.parent_scan_id) {
    auto ids = repo_scan_ids(ctx.deps.log, repo_id);
    if (!ids) return error_response(500, "Failed to create scan: " + ids.error().message());
    auto parent = latest_completed(ctx.deps.log, *ids);
    if (!parent) return error_response(400, "An incremental scan needs a completed scan of the repo to build on");
    scan.parent_scan_id = parent->id;
  }
  if (!actors::ai_provider_ready(who.user)) {
    return error_response(503, "AI service unavailable. Please configure your API keys.");
  }
  auto created = ctx.deps.scans.trigger(scan);
  if (!created) {
    const status& s = created.error();
    if (s.code() == errc::not_found || s.code() == errc::invalid_argument) return error_from(s);
    return error_response(500, "Failed to create scan: " + s.message());
  }
  response out = data_response(to_json(*created), 202);
  if (req.header("hx-request")) out.headers.emplace_back("HX-Redirect", "/scans/" + created->id);
  return out;
}

}  // namespace

void add_repo_routes(router& r, api_context& ctx) {
  r.add("POST", "/api/repos", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params&, const caller& who) {
          json_body body;
          body.parse(req.body);
          std::string name = body.required_string("name"), source = body.required_string("source_url");
          auto branch = body.string("default_branch");
          if (!body.error().is_ok()) return error_from(body.error());
          if (auto accepted = actors::classify_source(source, ctx.deps.options.allowed_roots); !accepted) {
            return error_response(400, "source_url not accepted: " + accepted.error().message());
          }
          auto repo = actors::register_repo(ctx.deps.log, who.user.id, name, source, branch);
          if (!repo) return error_from(repo.error());
          return data_response(actors::repo_json(*repo), 201);
        }));
  r.add("GET", "/api/repos", route_kind::quick,
        authed(ctx, [&ctx](const request& req, const path_params&, const caller& who) {
          auto p = read_paging(req);
          if (auto* bad = std::get_if<response>(&p)) return std::move(*bad);
          const paging& pg = std::get<paging>(p);
          auto repos = actors::list_repos(ctx.deps.log, who.user.id, pg.page, pg.per_page);
          if (!repos) return error_from(repos.error());
          std::vector<std::string> items;
          for (const auto& repo : repos->repos) items.push_back(actors::repo_json(repo));
          return page_response(items, pg, repos->total);
        }));
  r.add("GET", "/api/repos/{id}", route_kind::quick,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto repo = ctx.owned_repo(p["id"], who.user);
          if (!repo) return error_from(repo.error());
          return data_response(actors::repo_json(*repo));
        }));
  r.add("DELETE", "/api/repos/{id}", route_kind::blocking,
        authed(ctx, [&ctx](const request&, const path_params& p, const caller& who) {
          auto repo = ctx.owned_repo(p["id"], who.user);
          if (!repo) return error_from(repo.error());
          // Its scans in progress stop first: they would scan a repo that
          // no longer exists.
          auto ids = repo_scan_ids(ctx.deps.log, repo->id);
          if (!ids) return error_from(ids.error());
          for (const auto& id : *ids) {
            auto scan = actors::get_scan(ctx.deps.log, id);
            if (scan && !scan->is_terminal()) {
              status s = ctx.deps.scans.cancel(id);
              if (!s.is_ok() && s.code() != errc::conflict) return error_from(s);
            }
          }
          if (status s = actors::delete_repo(ctx.deps.log, repo->id); !s.is_ok()) return error_from(s);
          json_writer w;
          w.begin_object().key("id").value(repo->id).key("deleted").value(true).end_object();
          return data_response(w.take());
        }));
  r.add("POST", "/api/repos/{id}/scan", route_kind::blocking,
        authed(ctx, [&ctx](const request& req, const path_params& p, const caller& who) {
          return trigger_scan(ctx, req, p["id"], who);
        }));
  r.add("GET", "/api/repos/{id}/scans", route_kind::quick,
        authed(ctx, [&ctx](const request& req, const path_params& p, const caller& who) {
          auto repo = ctx.owned_repo(p["id"], who.user);
          if (!repo) return error_from(repo.error());
          auto pr = read_paging(req);
          if (auto* bad = std::get_if<response>(&pr)) return std::move(*bad);
          const paging& pg = std::get<paging>(pr);
          auto ids = repo_scan_ids(ctx.deps.log, repo->id);
          if (!ids) return error_from(ids.error());
          std::vector<std::string> items;
          for (std::uint64_t i = (pg.page - 1) * pg.per_page; i < ids->size() && items.size() < pg.per_page; ++i) {
            if (auto scan = actors::get_scan(ctx.deps.log, (*ids)[i])) items.push_back(to_json(*scan));
          }
          return page_response(items, pg, ids->size());
        }));
}

}  // namespace heimdall::http
