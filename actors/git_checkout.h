// git_checkout: brings a repository's tree into a workspace with libgit2, for
// the ingest stage.
//
// Sources: an absolute local path or file:// URL under one of the allowed
// roots (symlinks resolved before the check), https://, ssh://, or scp-like
// user@host:path. Credentials never travel in a URL (one that carries a
// password or token is rejected): they come through libgit2's credential
// callback from `git_credentials`, and no error message or result contains
// them.
//
// Blocking (network and disk I/O): call from a detached actor or worker
// thread, never from a cooperative actor. Thread-safe: concurrent calls on
// different workspaces are fine.
//
// Errors: errc::invalid_argument (source not accepted, and why),
// errc::not_found (source, branch or commit missing), errc::closed
// (cancelled), errc::io_error (network, authentication, disk).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace heimdall::actors {

struct git_credentials {
  std::string username;         // https user, or ssh user when the URL names none
  std::string secret;           // https password or token
  std::string ssh_private_key;  // path to a private key file
  std::string ssh_public_key;   // optional path to its public key
  std::string ssh_passphrase;
};

enum class source_kind { local, https, ssh };

struct git_source {
  source_kind kind;
  std::string url;  // what libgit2 is given (a canonical path for local sources)
};

// Accepts or rejects a repository source (see above).
result<git_source> classify_source(const std::string& source,
                                   const std::vector<std::filesystem::path>& allowed_roots);

struct checkout_options {
  std::string source;
  std::optional<std::string> branch;  // default: the source's default branch
  std::optional<std::string> commit;  // a sha (or abbreviation) reachable after fetching
  std::vector<std::filesystem::path> allowed_roots;
  git_credentials credentials;
  std::function<bool()> cancelled;  // polled during transfers
};

struct checkout_result {
  std::string commit_sha;  // 40 hex digits
  std::string branch;      // the branch checked out, empty for a bare commit
};

// Clones into `workspace` (absent or empty), or fetches when it already
// holds a clone of the same source, then checks out the requested commit,
// branch tip or default branch tip (detached HEAD, working tree forced).
result<checkout_result> checkout(const checkout_options& options, const std::filesystem::path& workspace);

struct changed_paths {
  std::vector<std::string> changed;  // added, modified, or the new path of a rename
  std::vector<std::string> deleted;
};

// What changed between two commits of the workspace's repository, for
// incremental scans. Paths are relative and '/'-separated.
result<changed_paths> diff_commits(const std::filesystem::path& workspace, const std::string& base_commit,
                                   const std::string& head_commit);

}  // namespace heimdall::actors
