#include "actors/users.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "analysis/sha256.h"
#include "base/clock.h"
#include "base/json_writer.h"
#include "base/uuid.h"
#include "store/data_fields.h"
#include "store/user_projections.h"

namespace heimdall::actors {
namespace {

static_assert(crypto_pwhash_ALG_DEFAULT == crypto_pwhash_ALG_ARGON2ID13, "crypto_pwhash_str must hash with Argon2id");

constexpr std::size_t kMinPasswordBytes = 8;
constexpr std::size_t kMaxPasswordBytes = 1024;  // bounds the work one login asks of the hash
constexpr std::size_t kMaxEmailBytes = 254;      // RFC 5321's limit on a forward path
constexpr std::size_t kMaxLocalPartBytes = 64;
constexpr std::size_t kTokenBytes = 32;          // 256 bits, as DESIGN.md's auth section says
constexpr std::size_t kMaxApiKeyBytes = 4096;    // well above any provider's keys
constexpr std::size_t kMaxBaseUrlBytes = 2048;
constexpr std::chrono::seconds kMaxTokenTtl{std::chrono::hours(24 * 3650)};
constexpr std::size_t kMasterKeyBytes = crypto_secretbox_KEYBYTES;
static_assert(kMasterKeyBytes == 32);

const char* const kLoginFailed = "unknown email or wrong password";  // says neither which

status sodium_ready() {
  static const int rc = sodium_init();  // idempotent and thread-safe; cached for speed
  if (rc < 0) return status(errc::io_error, "libsodium failed to initialise (no entropy source?)");
  return status::ok();
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out(2 * size + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

std::optional<std::string> unhex(const std::string& text) {
  std::string out(text.size() / 2, '\0');
  std::size_t size = 0;
  if (text.size() % 2 != 0 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                     &size, nullptr) != 0 ||
      size != out.size()) {
    return std::nullopt;
  }
  return out;
}

bool is_lower_hex(const std::string& text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// A plain address: local@domain, the local part of letters, digits and
// RFC 5322's atext symbols with single inner dots, the domain of dot-separated
// labels of letters, digits and inner hyphens, at least two of them. Quoted
// local parts and address literals are refused: no one registers with them.
bool valid_email(const std::string& email) {
  auto at = email.find('@');
  if (email.size() > kMaxEmailBytes || at == std::string::npos || at == 0 || at > kMaxLocalPartBytes ||
      email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  std::string local = email.substr(0, at), domain = email.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
  for (char c : local) {
    if (!alnum(c) && std::strchr(".!#$%&'*+/=?^_`{|}~-", c) == nullptr) return false;
  }
  std::size_t labels = 0, start = 0;
  for (;;) {
    auto end = domain.find('.', start);
    std::string label = domain.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!alnum(c) && c != '-') return false;
    }
    ++labels;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return labels >= 2;
}

bool known_role(const std::string& role) { return role == "admin" || role == "member"; }
bool known_provider(const std::string& p) { return p == "builtin" || p == "openai" || p == "anthropic" || p == "ollama"; }

// analysis::sha256_hex, with its (libcrypto) failure as a status.
result<std::string> sha256_of(const std::string& text) {
  std::string digest = analysis::sha256_hex(text);
  if (digest.empty()) return status(errc::io_error, "SHA-256 failed (libcrypto)");
  return digest;
}

std::string user_stream(const std::string& user_id) { return "user-" + user_id; }

// A new event of `type` (schema 1) whose data is the given string (or null)
// members: every user event has that shape.
new_event string_event(std::string type,
                       std::initializer_list<std::pair<const char*, std::optional<std::string>>> members) {
  json_writer w;
  w.begin_object();
  for (const auto& [key, value] : members) w.key(key).value(value);
  w.end_object();
  return new_event{uuid::v7(), std::move(type), 1, w.take()};
}

user_info to_info(user_record r) {
  return user_info{std::move(r.id),          std::move(r.email),       std::move(r.role),
                   std::move(r.created_at),  std::move(r.ai_provider), std::move(r.ai_base_url),
                   std::move(r.api_key_providers)};
}

// The active user's record; not_found for an unknown or inactive user.
result<user_record> load_user(const event_log& log, const std::string& user_id) {
  auto stored = log.projection_get("users", user_id);
  if (!stored) return stored.error();
  if (*stored) {
    auto record = user_record_from_json(**stored);
    if (!record) return status(errc::corruption, "user " + user_id + ": " + record.error().message());
    if (record->active) return record;
  }
  return status(errc::not_found, "user '" + user_id + "' not found");
}

// A hash to verify against when the email is unknown, so that an unknown
// email costs as much time as a wrong password.
const std::string& decoy_hash() {
  static const std::string hash = [] {
    std::array<unsigned char, 16> noise;
    randombytes_buf(noise.data(), noise.size());
    std::string secret = hex(noise.data(), noise.size());
    char out[crypto_pwhash_STRBYTES] = {};
    if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();  // out of memory: verifying against "" fails at once
    }
    return std::string(out);
  }();
  return hash;
}

bool password_matches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

status token_not_found() { return status(errc::not_found, "unknown, revoked or expired token"); }

// The token's record under its SHA-256, when the token has the right shape
// and is known.
result<std::pair<std::string, token_record>> find_token(const event_log& log, const std::string& token) {
  if (token.size() != 2 * kTokenBytes || !is_lower_hex(token)) return token_not_found();
  auto sha256 = sha256_of(token);
  if (!sha256) return sha256.error();
  auto stored = log.projection_get("tokens", *sha256);
  if (!stored) return stored.error();
  if (!*stored) return token_not_found();
  auto record = token_record_from_json(**stored);
  if (!record) return status(errc::corruption, "token record: " + record.error().message());
  return std::make_pair(std::move(sha256).value(), std::move(record).value());
}

// ---------------------------------------------------------------- master key

using master_key = std::array<unsigned char, kMasterKeyBytes>;

status key_file_error(const std::filesystem::path& path, const std::string& what) {
  return status(errc::io_error, "secret key file " + path.string() + ": " + what);
}

status sync_parent(const std::filesystem::path& path) {
  auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return key_file_error(path, std::string("cannot open its directory: ") + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return key_file_error(path, std::string("cannot sync its directory: ") + std::strerror(errno));
  return status::ok();
}

// Writes a fresh key to a temporary file and links it into place, so a
// reader never sees a partial key and of two processes creating it at once
// one key wins (link fails with EEXIST for the other).
status create_master_key(const std::filesystem::path& path) {
  master_key key;
  randombytes_buf(key.data(), key.size());
  std::array<unsigned char, 8> suffix;
  randombytes_buf(suffix.data(), suffix.size());
  std::string temp = path.string() + ".tmp-" + hex(suffix.data(), suffix.size());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return key_file_error(path, std::string("cannot create it: ") + std::strerror(errno));
  bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  int write_errno = errno;
  ::close(fd);
  sodium_memzero(key.data(), key.size());
  if (!written) {
    ::unlink(temp.c_str());
    return key_file_error(path, std::string("cannot write it: ") + std::strerror(write_errno));
  }
  int linked = ::link(temp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    return key_file_error(path, std::string("cannot create it: ") + std::strerror(link_errno));
  }
  return sync_parent(path);
}

result<master_key> read_master_key(const std::filesystem::path& path, bool create) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT && create) {
    if (status s = create_master_key(path); !s.is_ok()) return s;
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) {
    if (errno == ENOENT) return status(errc::not_found, "secret key file " + path.string() + " does not exist");
    return key_file_error(path, std::string("cannot open it: ") + std::strerror(errno));
  }
  struct stat st {};
  master_key key;
  status problem;
  if (::fstat(fd, &st) != 0) {
    problem = key_file_error(path, std::string("cannot stat it: ") + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode) || st.st_size != static_cast<off_t>(key.size())) {
    problem = key_file_error(path, "not a regular file of " + std::to_string(key.size()) + " bytes");
  } else if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    problem = key_file_error(path, std::string("others may access it (mode ") + mode + "); chmod 600 it");
  } else if (::read(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
    problem = key_file_error(path, std::string("cannot read it: ") + std::strerror(errno));
  }
  ::close(fd);
  if (!problem.is_ok()) {
    sodium_memzero(key.data(), key.size());
    return problem;
  }
  return key;
}

}  // namespace

result<user_info> register_user(event_log& log, const std::string& email, const std::string& password,
                                const std::string& role) {
  if (!valid_email(email)) return status(errc::invalid_argument, "'" + email + "' is not a valid email address");
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return status(errc::invalid_argument, "a password needs " + std::to_string(kMinPasswordBytes) + " to " +
                                              std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (!known_role(role)) return status(errc::invalid_argument, "unknown role '" + role + "' (admin or member)");
  if (status s = sodium_ready(); !s.is_ok()) return s;
  const std::string key = lower(email);
  auto key_sha256 = sha256_of(key);
  if (!key_sha256) return key_sha256.error();
  // The quick check; the claim below is the one that holds under a race.
  auto taken = log.projection_get("user_emails", key);
  if (!taken) return taken.error();
  if (*taken) return status(errc::conflict, "email already registered");

  char hash[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return status(errc::io_error, "hashing a password failed (out of memory?)");
  }
  const std::string id = uuid::v7().to_string();
  // The user first, then the claim that activates it: a process that dies
  // in between leaves an inactive user and the email free, never an email
  // claimed by no one.
  auto registered = log.append(user_stream(id), expected_version::no_stream(),
                               {string_event("user.registered", {{"email", email}, {"role", role}, {"password_hash", std::string(hash)}})});
  if (!registered) return registered.error();
  auto claimed = log.append("email-" + *key_sha256, expected_version::no_stream(),
                            {string_event("user.email_claimed", {{"user_id", id}, {"email", key}})});
  if (!claimed) {
    if (claimed.error().code() == errc::conflict) return status(errc::conflict, "email already registered");
    return claimed.error();
  }
  return find_user(log, id);
}

result<user_info> check_password(const event_log& log, const std::string& email, const std::string& password) {
  if (status s = sodium_ready(); !s.is_ok()) return s;
  if (password.size() > kMaxPasswordBytes) return status(errc::not_found, kLoginFailed);
  auto user_id = log.projection_get("user_emails", lower(email));
  if (!user_id) return user_id.error();
  std::optional<user_record> user;
  if (*user_id) {
    auto found = load_user(log, **user_id);
    if (!found && found.error().code() != errc::not_found) return found.error();
    if (found) user = std::move(found).value();
  }
  // Verified against a decoy when the email is unknown: the same work either way.
  bool matches = password_matches(user ? user->password_hash : decoy_hash(), password);
  if (!user || !matches) return status(errc::not_found, kLoginFailed);
  return to_info(std::move(*user));
}

result<issued_token> issue_token(event_log& log, const std::string& user_id, std::chrono::seconds ttl) {
  if (ttl < std::chrono::seconds(1) || ttl > kMaxTokenTtl) {
    return status(errc::invalid_argument, "a token's lifetime must be 1 s to 10 years, not " +
                                              std::to_string(ttl.count()) + " s");
  }
  if (status s = sodium_ready(); !s.is_ok()) return s;
  auto user = load_user(log, user_id);
  if (!user) return user.error();
  std::array<unsigned char, kTokenBytes> random;
  randombytes_buf(random.data(), random.size());
  issued_token issued{hex(random.data(), random.size()),
                      format_time_ms(system_clock_ms() + std::chrono::milliseconds(ttl).count())};
  sodium_memzero(random.data(), random.size());
  auto token_sha256 = sha256_of(issued.token);
  if (!token_sha256) return token_sha256.error();
  auto appended = log.append(user_stream(user_id), expected_version::any(),
                             {string_event("user.token_issued", {{"token_sha256", *token_sha256},
                                                                 {"expires_at", issued.expires_at}})});
  if (!appended) return appended.error();
  return issued;
}

result<user_info> authenticate(const event_log& log, const std::string& token,
                               std::chrono::system_clock::time_point now) {
  auto found = find_token(log, token);
  if (!found) return found.error();
  const token_record& t = found->second;
  // Both times are base/clock.h's fixed-width UTC form, so the text order is
  // the time order.
  std::string now_text =
      format_time_ms(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  if (t.revoked || t.expires_at.size() != now_text.size() || now_text >= t.expires_at) return token_not_found();
  auto user = load_user(log, t.user_id);
  if (!user) return user.error().code() == errc::not_found ? token_not_found() : user.error();
  return to_info(std::move(user).value());
}

status revoke_token(event_log& log, const std::string& token) {
  auto found = find_token(log, token);
  if (!found) return found.error();
  if (found->second.revoked) return status::ok();
  auto appended = log.append(user_stream(found->second.user_id), expected_version::any(),
                             {string_event("user.token_revoked", {{"token_sha256", found->first}})});
  return appended ? status::ok() : appended.error();
}

result<user_info> find_user(const event_log& log, const std::string& user_id) {
  auto user = load_user(log, user_id);
  if (!user) return user.error();
  return to_info(std::move(user).value());
}

result<std::uint64_t> count_users(const event_log& log) {
  std::uint64_t count = 0;
  status walked = log.projection_for_each("user_emails", "", [&](std::string_view, std::string_view) {
    ++count;
    return true;
  });
  if (!walked.is_ok()) return walked;
  return count;
}

status set_ai_provider(event_log& log, const std::string& user_id, const std::string& provider,
                       std::optional<std::string> base_url) {
  if (!known_provider(provider)) {
    return status(errc::invalid_argument, "unknown AI provider '" + provider + "' (builtin, openai, anthropic or ollama)");
  }
  if (base_url && base_url->empty()) base_url.reset();
  if (base_url) {
    const std::string& url = *base_url;
    bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
    bool clean = url.size() <= kMaxBaseUrlBytes &&
                 std::none_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
    if (!http || !clean || url.size() <= std::strlen("https://")) {
      return status(errc::invalid_argument, "an AI provider's base URL must be an http:// or https:// URL of at most " +
                                                std::to_string(kMaxBaseUrlBytes) + " bytes");
    }
    if (provider == "builtin") return status(errc::invalid_argument, "the builtin AI provider takes no base URL");
  }
  auto user = load_user(log, user_id);
  if (!user) return user.error();
  auto appended = log.append(user_stream(user_id), expected_version::any(),
                             {string_event("user.ai_provider_set", {{"provider", provider}, {"base_url", base_url}})});
  return appended ? status::ok() : appended.error();
}

status store_api_key(event_log& log, const std::filesystem::path& master_key_file, const std::string& user_id,
                     const std::string& provider, const std::string& api_key) {
  if (provider != "openai" && provider != "anthropic" && provider != "ollama") {
    return status(errc::invalid_argument, "API keys are stored for openai, anthropic or ollama, not '" + provider + "'");
  }
  if (api_key.empty() || api_key.size() > kMaxApiKeyBytes ||
      std::any_of(api_key.begin(), api_key.end(), [](char c) { return static_cast<unsigned char>(c) < ' ' || c == 0x7f; })) {
    return status(errc::invalid_argument, "an API key needs 1 to " + std::to_string(kMaxApiKeyBytes) +
                                              " bytes and no control characters");
  }
  if (status s = sodium_ready(); !s.is_ok()) return s;
  auto user = load_user(log, user_id);
  if (!user) return user.error();
  auto key = read_master_key(master_key_file, true);
  if (!key) return key.error();
  std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::string sealed(crypto_secretbox_MACBYTES + api_key.size(), '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()),
                        reinterpret_cast<const unsigned char*>(api_key.data()), api_key.size(), nonce.data(),
                        key->data());
  sodium_memzero(key->data(), key->size());
  auto appended = log.append(
      user_stream(user_id), expected_version::any(),
      {string_event("user.api_key_stored",
                    {{"provider", provider},
                     {"nonce", hex(nonce.data(), nonce.size())},
                     {"ciphertext", hex(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size())}})});
  return appended ? status::ok() : appended.error();
}

result<std::string> load_api_key(const event_log& log, const std::filesystem::path& master_key_file,
                                 const std::string& user_id, const std::string& provider) {
  if (status s = sodium_ready(); !s.is_ok()) return s;
  auto user = load_user(log, user_id);
  if (!user) return user.error();
  auto events = log.read_stream(user_stream(user_id), 1, SIZE_MAX);
  if (!events) return events.error();
  std::optional<std::string> nonce, sealed;
  for (const auto& e : *events) {
    if (e.type != "user.api_key_stored") continue;
    data_fields data(e.data);
    if (data.string("provider") != provider) continue;
    nonce = data.string("nonce").value_or("");
    sealed = data.string("ciphertext").value_or("");
  }
  if (!nonce) return status(errc::not_found, "user " + user_id + " has no API key for " + provider);
  auto nonce_bytes = unhex(*nonce);
  auto sealed_bytes = unhex(*sealed);
  if (!nonce_bytes || nonce_bytes->size() != crypto_secretbox_NONCEBYTES || !sealed_bytes ||
      sealed_bytes->size() < crypto_secretbox_MACBYTES) {
    return status(errc::corruption, "user " + user_id + ": malformed " + provider + " API key record");
  }
  auto key = read_master_key(master_key_file, false);
  if (!key) return key.error();
  std::string plain(sealed_bytes->size() - crypto_secretbox_MACBYTES, '\0');
  int opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                          reinterpret_cast<const unsigned char*>(sealed_bytes->data()),
                                          sealed_bytes->size(),
                                          reinterpret_cast<const unsigned char*>(nonce_bytes->data()), key->data());
  sodium_memzero(key->data(), key->size());
  if (opened != 0) {
    return status(errc::corruption, "user " + user_id + ": the " + provider + " API key does not decrypt under " +
                                        master_key_file.string() + " (another secret key file?)");
  }
  return plain;
}

bool ai_provider_ready(const user_info& user) {
  if (user.ai_provider == "builtin") return true;
  if (user.ai_provider == "ollama") return user.ai_base_url.has_value();
  if (user.ai_provider == "openai" || user.ai_provider == "anthropic") {
    return std::find(user.api_key_providers.begin(), user.api_key_providers.end(), user.ai_provider) !=
           user.api_key_providers.end();
  }
  return false;
}

std::string random_password() {
  (void)sodium_ready();  // randombytes_buf works, falling back to its own init, even if this failed
  std::array<unsigned char, 18> random;
  randombytes_buf(random.data(), random.size());
  char text[sodium_base64_ENCODED_LEN(18, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, random.data(), random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(random.data(), random.size());
  return text;
}

}  // namespace heimdall::actors
