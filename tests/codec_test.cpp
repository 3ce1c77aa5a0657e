// Envelope codec, uuid, key encodings and event-type catalogue.
#include <catch2/catch.hpp>

#include "store/event_codec.h"
#include "store/event_types.h"
#include "store/keys.h"
#include "base/uuid.h"

using namespace heimdall;

TEST_CASE("uuid text form round-trips and v7 sets version and variant", "[codec]") {
  auto id = uuid::v7();
  auto text = id.to_string();
  REQUIRE(text.size() == 36);
  CHECK(text[14] == '7');
  CHECK((text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b'));
  auto back = uuid::parse(text);
  REQUIRE(back);
  CHECK(*back == id);
  CHECK(uuid::parse("01936D30-ABCD-1234-5678-90ABCDEF1234")->to_string() == "01936d30-abcd-1234-5678-90abcdef1234");
  CHECK_FALSE(uuid::parse("01936d30-abcd-1234-5678-90abcdef123"));
  CHECK_FALSE(uuid::parse("01936d30xabcd-1234-5678-90abcdef1234"));
  CHECK_FALSE(uuid::parse("01936d30-abcd-1234-5678-90abcdef123g"));
  CHECK(uuid::v7() != uuid::v7());
}

TEST_CASE("envelope encodes canonically and decodes back", "[codec]") {
  event e;
  e.seq = 42;
  e.stream = "scan-01936d30-abcd-1234-5678-90abcdef1234";
  e.version = 3;
  e.id = *uuid::parse("3f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c");
  e.type = "scan.failed";
  e.schema = 1;
  e.time = "2026-03-12T10:00:05.123Z";
  e.data = R"({"error":"quote \" and ,\"data\": inside"})";
  std::string json = encode_envelope(e);
  CHECK(json ==
        R"({"seq":42,"stream":"scan-01936d30-abcd-1234-5678-90abcdef1234","version":3,)"
        R"("id":"3f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c","type":"scan.failed","schema":1,)"
        R"("time":"2026-03-12T10:00:05.123Z","data":{"error":"quote \" and ,\"data\": inside"}})");
  auto back = decode_envelope(json);
  REQUIRE(back);
  CHECK(back->seq == 42);
  CHECK(back->stream == e.stream);
  CHECK(back->version == 3);
  CHECK(back->id == e.id);
  CHECK(back->type == e.type);
  CHECK(back->time == e.time);
  CHECK(back->data == e.data);
}

TEST_CASE("malformed envelopes are reported as corruption", "[codec]") {
  for (std::string bad : {"", "{", "[]", R"({"seq":1})", R"({"seq":"1","stream":"s","version":1,"id":"x","type":"t","schema":1,"time":"t","data":{}})",
                          R"({"seq":1,"stream":"s","version":1,"id":"not-a-uuid","type":"t","schema":1,"time":"t","data":{}})"}) {
    auto r = decode_envelope(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::corruption);
  }
}

TEST_CASE("event data must be one JSON object and is minified", "[codec]") {
  auto ok = minify_json_object("{ \"a\" : [ 1, 2 ],\n \"b\": \"x y\" }");
  REQUIRE(ok);
  CHECK(*ok == R"({"a":[1,2],"b":"x y"})");
  CHECK_FALSE(minify_json_object("[1]"));
  CHECK_FALSE(minify_json_object("{\"a\":"));
  CHECK_FALSE(minify_json_object("\"text\""));
}

TEST_CASE("keys sort numerically and keep each stream contiguous", "[codec]") {
  CHECK(keys::seq_key(255) < keys::seq_key(256));
  CHECK(*keys::parse_seq_key(keys::seq_key(1234567890123ull)) == 1234567890123ull);
  CHECK(keys::stream_key("scan-a", 2) < keys::stream_key("scan-a", 10));
  std::string key = keys::stream_key("scan-a-b", 7);
  auto pos = keys::parse_stream_key(key);
  REQUIRE(pos);
  CHECK(pos->stream == "scan-a-b");
  CHECK(pos->version == 7);
  // Every allowed stream character sorts below '|', so no other stream's
  // keys can fall inside "scan-a|...".
  for (char c : std::string("azAZ09._:-")) CHECK(c < '|');
  CHECK_FALSE(validate_stream_name("scan|1").is_ok());
  CHECK_FALSE(validate_stream_name("").is_ok());
  CHECK_FALSE(validate_stream_name(std::string(201, 'a')).is_ok());
  CHECK(validate_stream_name("finding-3f7a8b9c").is_ok());
}

TEST_CASE("the catalogue validates types and upcasts old schemas", "[codec]") {
  CHECK(validate_event_type("scan.queued", 2).is_ok());
  CHECK(validate_event_type("scan.queued", 1).is_ok());
  CHECK(validate_event_type("scan.queued", 3).code() == errc::invalid_argument);
  CHECK(validate_event_type("scan.exploded", 1).code() == errc::invalid_argument);

  event e;
  e.type = "scan.queued";
  e.schema = 1;
  e.data = R"({"repo_id":"r","scan_type":"full","triggered_by":"u"})";
  REQUIRE(upcast(e).is_ok());
  CHECK(e.schema == 2);
  CHECK(e.data == R"({"repo_id":"r","scan_type":"full","triggered_by":"u","commit_sha":null,"base_commit_sha":null,"parent_scan_id":null})");

  event unknown;
  unknown.type = "mystery";
  CHECK(upcast(unknown).code() == errc::corruption);
}
