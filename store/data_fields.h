// data_fields: lenient read access to a JSON object (an event's data, a
// projection's stored value) for the projections, which never fail: an
// absent or mistyped member reads as nullopt and the caller takes its
// default.
//
// Parses with a thread-local parser, so at most one data_fields may be alive
// per thread: read what you need from one before constructing the next.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heimdall {

class data_fields {
 public:
  explicit data_fields(std::string_view json) {
    ok_ = parser_.parse(json.data(), json.size()).get(object_) == simdjson::SUCCESS;
  }
  bool ok() const { return ok_; }
  std::optional<std::string> string(const char* key) {
    std::string_view text;
    if (!ok_ || object_[key].get(text) != simdjson::SUCCESS) return std::nullopt;
    return std::string(text);
  }
  std::optional<std::uint64_t> number(const char* key) {
    std::uint64_t n;
    if (!ok_ || object_[key].get(n) != simdjson::SUCCESS) return std::nullopt;
    return n;
  }
  std::optional<bool> boolean(const char* key) {
    bool b;
    if (!ok_ || object_[key].get(b) != simdjson::SUCCESS) return std::nullopt;
    return b;
  }
  // The string members of an array; nullopt when it is absent or not an array.
  std::optional<std::vector<std::string>> strings(const char* key) {
    simdjson::dom::array items;
    if (!ok_ || object_[key].get(items) != simdjson::SUCCESS) return std::nullopt;
    std::vector<std::string> out;
    for (auto item : items) {
      std::string_view text;
      if (item.get(text) == simdjson::SUCCESS) out.emplace_back(text);
    }
    return out;
  }

 private:
  simdjson::dom::parser& parser_ = thread_parser();
  simdjson::dom::object object_;
  bool ok_ = false;

  static simdjson::dom::parser& thread_parser() {
    thread_local simdjson::dom::parser parser;
    return parser;
  }
};

// The aggregate id of a stream named "<prefix><id>" ("scan-" + uuid), or
// nullopt for a stream of another kind.
inline std::optional<std::string_view> aggregate_id(std::string_view stream, std::string_view prefix) {
  if (stream.size() <= prefix.size() || stream.substr(0, prefix.size()) != prefix) return std::nullopt;
  return stream.substr(prefix.size());
}

}  // namespace heimdall
