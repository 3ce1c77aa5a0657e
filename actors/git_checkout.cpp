#include "actors/git_checkout.h"

#include <git2.h>

#include <memory>
#include <mutex>

namespace heimdall::actors {
namespace fs = std::filesystem;
namespace {

// libgit2 keeps global state; initialise it once for the process and never
// shut it down (other threads may still be using it at exit).
//
// Strict hash verification off: with it, libgit2 hashes every object again
// on every read, which was a quarter of ingest (checkout reads each blob
// once, with a collision-detecting SHA-1). Objects are checked where they
// enter: a fetch's indexer hashes every object it receives, zlib checks
// each loose object it inflates, and git itself does not re-hash on read.
void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

template <class T, void (*Free)(T*)>
struct git_deleter {
  void operator()(T* p) const { Free(p); }
};
using repository_ptr = std::unique_ptr<git_repository, git_deleter<git_repository, git_repository_free>>;
using remote_ptr = std::unique_ptr<git_remote, git_deleter<git_remote, git_remote_free>>;
using object_ptr = std::unique_ptr<git_object, git_deleter<git_object, git_object_free>>;
using reference_ptr = std::unique_ptr<git_reference, git_deleter<git_reference, git_reference_free>>;
using tree_ptr = std::unique_ptr<git_tree, git_deleter<git_tree, git_tree_free>>;
using diff_ptr = std::unique_ptr<git_diff, git_deleter<git_diff, git_diff_free>>;

std::string last_git_error() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

// Maps a libgit2 return code to our status; `what` names the operation.
status git_status(int code, const std::string& what) {
  if (code == GIT_EUSER) return status(errc::closed, what + ": cancelled");
  if (code == GIT_ENOTFOUND) return status(errc::not_found, what + ": " + last_git_error());
  if (code == GIT_EAUTH) return status(errc::io_error, what + ": authentication failed");
  return status(errc::io_error, what + ": " + last_git_error());
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

status check_under_roots(const fs::path& path, const std::vector<fs::path>& roots) {
  if (roots.empty()) {
    return status(errc::invalid_argument, "local sources are disabled: no repository root is configured");
  }
  if (!path.is_absolute()) return status(errc::invalid_argument, "a local source must be an absolute path");
  std::error_code ec;
  // Resolves symlinks and "..", so neither can lead outside a root.
  fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return status(errc::invalid_argument, "cannot resolve '" + path.string() + "': " + ec.message());
  for (const auto& root : roots) {
    fs::path real_root = fs::weakly_canonical(root, ec);
    if (ec) continue;
    auto rel = real.lexically_relative(real_root);
    if (!rel.empty() && *rel.begin() != "..") return status::ok();
  }
  return status(errc::invalid_argument, "'" + path.string() + "' is not under an allowed repository root");
}

struct callback_state {
  const checkout_options* options;
  int credential_attempts = 0;
};

int credentials_callback(git_credential** out, const char* /*url*/, const char* username_from_url,
                         unsigned int allowed, void* payload) {
  auto* state = static_cast<callback_state*>(payload);
  const git_credentials& c = state->options->credentials;
  // libgit2 calls again after a rejected credential; one try each, then
  // give up instead of looping.
  if (++state->credential_attempts > 2) return GIT_EAUTH;
  std::string user = username_from_url != nullptr && *username_from_url ? username_from_url : c.username;
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !c.ssh_private_key.empty()) {
    return git_credential_ssh_key_new(out, user.c_str(), c.ssh_public_key.empty() ? nullptr : c.ssh_public_key.c_str(),
                                      c.ssh_private_key.c_str(), c.ssh_passphrase.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !c.secret.empty()) {
    return git_credential_userpass_plaintext_new(out, user.c_str(), c.secret.c_str());
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, user.c_str());
  return GIT_PASSTHROUGH;  // no credential of a kind the server accepts
}

int progress_callback(const git_indexer_progress* /*stats*/, void* payload) {
  auto* state = static_cast<callback_state*>(payload);
  return state->options->cancelled && state->options->cancelled() ? -1 : 0;
}

git_fetch_options fetch_options(callback_state& state) {
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.callbacks.credentials = credentials_callback;
  opts.callbacks.transfer_progress = progress_callback;
  opts.callbacks.payload = &state;
  opts.prune = GIT_FETCH_PRUNE;
  return opts;
}

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// The branch the remote's HEAD points at, e.g. "main".
std::string default_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "refs/remotes/origin/HEAD") != 0) return "";
  reference_ptr ref(raw);
  const char* target = git_reference_symbolic_target(ref.get());
  std::string name = target != nullptr ? target : "";
  constexpr std::string_view prefix = "refs/remotes/origin/";
  return starts_with(name, prefix) ? name.substr(prefix.size()) : "";
}

}  // namespace

result<git_source> classify_source(const std::string& source, const std::vector<fs::path>& allowed_roots) {
  if (source.empty()) return status(errc::invalid_argument, "the repository source is empty");
  auto authority_of = [&](std::size_t scheme_len) {
    std::string rest = source.substr(scheme_len);
    return rest.substr(0, rest.find('/'));
  };
  if (starts_with(source, "https://")) {
    if (authority_of(8).find('@') != std::string::npos) {
      return status(errc::invalid_argument,
                    "credentials in the URL are not accepted; store them as the repository's credentials");
    }
    return git_source{source_kind::https, source};
  }
  if (starts_with(source, "ssh://")) {
    std::string authority = authority_of(6);
    auto at = authority.find('@');
    if (at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos) {
      return status(errc::invalid_argument, "a password in the URL is not accepted; use an SSH key");
    }
    return git_source{source_kind::ssh, source};
  }
  if (starts_with(source, "file://")) {
    fs::path path = source.substr(7);
    if (status s = check_under_roots(path, allowed_roots); !s.is_ok()) return s;
    return git_source{source_kind::local, fs::weakly_canonical(path).string()};
  }
  if (source.find("://") != std::string::npos) {
    return status(errc::invalid_argument, "unsupported repository URL scheme in '" + source.substr(0, source.find("://")) +
                                              "://'; use https://, ssh://, user@host:path, file:// or a local path");
  }
  // scp-like user@host:path (a ':' before any '/', and a user).
  auto colon = source.find(':');
  auto slash = source.find('/');
  auto at = source.find('@');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash) && at != std::string::npos &&
      at < colon) {
    return git_source{source_kind::ssh, source};
  }
  if (status s = check_under_roots(source, allowed_roots); !s.is_ok()) return s;
  return git_source{source_kind::local, fs::weakly_canonical(source).string()};
}

