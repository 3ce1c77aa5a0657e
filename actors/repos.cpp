#include "actors/repos.h"

#include "actors/git_checkout.h"
#include "actors/scan_events.h"
#include "base/json_writer.h"
#include "base/uuid.h"

namespace heimdall::actors {
namespace {

status not_found(const std::string& repo_id) {
  return status(errc::not_found, "Repo '" + repo_id + "' not found");
}

// The repo's stream, checked to be a live repo; its first event is
// repo.registered.
result<std::vector<event>> live_stream(const event_log& log, const std::string& repo_id) {
  if (!uuid::parse(repo_id)) return not_found(repo_id);
  auto events = log.read_stream(repo_stream(repo_id), 1, 1000);
  if (!events) return events.error();
  const auto& list = events.value();
  if (list.empty() || list.front().type != "repo.registered") return not_found(repo_id);
  for (const auto& e : list) {
    if (e.type == "repo.deleted") return not_found(repo_id);
  }
  return events;
}

}  // namespace

result<repo_info> register_repo(event_log& log, const std::string& owner_id, const std::string& name,
                                const std::string& source_url, std::optional<std::string> default_branch) {
  if (!uuid::parse(owner_id)) return status(errc::invalid_argument, "owner id '" + owner_id + "' is not a uuid");
  if (name.empty()) return status(errc::invalid_argument, "a repository needs a name");
  if (source_url.empty()) return status(errc::invalid_argument, "a repository needs a source");
  // A network source is checked before it is recorded: one carrying a
  // password must never reach the log. (Local paths are checked against
  // the allowed roots where the caller knows them, and again at checkout.)
  if (source_url.find("://") != std::string::npos && source_url.rfind("file://", 0) != 0) {
    if (auto accepted = classify_source(source_url, {}); !accepted) return accepted.error();
  }
  if (default_branch && default_branch->empty()) default_branch.reset();
  repo_info repo{uuid::v7().to_string(), owner_id, name, source_url, std::move(default_branch), {}};
  auto appended = log.append(repo_stream(repo.id), expected_version::no_stream(), {repo_registered_event(repo)});
  if (!appended) return appended.error();
  if (auto stored = log.read_stream(repo_stream(repo.id), 1, 1); stored && !stored->empty()) {
    repo.created_at = stored->front().time;
  }
  return repo;
}

result<repo_info> find_repo(const event_log& log, const std::string& repo_id) {
  auto events = live_stream(log, repo_id);
  if (!events) return events.error();
  const event& registered = events->front();
  auto repo = parse_repo_registered(repo_id, registered.data);
  if (!repo) return status(errc::corruption, "repo " + repo_id + ": " + repo.error().message());
  repo->created_at = registered.time;
  return repo;
}

result<std::string> repo_owner(const event_log& log, const std::string& repo_id) {
  // The "repos" projection keeps "r|<repo>" -> "o|<owner>|<seq>" for live repos.
  auto listing = log.projection_get("repos", "r|" + repo_id);
  if (!listing) return listing.error();
  const auto& key = listing.value();
  if (!key || key->size() < 3 || key->compare(0, 2, "o|") != 0) return not_found(repo_id);
  auto bar = key->find('|', 2);
  if (bar == std::string::npos) return not_found(repo_id);
  return key->substr(2, bar - 2);
}

result<repo_page> list_repos(const event_log& log, const std::string& owner_id, std::uint64_t page,
                             std::uint64_t per_page) {
  const std::uint64_t first = (page - 1) * per_page;
  repo_page out;
  status failed = status::ok();
  status walked = log.projection_for_each("repos", "o|" + owner_id + '|', [&](std::string_view, std::string_view id) {
    if (out.total++ < first || out.repos.size() >= per_page) return true;
    auto repo = find_repo(log, std::string(id));
    if (!repo) return (failed = repo.error()).is_ok();
    out.repos.push_back(std::move(repo).value());
    return true;
  });
  if (!walked.is_ok()) return walked;
  if (!failed.is_ok()) return failed;
  return out;
}

status delete_repo(event_log& log, const std::string& repo_id) {
  auto events = live_stream(log, repo_id);
  if (!events) return events.error();
  new_event deleted;
  deleted.id = uuid::v7();
  deleted.type = "repo.deleted";
  deleted.data = "{}";
  auto appended = log.append(repo_stream(repo_id), expected_version::exact(events->back().version), {deleted});
  return appended ? status::ok() : appended.error();
}

std::string repo_json(const repo_info& repo) {
  json_writer w;
  w.begin_object();
  w.key("id").value(repo.id);
  w.key("owner_id").value(repo.owner_id);
  w.key("name").value(repo.name);
  w.key("source_url").value(repo.source_url);
  w.key("default_branch").value(repo.default_branch);
  w.key("created_at").value(repo.created_at);
  w.end_object();
  return w.take();
}

}  // namespace heimdall::actors
