// Users over the event log (actors/users.h): registration, passwords,
// tokens, AI provider settings and API keys; the projections behind them
// (store/user_projections.h); and `heimdall user add`.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/users.h"
#include "analysis/sha256.h"
#include "base/uuid.h"
#include "store/event_log.h"
#include "store/log_inspect.h"
#include "tests/test_dirs.h"

using namespace heimdall;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<event_log> open_log(const std::string& dir) {
  auto log = event_log::open(dir);
  REQUIRE(log);
  return std::move(log.value());
}

actors::user_info must_register(event_log& log, const std::string& email, const std::string& role = "member") {
  auto user = actors::register_user(log, email, "correct horse battery", role);
  INFO(email << ": " << (user ? "" : user.error().to_string()));
  REQUIRE(user);
  return user.value();
}

// Whether `needle` occurs in any file under `dir`, byte for byte.
bool stored_anywhere(const std::string& dir, const std::string& needle) {
  for (const auto& [path, bytes] : test::snapshot(dir)) {
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::map<std::string, std::string> contents(const event_log& log, const char* projection) {
  std::map<std::string, std::string> out;
  REQUIRE(log.projection_for_each(projection, "", [&](std::string_view key, std::string_view value) {
                out.emplace(key, value);
                return true;
              }).is_ok());
  return out;
}

// The whole log as text, one envelope per line.
std::string all_data(const event_log& log) {
  auto events = log.read_all(1, SIZE_MAX, data_form::stored);
  REQUIRE(events);
  std::string text;
  for (const auto& e : *events) text += e.type + " " + e.data + "\n";
  return text;
}

bool lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string last_line(const std::string& text) {
  std::string body = text;
  if (!body.empty() && body.back() == '\n') body.pop_back();
  auto nl = body.rfind('\n');
  return nl == std::string::npos ? body : body.substr(nl + 1);
}

}  // namespace

TEST_CASE("users: register, find and count, and refuse duplicate emails and bad input", "[users]") {
  auto log = open_log(test::log_dir("users-register"));
  CHECK(actors::count_users(*log).value() == 0);

  auto alice = must_register(*log, "Alice@Example.com", "admin");
  CHECK(uuid::parse(alice.id));
  CHECK(alice.email == "Alice@Example.com");
  CHECK(alice.role == "admin");
  CHECK(alice.created_at.size() == 24);
  CHECK(alice.ai_provider == "builtin");
  CHECK_FALSE(alice.ai_base_url);
  CHECK(alice.api_key_providers.empty());
  auto found = actors::find_user(*log, alice.id);
  REQUIRE(found);
  CHECK(found->email == alice.email);
  CHECK(found->created_at == alice.created_at);
  CHECK(actors::count_users(*log).value() == 1);

  // Emails compare case-insensitively.
  auto again = actors::register_user(*log, "alice@EXAMPLE.com", "another password", "member");
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == errc::conflict);
  CHECK(again.error().message() == "email already registered");

  for (std::string email : {"", "alice", "a@b", "@example.com", "alice@", "al ice@example.com", "alice@@example.com",
                            "alice@exa_mple.com", ".alice@example.com", "a..b@example.com", "alice@-example.com",
                            "alice@example..com", "<alice@example.com>"}) {
    auto bad = actors::register_user(*log, email, "correct horse battery", "member");
    INFO(email);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::invalid_argument);
  }
  CHECK(actors::register_user(*log, std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') +
                                        "." + std::string(63, 'd'), "correct horse battery", "member")
            .error().code() == errc::invalid_argument);  // 255 bytes
  CHECK(actors::register_user(*log, "bob@example.com", "1234567", "member").error().code() == errc::invalid_argument);
  CHECK(actors::register_user(*log, "bob@example.com", std::string(1025, 'x'), "member").error().code() ==
        errc::invalid_argument);
  CHECK(actors::register_user(*log, "bob@example.com", "correct horse battery", "owner").error().code() ==
        errc::invalid_argument);
  CHECK(actors::register_user(*log, "bob@example.com", "12345678", "member"));
  CHECK(actors::register_user(*log, "carol.o'neil+scans@sub.example.co", std::string(1024, 'x'), "member"));

  CHECK(actors::count_users(*log).value() == 3);
  CHECK(actors::find_user(*log, "nope").error().code() == errc::not_found);
  CHECK(actors::find_user(*log, uuid::v7().to_string()).error().code() == errc::not_found);
}