result<checkout_result> checkout(const checkout_options& options, const fs::path& workspace) {
  ensure_libgit2();
  auto source = classify_source(options.source, options.allowed_roots);
  if (!source) return source.error();
  callback_state state{&options};
  // Transfers poll `cancelled` through libgit2's progress callback; a local
  // clone makes no such calls, so the steps themselves check it too.
  auto cancelled = [&] { return options.cancelled && options.cancelled(); };
  if (cancelled()) return status(errc::closed, "checkout cancelled");

  std::error_code ec;
  repository_ptr repo;
  git_repository* raw_repo = nullptr;
  if (fs::exists(workspace / ".git", ec)) {
    if (int rc = git_repository_open(&raw_repo, workspace.c_str()); rc != 0) return git_status(rc, "opening the workspace");
    repo.reset(raw_repo);
    git_remote* raw_remote = nullptr;
    if (int rc = git_remote_lookup(&raw_remote, repo.get(), "origin"); rc != 0) return git_status(rc, "reading the workspace's remote");
    remote_ptr remote(raw_remote);
    if (source->url != git_remote_url(remote.get())) {
      return status(errc::invalid_argument, "workspace '" + workspace.string() + "' holds a clone of another source");
    }
    git_fetch_options fetch = fetch_options(state);
    if (int rc = git_remote_fetch(remote.get(), nullptr, &fetch, nullptr); rc != 0) return git_status(rc, "fetching");
  } else {
    if (fs::exists(workspace, ec) && !fs::is_empty(workspace, ec)) {
      return status(errc::invalid_argument, "workspace '" + workspace.string() + "' is not empty and not a clone");
    }
    git_clone_options clone = GIT_CLONE_OPTIONS_INIT;
    clone.fetch_opts = fetch_options(state);
    // The tree is checked out below, once the commit to scan is known.
    clone.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
    if (int rc = git_clone(&raw_repo, source->url.c_str(), workspace.c_str(), &clone); rc != 0) {
      return git_status(rc, "cloning the repository");
    }
    repo.reset(raw_repo);
  }

  if (cancelled()) return status(errc::closed, "checkout cancelled");

  checkout_result out;
  std::string spec;
  if (options.commit) {
    spec = *options.commit + "^{commit}";
  } else {
    out.branch = options.branch ? *options.branch : default_branch(repo.get());
    if (out.branch.empty()) return status(errc::not_found, "the repository has no default branch (is it empty?)");
    spec = "refs/remotes/origin/" + out.branch + "^{commit}";
  }
  git_object* raw_target = nullptr;
  if (int rc = git_revparse_single(&raw_target, repo.get(), spec.c_str()); rc != 0) {
    std::string what = options.commit ? "commit '" + *options.commit + "'" : "branch '" + out.branch + "'";
    return rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC
               ? status(errc::not_found, what + " does not exist in the repository")
               : git_status(rc, "resolving " + what);
  }
  object_ptr target(raw_target);
  git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
  co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
  if (int rc = git_checkout_tree(repo.get(), target.get(), &co); rc != 0) return git_status(rc, "checking out");
  const git_oid* oid = git_object_id(target.get());
  if (int rc = git_repository_set_head_detached(repo.get(), oid); rc != 0) return git_status(rc, "checking out");
  out.commit_sha = oid_hex(oid);
  return out;
}

result<changed_paths> diff_commits(const fs::path& workspace, const std::string& base_commit,
                                   const std::string& head_commit) {
  ensure_libgit2();
  git_repository* raw_repo = nullptr;
  if (int rc = git_repository_open(&raw_repo, workspace.c_str()); rc != 0) return git_status(rc, "opening the workspace");
  repository_ptr repo(raw_repo);
  auto tree_of = [&](const std::string& commit) -> result<tree_ptr> {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo.get(), (commit + "^{tree}").c_str()) != 0) {
      return status(errc::not_found, "commit '" + commit + "' does not exist in the repository");
    }
    return tree_ptr(reinterpret_cast<git_tree*>(raw));
  };
  auto base = tree_of(base_commit);
  if (!base) return base.error();
  auto head = tree_of(head_commit);
  if (!head) return head.error();
  git_diff* raw_diff = nullptr;
  if (int rc = git_diff_tree_to_tree(&raw_diff, repo.get(), base->get(), head->get(), nullptr); rc != 0) {
    return git_status(rc, "comparing commits");
  }
  diff_ptr diff(raw_diff);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (int rc = git_diff_find_similar(diff.get(), &find); rc != 0) return git_status(rc, "finding renames");
  changed_paths out;
  for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_DELETED) {
      out.deleted.emplace_back(d->old_file.path);
    } else {
      if (d->status == GIT_DELTA_RENAMED) out.deleted.emplace_back(d->old_file.path);
      out.changed.emplace_back(d->new_file.path);
    }
  }
  return out;
}

}  // namespace heimdall::actors
