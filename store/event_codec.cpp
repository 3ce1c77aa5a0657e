#include "store/event_codec.h"

#include <simdjson.h>

#include <charconv>

#include "base/json_writer.h"

namespace heimdall {
namespace {

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// The data member is written last, so its text is everything between this
// marker and the envelope's closing brace. Stream, type and time are
// restricted to characters that cannot form the marker.
constexpr std::string_view kDataMarker = ",\"data\":";

void append_number(std::string& out, std::uint64_t n) {
  char digits[20];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

}  // namespace

std::string encode_envelope(const event& e) {
  std::string out;
  out.reserve(160 + e.stream.size() + e.type.size() + e.data.size());
  out += "{\"seq\":";
  append_number(out, e.seq);
  out += ",\"stream\":";
  append_json_string(out, e.stream);
  out += ",\"version\":";
  append_number(out, e.version);
  out += ",\"id\":\"";
  out += e.id.to_string();
  out += "\",\"type\":";
  append_json_string(out, e.type);
  out += ",\"schema\":";
  append_number(out, static_cast<std::uint64_t>(e.schema));
  out += ",\"time\":";
  append_json_string(out, e.time);
  out += kDataMarker;
  out += e.data;
  out += '}';
  return out;
}

result<event> decode_envelope(std::string_view json) {
  auto bad = [&](const char* what) {
    return status(errc::corruption, std::string("event envelope ") + what + ": " +
                                        std::string(json.substr(0, 120)));
  };
  simdjson::dom::element doc;
  if (thread_parser().parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return bad("is not valid JSON");
  }
  event e;
  std::string_view stream, id, type, time;
  std::int64_t schema = 0;
  simdjson::dom::object data;
  if (doc["seq"].get(e.seq) || doc["stream"].get(stream) || doc["version"].get(e.version) ||
      doc["id"].get(id) || doc["type"].get(type) || doc["schema"].get(schema) ||
      doc["time"].get(time) || doc["data"].get(data)) {
    return bad("lacks a field or has one of the wrong type");
  }
  auto parsed_id = uuid::parse(id);
  if (!parsed_id) return bad("has a malformed id");
  auto marker = json.find(kDataMarker);
  if (marker == std::string_view::npos || json.back() != '}') return bad("is not in canonical form");
  e.stream = stream;
  e.id = *parsed_id;
  e.type = type;
  e.schema = static_cast<int>(schema);
  e.time = time;
  auto data_begin = marker + kDataMarker.size();
  e.data = json.substr(data_begin, json.size() - 1 - data_begin);
  return e;
}

result<std::string> minify_json_object(std::string_view json) {
  simdjson::dom::element doc;
  if (thread_parser().parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return status(errc::invalid_argument, "event data is not valid JSON");
  }
  if (!doc.is_object()) return status(errc::invalid_argument, "event data must be a JSON object");
  return simdjson::minify(doc);
}

}  // namespace heimdall