TEST_CASE("users: of two concurrent registrations of one email exactly one wins", "[users]") {
  auto log = open_log(test::log_dir("users-race"));
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    std::string email = "race" + std::to_string(round) + "@example.com";
    std::atomic<int> ready{0};
    std::optional<result<actors::user_info>> outcome[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        // Different cases, one email.
        outcome[t] = actors::register_user(*log, t == 0 ? email : "RACE" + email.substr(4), "password " +
                                           std::to_string(t), "member");
      });
    }
    for (auto& th : threads) th.join();
    int wins = 0;
    for (auto& o : outcome) {
      if (o->is_ok()) {
        ++wins;
      } else {
        CHECK(o->error().code() == errc::conflict);
      }
    }
    CHECK(wins == 1);
  }
  CHECK(actors::count_users(*log).value() == kRounds);
  // A loser that got as far as its user stream (both usually do: each hashes
  // its password before appending) is an inactive user: absent.
  auto streams = list_streams(*log, "user-");
  REQUIRE(streams);
  CHECK(streams->size() >= kRounds);
  int findable = 0;
  for (const auto& s : *streams) findable += actors::find_user(*log, s.stream.substr(5)).is_ok();
  CHECK(findable == kRounds);
  auto report = verify_log(*log);
  REQUIRE(report);
  CHECK(report->ok());
}

TEST_CASE("users: a registration cut short before its email claim leaves the email free", "[users]") {
  auto log = open_log(test::log_dir("users-cut-short"));
  // What a process that died between register_user's two appends leaves:
  // user.registered and no user.email_claimed.
  std::string orphan = uuid::v7().to_string();
  new_event registered{uuid::v7(), "user.registered", 1,
                       R"({"email":"pat@example.com","role":"admin","password_hash":"$argon2id$v=19$m=65536,t=2,p=1$)"
                       R"(c29tZXNhbHRzb21lc2FsdA$OxkbqVbbGRJZzUqRk0qsPw9S5PwFZYRgNQQhBSP0bJE"})"};
  REQUIRE(log->append("user-" + orphan, expected_version::no_stream(), {registered}));
  CHECK(actors::find_user(*log, orphan).error().code() == errc::not_found);
  CHECK(actors::issue_token(*log, orphan, 1h).error().code() == errc::not_found);
  CHECK(actors::count_users(*log).value() == 0);

  auto pat = must_register(*log, "pat@example.com");
  CHECK(pat.id != orphan);
  CHECK(actors::check_password(*log, "pat@example.com", "correct horse battery")->id == pat.id);
  CHECK(actors::count_users(*log).value() == 1);
}

TEST_CASE("users: check_password accepts the password and refuses the rest alike", "[users]") {
  auto log = open_log(test::log_dir("users-password"));
  auto dana = must_register(*log, "dana@example.com");

  auto ok = actors::check_password(*log, "dana@example.com", "correct horse battery");
  REQUIRE(ok);
  CHECK(ok->id == dana.id);
  CHECK(actors::check_password(*log, "DANA@example.COM", "correct horse battery"));

  auto wrong = actors::check_password(*log, "dana@example.com", "correct horse battery!");
  auto unknown = actors::check_password(*log, "erin@example.com", "correct horse battery");
  auto overlong = actors::check_password(*log, "dana@example.com", std::string(2000, 'x'));
  auto malformed = actors::check_password(*log, "not an email", "correct horse battery");
  for (auto* r : {&wrong, &unknown, &overlong, &malformed}) {
    REQUIRE_FALSE(*r);
    CHECK(r->error().code() == errc::not_found);
    CHECK(r->error().message() == wrong.error().message());  // says neither which
  }
  CHECK_THAT(wrong.error().message(), !Catch::Contains("dana"));
}

TEST_CASE("users: tokens authenticate until they expire or are revoked", "[users]") {
  auto log = open_log(test::log_dir("users-tokens"));
  auto frank = must_register(*log, "frank@example.com");
  auto now = std::chrono::system_clock::now();

  auto first = actors::issue_token(*log, frank.id, 1h);
  auto second = actors::issue_token(*log, frank.id, 24h);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->token.size() == 64);
  CHECK(lower_hex(first->token));
  CHECK(first->token != second->token);
  CHECK(first->expires_at.size() == 24);
  CHECK(first->expires_at < second->expires_at);

  auto who = actors::authenticate(*log, first->token, now);
  REQUIRE(who);
  CHECK(who->id == frank.id);
  CHECK(who->email == "frank@example.com");

  // Expiry: valid just before, not at or after.
  CHECK(actors::authenticate(*log, first->token, now + 59min));
  CHECK(actors::authenticate(*log, first->token, now + 61min).error().code() == errc::not_found);
  CHECK(actors::authenticate(*log, second->token, now + 61min));

  std::string upper = first->token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string other(64, '0');
  for (const std::string& t : {std::string(), other, upper, first->token.substr(1), first->token + "0"}) {
    INFO(t);
    CHECK(actors::authenticate(*log, t, now).error().code() == errc::not_found);
  }

  REQUIRE(actors::revoke_token(*log, first->token).is_ok());
  CHECK(actors::authenticate(*log, first->token, now).error().code() == errc::not_found);
  CHECK(actors::authenticate(*log, second->token, now));
  CHECK(actors::revoke_token(*log, first->token).is_ok());  // again: still revoked, no error
  CHECK(actors::revoke_token(*log, other).code() == errc::not_found);

  CHECK(actors::issue_token(*log, uuid::v7().to_string(), 1h).error().code() == errc::not_found);
  CHECK(actors::issue_token(*log, frank.id, 0s).error().code() == errc::invalid_argument);
  CHECK(actors::issue_token(*log, frank.id, std::chrono::hours(24 * 3651)).error().code() == errc::invalid_argument);
}

