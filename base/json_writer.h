// json_writer: builds compact JSON text by appending to a std::string.
//
// The caller is responsible for the shape (keys inside objects, commas are
// handled here); strings are escaped per RFC 8259 and written as valid
// UTF-8: a byte that starts no valid sequence becomes U+FFFD (base/utf8.h),
// so any text may be given. Not thread-safe; one writer per output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall {

class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view name);
  json_writer& value(std::string_view text);
  json_writer& value(const char* text) { return value(std::string_view(text)); }
  json_writer& value(const std::string& text) { return value(std::string_view(text)); }
  json_writer& value(std::int64_t number);
  json_writer& value(std::uint64_t number);
  json_writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  // Shortest form that reads back exactly; NaN and infinities as null.
  json_writer& value(double number);
  json_writer& value(bool flag);
  json_writer& null();
  // A string or null.
  json_writer& value(const std::optional<std::string>& text);
  // Already-serialized JSON (e.g. an event's data), inserted verbatim.
  json_writer& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

// Appends `text` to `out` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace heimdall
