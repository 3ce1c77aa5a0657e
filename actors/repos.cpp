#include "actors/repos.h"

#include "actors/scan_events.h"
#include "base/uuid.h"

namespace heimdall::actors {

result<repo_info> register_repo(event_log& log, const std::string& owner_id, const std::string& name,
                                const std::string& source_url, std::optional<std::string> default_branch) {
  if (!uuid::parse(owner_id)) return status(errc::invalid_argument, "owner id '" + owner_id + "' is not a uuid");
  if (name.empty()) return status(errc::invalid_argument, "a repository needs a name");
  if (source_url.empty()) return status(errc::invalid_argument, "a repository needs a source");
  if (default_branch && default_branch->empty()) default_branch.reset();
  repo_info repo{uuid::v7().to_string(), owner_id, name, source_url, std::move(default_branch)};
  auto appended = log.append(repo_stream(repo.id), expected_version::no_stream(), {repo_registered_event(repo)});
  if (!appended) return appended.error();
  return repo;
}

result<repo_info> find_repo(const event_log& log, const std::string& repo_id) {
  auto events = log.read_stream(repo_stream(repo_id), 1, 1000);
  if (!events) return events.error();
  const auto& list = events.value();
  if (list.empty() || list.front().type != "repo.registered") {
    return status(errc::not_found, "Repo '" + repo_id + "' not found");
  }
  for (const auto& e : list) {
    if (e.type == "repo.deleted") return status(errc::not_found, "Repo '" + repo_id + "' not found");
  }
  auto repo = parse_repo_registered(repo_id, list.front().data);
  if (!repo) return status(errc::corruption, "repo " + repo_id + ": " + repo.error().message());
  return repo;
}

}  // namespace heimdall::actors
