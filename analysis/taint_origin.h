// taint_origin: whether a URL that starts with a string literal has a
// fixed origin. Whatever is appended to "https://api.example.com/" (or to
// "/account/", or after a '?') lands in the path, query or fragment, so it
// can neither take a redirect off-site nor send a request to another host:
// for the classes marked `fixed_origin_safe` in classes.json (open
// redirect, SSRF) such a value is sanitized. Internal to the taint engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/taint_tokens.h"

namespace heimdall::analysis::taint_detail {

// The literal characters a string token starts with: its body up to the
// first embedded expression (`${`, an f-string's `{`, Ruby's `#{`), the
// first escape or the closing quote. Any prefix letters (f, b, r) and the
// quotes are left out.
std::string string_head(const token& t);

// Whether a URL starting with `prefix` has its scheme and host fixed (a
// path separator after a host: "https://h/"), is a path on the same origin
// ("/a", not "//" or "/\"), or has reached its query or fragment ('?', '#').
// "https://h" is not: ".evil.com" may follow.
bool fixes_origin(std::string_view prefix);

// Whether a string token's body starts with an embedded expression (`${`,
// an f-string's `{`, Ruby's `#{`): its first part (token::part_begin) is
// then the head of the URL it builds.
bool starts_with_expression(const token& t);

// Whether the name chain `names` (its names in order: `settings.API_BASE`,
// `process.env.BASE_URL`, `config_value.foo`) reads a configured value: a
// name in UPPER_CASE (a constant), or a settings, config or environment
// object. A URL starting with one has the origin its deployment configured,
// as a literal "https://h/" prefix fixes it (a base URL is a scheme and a
// host that paths are appended to).
bool configured_chain(const std::vector<std::string_view>& names);

}  // namespace heimdall::analysis::taint_detail
