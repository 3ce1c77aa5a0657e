// repos: registering, listing and deleting repositories over the event log
// (a repo is its "repo-<uuid>" stream: repo.registered, then maybe
// repo.deleted; the "repos" projection lists an owner's). Blocking (waits
// for the append's fsync / reads RocksDB): call from a worker thread or a
// command, not from a cooperative actor. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/scan_events.h"
#include "base/result.h"
#include "store/event_log.h"

namespace heimdall::actors {

// Appends repo.registered to a new stream and returns the repo (with its
// new id). Errors: invalid_argument for an empty name or source, an owner
// that is not a uuid, or a network source classify_source refuses (one
// carrying a password, say; the message does not repeat it); the log's
// append errors.
result<repo_info> register_repo(event_log& log, const std::string& owner_id, const std::string& name,
                                const std::string& source_url, std::optional<std::string> default_branch);

// Errors: not_found when the repo was never registered or was deleted.
result<repo_info> find_repo(const event_log& log, const std::string& repo_id);

// The owner of a live repo, from one projection read (the ownership check
// every scan and finding request makes). Errors: not_found, as find_repo.
result<std::string> repo_owner(const event_log& log, const std::string& repo_id);

struct repo_page {
  std::vector<repo_info> repos;  // registration order
  std::uint64_t total = 0;       // the owner's repos on every page
};
// Page `page` (from 1) of `per_page` of an owner's repos.
result<repo_page> list_repos(const event_log& log, const std::string& owner_id, std::uint64_t page,
                             std::uint64_t per_page);

// Appends repo.deleted. Errors: not_found (as find_repo), conflict when the
// repo changed meanwhile, the log's errors.
status delete_repo(event_log& log, const std::string& repo_id);

// {"id","owner_id","name","source_url","default_branch","created_at"}
std::string repo_json(const repo_info& repo);

}  // namespace heimdall::actors