TEST_CASE("users: passwords, tokens and API keys are never stored in clear", "[users]") {
  std::string dir = test::log_dir("users-secrets");
  std::string key_file = test::scratch_dir("users-secrets-key") + "/secret.key";
  std::string token, token_sha256, ciphertext;
  const std::string password = "correct horse battery";
  const std::string api_key = "sk-test-" + uuid::v7().to_string();
  {
    auto log = open_log(dir);
    auto gina = must_register(*log, "gina@example.com");
    auto issued = actors::issue_token(*log, gina.id, 1h);
    REQUIRE(issued);
    token = issued->token;
    token_sha256 = analysis::sha256_hex(token);
    REQUIRE(actors::store_api_key(*log, key_file, gina.id, "openai", api_key).is_ok());

    std::string text = all_data(*log);
    CHECK_THAT(text, !Catch::Contains(token));
    CHECK_THAT(text, !Catch::Contains(api_key));
    CHECK_THAT(text, !Catch::Contains(password));
    CHECK_THAT(text, Catch::Contains(token_sha256));
    auto at = text.find("\"ciphertext\":\"");
    REQUIRE(at != std::string::npos);
    ciphertext = text.substr(at + 14, text.find('"', at + 14) - (at + 14));
    CHECK(ciphertext.size() == 2 * (16 + api_key.size()));

    for (const char* p : {"users", "user_emails", "tokens"}) {
      for (const auto& [key, value] : contents(*log, p)) {
        CHECK_THAT(key + value, !Catch::Contains(token) && !Catch::Contains(api_key) && !Catch::Contains(password));
      }
    }
    // The files as they are while the log is open (WAL, memtable flushes)...
    CHECK(stored_anywhere(dir, token_sha256));  // the scan would see the token if it were there
    CHECK(stored_anywhere(dir, ciphertext));
    CHECK_FALSE(stored_anywhere(dir, token));
    CHECK_FALSE(stored_anywhere(dir, api_key));
    CHECK_FALSE(stored_anywhere(dir, password));
  }
  // ...and after it is closed.
  CHECK(stored_anywhere(dir, token_sha256));
  CHECK_FALSE(stored_anywhere(dir, token));
  CHECK_FALSE(stored_anywhere(dir, api_key));
  CHECK_FALSE(stored_anywhere(dir, password));
}

