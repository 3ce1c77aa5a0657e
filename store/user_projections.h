// The user projections: accounts, their emails and their API tokens, kept by
// the log in the same WriteBatch as the user events (projection.h) and read
// by actors/users.h.
//   users        user id -> user_record JSON
//   user_emails  lower-cased email -> user id (claimed emails only)
//   tokens       SHA-256 hex of a token -> token_record JSON
//
// A user is the stream "user-<uuid>": user.registered, then any of
// user.token_issued, user.token_revoked, user.ai_provider_set,
// user.api_key_stored. Its email is claimed by the single event of the
// stream "email-<SHA-256 hex of the lower-cased email>", user.email_claimed,
// which names the user; appended with expected_version::no_stream, so of two
// registrations of one email the log accepts exactly one claim. A user whose
// claim is not in the log (it lost that race, or the process died between
// the two appends) stays inactive: it is in "users" with active = false and
// in no other projection, and actors/users.h treats it as absent.
//
// Records are plain values, thread-compatible; the projections are
// stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/projection.h"

namespace heimdall {

struct user_record {
  std::string id;
  std::string email;          // as registered
  std::string role;           // admin | member
  std::string password_hash;  // Argon2id, libsodium's crypto_pwhash_str form
  std::string created_at;     // time of user.registered
  bool active = false;        // its email claim is in the log
  std::string ai_provider = "builtin";
  std::optional<std::string> ai_base_url;
  std::vector<std::string> api_key_providers;  // sorted, each once; never the keys
};

std::string to_json(const user_record& user);
result<user_record> user_record_from_json(std::string_view json);

struct token_record {
  std::string user_id;
  std::string expires_at;  // RFC 3339 as base/clock.h writes it
  bool revoked = false;
};

std::string to_json(const token_record& token);
result<token_record> token_record_from_json(std::string_view json);

// The three projections, registered in all_projections().
const projection& users_projection();
const projection& user_emails_projection();
const projection& tokens_projection();

}  // namespace heimdall
