#include "http/json_body.h"

namespace heimdall::http {

status json_body::parse(std::string_view text, bool empty_ok) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return status::ok();
    return error_ = status(errc::invalid_argument, "Request body must be a JSON object");
  }
  simdjson::dom::element root;
  if (auto err = parser_.parse(text.data(), text.size()).get(root)) {
    return error_ = status(errc::invalid_argument, std::string("Malformed JSON: ") + simdjson::error_message(err));
  }
  if (root.get(object_) != simdjson::SUCCESS) {
    return error_ = status(errc::invalid_argument, "Request body must be a JSON object");
  }
  parsed_ = true;
  return status::ok();
}

std::optional<std::string> json_body::string(const char* key) {
  if (!parsed_) return std::nullopt;
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) {
    if (error_.is_ok()) error_ = status(errc::invalid_argument, std::string("'") + key + "' must be a string");
    return std::nullopt;
  }
  return std::string(v);
}

std::string json_body::required_string(const char* key) {
  auto v = string(key);
  if (!v && error_.is_ok()) error_ = status(errc::invalid_argument, std::string("'") + key + "' is required");
  return v.value_or("");
}

}  // namespace heimdall::http
