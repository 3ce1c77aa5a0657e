// repos: registering a repository and looking one up, over the event log
// (a repo is its "repo-<uuid>" stream: repo.registered, then maybe
// repo.deleted). Blocking (waits for the append's fsync / reads RocksDB):
// call from a worker thread or a command, not from a cooperative actor.
// Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "actors/scan_events.h"
#include "base/result.h"
#include "store/event_log.h"

namespace heimdall::actors {


// Appends repo.registered to a new stream and returns the repo (with its
// new id). Errors: invalid_argument for an empty name or source, or an
// owner that is not a uuid; the log's append errors.
result<repo_info> register_repo(event_log& log, const std::string& owner_id, const std::string& name,
                                const std::string& source_url, std::optional<std::string> default_branch);

// Errors: not_found when the repo was never registered or was deleted.
result<repo_info> find_repo(const event_log& log, const std::string& repo_id);

}  // namespace heimdall::actors
