#include "store/user_projections.h"

#include <algorithm>
#include <map>
#include <utility>

#include "base/json_writer.h"
#include "store/data_fields.h"

namespace heimdall {
namespace {

// "user-<id>" -> "<id>".
std::optional<std::string> user_id_of(std::string_view stream) {
  constexpr std::string_view kPrefix = "user-";
  if (stream.size() <= kPrefix.size() || stream.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return std::string(stream.substr(kPrefix.size()));
}

// The records one batch touched, each loaded from the stored state on first
// use; nullopt for a key that has no record.
template <class Record, result<Record> (*parse)(std::string_view)>
class record_cache {
 public:
  explicit record_cache(projection_reader reader) : reader_(std::move(reader)) {}

  Record* find(const std::string& key) {
    auto it = records_.find(key);
    if (it == records_.end()) {
      std::optional<Record> loaded;
      if (auto stored = reader_(key)) {
        if (auto parsed = parse(*stored)) loaded = std::move(parsed.value());
      }
      it = records_.emplace(key, std::move(loaded)).first;
    }
    return it->second ? &*it->second : nullptr;
  }
  void put(const std::string& key, Record record) { records_[key] = std::move(record); }
  void finish(const projection_sink& sink) {
    for (auto& [key, record] : records_) {
      if (record) sink(key, to_json(*record));
    }
  }

 private:
  projection_reader reader_;
  std::map<std::string, std::optional<Record>> records_;
};

class users_batch : public projection_batch {
 public:
  explicit users_batch(projection_reader reader) : users_(std::move(reader)) {}

  void apply(const event& e) override {
    if (e.type == "user.email_claimed") {
      auto claimant = data_fields(e.data).string("user_id");
      if (!claimant) return;
      if (user_record* u = users_.find(*claimant)) u->active = true;
      return;
    }
    auto id = user_id_of(e.stream);
    if (!id || e.type.compare(0, 5, "user.") != 0) return;
    // Each data_fields is done with before find() parses a stored record.
    if (e.type == "user.registered") {
      user_record u;
      u.id = *id;
      {
        data_fields data(e.data);
        u.email = data.string("email").value_or("");
        u.role = data.string("role").value_or("member");
        u.password_hash = data.string("password_hash").value_or("");
      }
      u.created_at = e.time;
      if (users_.find(*id) == nullptr) users_.put(*id, std::move(u));  // the first registration counts
    } else if (e.type == "user.ai_provider_set") {
      std::optional<std::string> provider, base_url;
      {
        data_fields data(e.data);
        provider = data.string("provider");
        base_url = data.string("base_url");
      }
      user_record* u = users_.find(*id);
      if (u == nullptr) return;
      u->ai_provider = provider.value_or("builtin");
      u->ai_base_url = std::move(base_url);
    } else if (e.type == "user.api_key_stored") {
      auto provider = data_fields(e.data).string("provider");
      user_record* u = users_.find(*id);
      if (u == nullptr || !provider) return;
      auto& list = u->api_key_providers;
      auto at = std::lower_bound(list.begin(), list.end(), *provider);
      if (at == list.end() || *at != *provider) list.insert(at, *provider);
    }
  }

  void finish(const projection_sink& sink) override { users_.finish(sink); }

 private:
  record_cache<user_record, user_record_from_json> users_;
};

class user_emails_batch : public projection_batch {
 public:
  explicit user_emails_batch(projection_reader reader) : reader_(std::move(reader)) {}

  void apply(const event& e) override {
    if (e.type != "user.email_claimed") return;
    data_fields data(e.data);
    auto email = data.string("email");
    auto user_id = data.string("user_id");
    if (!email || !user_id || puts_.count(*email) || reader_(*email)) return;  // the first claim counts
    puts_.emplace(std::move(*email), std::move(*user_id));
  }

  void finish(const projection_sink& sink) override {
    for (auto& [key, value] : puts_) sink(key, value);
  }

 private:
  projection_reader reader_;
  std::map<std::string, std::string> puts_;
};

class tokens_batch : public projection_batch {
 public:
  explicit tokens_batch(projection_reader reader) : tokens_(std::move(reader)) {}

  void apply(const event& e) override {
    if (e.type != "user.token_issued" && e.type != "user.token_revoked") return;
    auto id = user_id_of(e.stream);
    if (!id) return;
    std::optional<std::string> sha256, expires_at;
    {
      data_fields data(e.data);
      sha256 = data.string("token_sha256");
      expires_at = data.string("expires_at");
    }
    if (!sha256) return;
    token_record* known = tokens_.find(*sha256);
    if (e.type == "user.token_issued") {
      if (known == nullptr) tokens_.put(*sha256, token_record{*id, expires_at.value_or(""), false});
    } else if (known != nullptr && known->user_id == *id) {
      known->revoked = true;  // only its own user revokes a token
    }
  }

  void finish(const projection_sink& sink) override { tokens_.finish(sink); }

 private:
  record_cache<token_record, token_record_from_json> tokens_;
};

template <class Batch>
class simple_projection : public projection {
 public:
  explicit simple_projection(std::string_view name) : name_(name) {}
  std::string_view name() const override { return name_; }
  std::unique_ptr<projection_batch> begin(projection_reader reader) const override {
    return std::make_unique<Batch>(std::move(reader));
  }

 private:
  std::string_view name_;
};

}  // namespace

std::string to_json(const user_record& u) {
  json_writer w;
  w.begin_object();
  w.key("id").value(u.id);
  w.key("email").value(u.email);
  w.key("role").value(u.role);
  w.key("password_hash").value(u.password_hash);
  w.key("created_at").value(u.created_at);
  w.key("active").value(u.active);
  w.key("ai_provider").value(u.ai_provider);
  w.key("ai_base_url").value(u.ai_base_url);
  w.key("api_key_providers").begin_array();
  for (const auto& p : u.api_key_providers) w.value(p);
  w.end_array();
  w.end_object();
  return w.take();
}

result<user_record> user_record_from_json(std::string_view json) {
  data_fields f(json);
  if (!f.ok()) return status(errc::corruption, "user record is not a JSON object");
  user_record u;
  u.id = f.string("id").value_or("");
  u.email = f.string("email").value_or("");
  u.role = f.string("role").value_or("member");
  u.password_hash = f.string("password_hash").value_or("");
  u.created_at = f.string("created_at").value_or("");
  u.active = f.boolean("active").value_or(false);
  u.ai_provider = f.string("ai_provider").value_or("builtin");
  u.ai_base_url = f.string("ai_base_url");
  u.api_key_providers = f.strings("api_key_providers").value_or(std::vector<std::string>{});
  return u;
}

std::string to_json(const token_record& t) {
  json_writer w;
  w.begin_object();
  w.key("user_id").value(t.user_id);
  w.key("expires_at").value(t.expires_at);
  w.key("revoked").value(t.revoked);
  w.end_object();
  return w.take();
}

result<token_record> token_record_from_json(std::string_view json) {
  data_fields f(json);
  if (!f.ok()) return status(errc::corruption, "token record is not a JSON object");
  return token_record{f.string("user_id").value_or(""), f.string("expires_at").value_or(""),
                      f.boolean("revoked").value_or(false)};
}

const projection& users_projection() {
  static const simple_projection<users_batch> p("users");
  return p;
}

const projection& user_emails_projection() {
  static const simple_projection<user_emails_batch> p("user_emails");
  return p;
}

const projection& tokens_projection() {
  static const simple_projection<tokens_batch> p("tokens");
  return p;
}

}  // namespace heimdall