TEST_CASE("users: AI provider settings and API keys, encrypted and never returned", "[users]") {
  auto log = open_log(test::log_dir("users-ai"));
  std::string key_dir = test::scratch_dir("users-ai-key");
  std::string key_file = key_dir + "/secret.key";
  auto hana = must_register(*log, "hana@example.com");
  CHECK(actors::ai_provider_ready(hana));  // builtin needs nothing

  REQUIRE(actors::set_ai_provider(*log, hana.id, "openai", std::nullopt).is_ok());
  auto user = actors::find_user(*log, hana.id).value();
  CHECK(user.ai_provider == "openai");
  CHECK_FALSE(actors::ai_provider_ready(user));

  REQUIRE_FALSE(fs::exists(key_file));
  REQUIRE(actors::store_api_key(*log, key_file, hana.id, "openai", "sk-first").is_ok());
  struct stat st {};
  REQUIRE(stat(key_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  user = actors::find_user(*log, hana.id).value();
  CHECK(user.api_key_providers == std::vector<std::string>{"openai"});
  CHECK(actors::ai_provider_ready(user));
  CHECK(actors::load_api_key(*log, key_file, hana.id, "openai").value() == "sk-first");

  // A new key replaces the old one; providers are listed once, sorted.
  REQUIRE(actors::store_api_key(*log, key_file, hana.id, "openai", "sk-second").is_ok());
  REQUIRE(actors::store_api_key(*log, key_file, hana.id, "anthropic", "sk-ant-1").is_ok());
  user = actors::find_user(*log, hana.id).value();
  CHECK(user.api_key_providers == std::vector<std::string>{"anthropic", "openai"});
  CHECK(actors::load_api_key(*log, key_file, hana.id, "openai").value() == "sk-second");
  CHECK(actors::load_api_key(*log, key_file, hana.id, "anthropic").value() == "sk-ant-1");
  CHECK(actors::load_api_key(*log, key_file, hana.id, "ollama").error().code() == errc::not_found);
  for (const auto& [key, value] : contents(*log, "users")) CHECK_THAT(value, !Catch::Contains("sk-"));

  REQUIRE(actors::set_ai_provider(*log, hana.id, "anthropic", std::nullopt).is_ok());
  CHECK(actors::ai_provider_ready(actors::find_user(*log, hana.id).value()));
  REQUIRE(actors::set_ai_provider(*log, hana.id, "ollama", std::string()).is_ok());
  user = actors::find_user(*log, hana.id).value();
  CHECK_FALSE(user.ai_base_url);
  CHECK_FALSE(actors::ai_provider_ready(user));
  REQUIRE(actors::set_ai_provider(*log, hana.id, "ollama", "http://127.0.0.1:11434").is_ok());
  user = actors::find_user(*log, hana.id).value();
  CHECK(user.ai_base_url == "http://127.0.0.1:11434");
  CHECK(actors::ai_provider_ready(user));
  REQUIRE(actors::set_ai_provider(*log, hana.id, "builtin", std::nullopt).is_ok());
  user = actors::find_user(*log, hana.id).value();
  CHECK(user.ai_provider == "builtin");
  CHECK_FALSE(user.ai_base_url);

  CHECK(actors::set_ai_provider(*log, hana.id, "gemini", std::nullopt).code() == errc::invalid_argument);
  CHECK(actors::set_ai_provider(*log, hana.id, "builtin", "http://x.example").code() == errc::invalid_argument);
  for (std::string url : {"ftp://x.example", "http://", "http://a b.example", "x.example"}) {
    INFO(url);
    CHECK(actors::set_ai_provider(*log, hana.id, "ollama", url).code() == errc::invalid_argument);
  }
  CHECK(actors::set_ai_provider(*log, uuid::v7().to_string(), "openai", std::nullopt).code() == errc::not_found);
  CHECK(actors::store_api_key(*log, key_file, hana.id, "builtin", "sk-x").code() == errc::invalid_argument);
  CHECK(actors::store_api_key(*log, key_file, hana.id, "openai", "").code() == errc::invalid_argument);
  CHECK(actors::store_api_key(*log, key_file, hana.id, "openai", "sk-x\n").code() == errc::invalid_argument);
  CHECK(actors::store_api_key(*log, key_file, hana.id, "openai", std::string(4097, 'k')).code() ==
        errc::invalid_argument);
  CHECK(actors::store_api_key(*log, key_file, uuid::v7().to_string(), "openai", "sk-x").code() == errc::not_found);

  // The master key file: others may not read it, and another one does not
  // decrypt these keys.
  REQUIRE(chmod(key_file.c_str(), 0644) == 0);
  auto exposed = actors::store_api_key(*log, key_file, hana.id, "openai", "sk-third");
  CHECK(exposed.code() == errc::io_error);
  CHECK_THAT(exposed.message(), Catch::Contains(key_file) && Catch::Contains("0644"));
  CHECK(actors::load_api_key(*log, key_file, hana.id, "openai").error().code() == errc::io_error);
  REQUIRE(chmod(key_file.c_str(), 0600) == 0);
  std::string other_file = key_dir + "/other.key";
  CHECK(actors::load_api_key(*log, other_file, hana.id, "openai").error().code() == errc::not_found);
  auto ivan = must_register(*log, "ivan@example.com");
  REQUIRE(actors::store_api_key(*log, other_file, ivan.id, "openai", "sk-ivan").is_ok());
  auto wrong_key = actors::load_api_key(*log, other_file, hana.id, "openai");
  CHECK(wrong_key.error().code() == errc::corruption);
  CHECK_THAT(wrong_key.error().message(), !Catch::Contains("sk-"));
  std::ofstream(key_dir + "/short.key") << "too short";
  chmod((key_dir + "/short.key").c_str(), 0600);
  CHECK(actors::store_api_key(*log, key_dir + "/short.key", hana.id, "openai", "sk-x").code() == errc::io_error);
}

TEST_CASE("users: the user projections equal a replay of the log", "[users]") {
  std::string dir = test::log_dir("users-replay");
  std::string key_file = test::scratch_dir("users-replay-key") + "/secret.key";
  auto log = open_log(dir);
  auto jack = must_register(*log, "jack@example.com", "admin");
  auto kate = must_register(*log, "kate@example.com");
  CHECK_FALSE(actors::register_user(*log, "KATE@example.com", "correct horse battery", "member"));
  auto t1 = actors::issue_token(*log, jack.id, 1h).value();
  auto t2 = actors::issue_token(*log, kate.id, 2h).value();
  REQUIRE(actors::revoke_token(*log, t1.token).is_ok());
  REQUIRE(actors::set_ai_provider(*log, kate.id, "ollama", "https://llm.example:11434").is_ok());
  REQUIRE(actors::store_api_key(*log, key_file, kate.id, "ollama", "ollama-key").is_ok());

  std::map<std::string, std::map<std::string, std::string>> before;
  for (const char* p : {"users", "user_emails", "tokens"}) before[p] = contents(*log, p);
  CHECK(before["users"].size() == 2);
  CHECK(before["user_emails"] ==
        std::map<std::string, std::string>{{"jack@example.com", jack.id}, {"kate@example.com", kate.id}});
  CHECK(before["tokens"].size() == 2);
  CHECK_THAT(before["tokens"][analysis::sha256_hex(t1.token)], Catch::Contains("\"revoked\":true"));

  REQUIRE(log->rebuild_projections().is_ok());
  for (const char* p : {"users", "user_emails", "tokens"}) CHECK(contents(*log, p) == before[p]);
  auto report = verify_log(*log);
  REQUIRE(report);
  INFO((report->problems.empty() ? "" : report->problems[0]));
  CHECK(report->ok());
  CHECK(actors::authenticate(*log, t2.token, std::chrono::system_clock::now()));
}

TEST_CASE("users: heimdall user add creates a user and prints a token last", "[users][cli]") {
  std::string dir = test::log_dir("users-cli");
  auto added = test::run_heimdall({"user", "add", "Lena@Example.com", "--data", dir, "--role", "admin"});
  INFO(added.out << added.err);
  REQUIRE(added.exit_code == 0);
  std::string token = last_line(added.out);
  CHECK(token.size() == 64);
  CHECK(lower_hex(token));
  CHECK_THAT(added.out, Catch::Contains("password: "));

  auto piped = test::run_heimdall({"user", "add", "mia@example.com", "--data", dir, "--password-stdin"},
                                  "a password from stdin\n");
  INFO(piped.out << piped.err);
  REQUIRE(piped.exit_code == 0);
  CHECK_THAT(piped.out, !Catch::Contains("password"));
  std::string mia_token = last_line(piped.out);

  auto expect_error = [](const test::command_result& r, const std::string& text) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains(text));
    CHECK(r.out.empty());
  };
  expect_error(test::run_heimdall({"user", "add", "lena@example.com", "--data", dir}), "already registered");
  expect_error(test::run_heimdall({"user", "add", "lena", "--data", dir}), "not a valid email");
  expect_error(test::run_heimdall({"user", "add", "nina@example.com", "--data", dir, "--password-stdin"}, ""),
               "no password on stdin");
  expect_error(test::run_heimdall({"user", "add", "nina@example.com", "--data", dir, "--password-stdin"}, "short\n"),
               "8 to 1024 bytes");
  expect_error(test::run_heimdall({"user", "add", "nina@example.com", "--data", dir, "--role", "owner"}),
               "unknown role");
  CHECK(test::run_heimdall({"user", "add", "--data", dir}).exit_code == 2);
  CHECK(test::run_heimdall({"user", "remove", "lena@example.com", "--data", dir}).exit_code == 2);

  auto log = open_log(dir);
  // The server (here: this process) holds the log: one clear line.
  expect_error(test::run_heimdall({"user", "add", "olga@example.com", "--data", dir}), "locked by another process");

  auto lena = actors::authenticate(*log, token, std::chrono::system_clock::now());
  REQUIRE(lena);
  CHECK(lena->email == "Lena@Example.com");
  CHECK(lena->role == "admin");
  auto mia = actors::check_password(*log, "mia@example.com", "a password from stdin");
  REQUIRE(mia);
  CHECK(mia->role == "member");
  CHECK(actors::authenticate(*log, mia_token, std::chrono::system_clock::now() + 89 * 24h));
  CHECK_FALSE(actors::authenticate(*log, mia_token, std::chrono::system_clock::now() + 91 * 24h));
  CHECK(actors::count_users(*log).value() == 2);
}
