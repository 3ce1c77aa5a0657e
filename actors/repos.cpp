#include "actors/repos.h"

#include <simdjson.h>

#include "actors/scan_events.h"
#include "base/json_writer.h"
#include "base/uuid.h"

namespace heimdall::actors {

result<repo_info> register_repo(event_log& log, const std::string& owner_id, const std::string& name,
                                const std::string& source_url, std::optional<std::string> default_branch) {
  if (!uuid::parse(owner_id)) return status(errc::invalid_argument, "owner id '" + owner_id + "' is not a uuid");
  if (name.empty()) return status(errc::invalid_argument, "a repository needs a name");
  if (source_url.empty()) return status(errc::invalid_argument, "a repository needs a source");
  if (default_branch && default_branch->empty()) default_branch.reset();
  repo_info repo{uuid::v7().to_string(), owner_id, name, source_url, std::move(default_branch)};
  json_writer w;
  w.begin_object();
  w.key("owner_id").value(repo.owner_id);
  w.key("name").value(repo.name);
  w.key("source_url").value(repo.source_url);
  w.key("default_branch").value(repo.default_branch);
  w.end_object();
  new_event e{uuid::v7(), "repo.registered", 1, w.take()};
  auto appended = log.append(repo_stream(repo.id), expected_version::no_stream(), {std::move(e)});
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
  simdjson::dom::parser parser;
  simdjson::dom::object data;
  std::string_view owner, name, source;
  if (parser.parse(list.front().data).get(data) != simdjson::SUCCESS ||
      data["owner_id"].get(owner) != simdjson::SUCCESS || data["name"].get(name) != simdjson::SUCCESS ||
      data["source_url"].get(source) != simdjson::SUCCESS) {
    return status(errc::corruption, "repo " + repo_id + ": repo.registered lacks owner_id, name or source_url");
  }
  repo_info repo{repo_id, std::string(owner), std::string(name), std::string(source), std::nullopt};
  std::string_view branch;
  if (data["default_branch"].get(branch) == simdjson::SUCCESS) repo.default_branch = std::string(branch);
  return repo;
}

}  // namespace heimdall::actors
