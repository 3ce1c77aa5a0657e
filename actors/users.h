// users: accounts, passwords, API tokens and AI provider settings, over the
// event log (a user is its "user-<uuid>" stream; store/user_projections.h
// describes the streams and the projections these functions read).
//
// Blocking: appends wait for their fsync, password hashing takes about a
// tenth of a second and 64 MiB (Argon2id, libsodium's interactive limits):
// call from a worker thread or a command, not from a cooperative actor or an
// io thread. Thread-safe; no state of their own.
//
// Secrets: a password is kept only as its Argon2id hash; a token only as its
// SHA-256 (the token itself is returned once, by issue_token); an API key
// only encrypted (crypto_secretbox_easy) under the 32-byte master key in a
// file, and no function here returns it except load_api_key. None of them
// appears in an error message.
//
// Errors: invalid_argument (malformed input, nothing written), not_found,
// conflict, and the log's own (io_error, read_only, closed, ...).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/event_log.h"

namespace heimdall::actors {

struct user_info {
  std::string id;
  std::string email;
  std::string role;  // "admin" | "member"
  std::string created_at;
  std::string ai_provider = "builtin";  // builtin | openai | anthropic | ollama
  std::optional<std::string> ai_base_url;
  std::vector<std::string> api_key_providers;  // providers with a stored key, never the keys
};

struct issued_token {
  std::string token;       // 64 hex chars = 256 random bits; returned once, never stored
  std::string expires_at;  // RFC 3339
};

// Errors: invalid_argument (email malformed, password shorter than 8 or
// longer than 1024 bytes, role unknown); conflict "email already
// registered" (emails compare case-insensitively; of concurrent
// registrations of one email exactly one succeeds).
result<user_info> register_user(event_log& log, const std::string& email, const std::string& password,
                                const std::string& role);

// The user whose password matches. errc::not_found for an unknown email and
// a wrong password alike, with the same message and about the same time.
result<user_info> check_password(const event_log& log, const std::string& email, const std::string& password);

// Issues a token for the user, valid for `ttl` (1 s to 10 years): only its
// SHA-256 is recorded (user.token_issued). Errors: not_found for an unknown
// user; invalid_argument for a ttl out of range.
result<issued_token> issue_token(event_log& log, const std::string& user_id, std::chrono::seconds ttl);

// The token's user, when the token is known, unrevoked and unexpired at
// `now`; errc::not_found otherwise. Two projection point reads, no stream
// replay: made to run on every request.
result<user_info> authenticate(const event_log& log, const std::string& token,
                               std::chrono::system_clock::time_point now);

// Appends user.token_revoked; revoking a revoked token again is ok.
// Errors: not_found for an unknown token.
status revoke_token(event_log& log, const std::string& token);

// Errors: not_found.
result<user_info> find_user(const event_log& log, const std::string& user_id);

// Registered (active) users.
result<std::uint64_t> count_users(const event_log& log);

// Selects the user's AI provider. base_url (http:// or https://, at most
// 2048 bytes; "" means none) is the provider's endpoint, e.g. an ollama
// server; not allowed for builtin. Errors: invalid_argument, not_found.
status set_ai_provider(event_log& log, const std::string& user_id, const std::string& provider,
                       std::optional<std::string> base_url);

// Stores (or replaces) the user's API key for openai, anthropic or ollama
// (1 to 4096 bytes, no control characters). The key is encrypted with
// crypto_secretbox_easy under the 32-byte master key in `master_key_file`
// (created with mode 0600 on first use, e.g. <data dir>/secret.key; a file
// that others may access, a symlink, or one of another size is refused), and
// only the nonce and ciphertext are recorded (user.api_key_stored).
// Errors: invalid_argument, not_found, io_error (the key file).
status store_api_key(event_log& log, const std::filesystem::path& master_key_file, const std::string& user_id,
                     const std::string& provider, const std::string& api_key);

// The user's stored key for `provider`, decrypted: for the code that calls
// the provider, never for an API response. Replays the user's stream.
// Errors: not_found (unknown user, no key stored, no master key file),
// corruption (the key does not decrypt: another master key file?).
result<std::string> load_api_key(const event_log& log, const std::filesystem::path& master_key_file,
                                 const std::string& user_id, const std::string& provider);

// Whether the user's selected provider can be used: builtin always;
// openai/anthropic need a stored key; ollama needs a base_url.
bool ai_provider_ready(const user_info& user);

// A fresh random password: 24 URL-safe base64 characters (144 bits), for
// accounts created without one (`heimdall user add`, the first admin).
std::string random_password();

}  // namespace heimdall::actors
