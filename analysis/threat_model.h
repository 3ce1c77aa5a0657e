// threat_model: what the tyr stage learns about a tree before hunting in it:
// its entry points (HTTP routes, main functions, CLI and message handlers),
// the trust boundaries they cross, the attack surfaces they form (each with
// a risk level), and the flows of sensitive data (credentials, personal
// data, tokens) toward storage, logs or the network.
//
// build_threat_model reads the inventory's files (without following
// symlinks) and recognises entry points with patterns kept as data
// (analysis/rules/threat_model/entry_points.json), for Flask, Django,
// FastAPI, Express, Spring, Go net/http and similar, and main functions of
// every language; sensitive data and its sinks likewise
// (analysis/rules/threat_model/data_flows.json; see threat_model_rules.h).
// Files over the inventory's default per-file bound (inventory_limits{}.
// max_file_bytes) are skipped. The same tree gives the same model: lists
// are ordered (entry points and flows by file, then line; surfaces riskiest
// first) and capped (2000 entry points, 1000 flows, 1000 files per
// boundary; the summary says when a cap was reached).
//
// Blocking (file I/O): run it on a worker thread. Files are read and
// matched on `threads` threads (0: default_analysis_threads(), see
// ordered_work.h); the model is the same as with one. Thread-safe: no
// shared state (the compiled rules are shared read-only); `cancelled` is
// called on the calling thread only. Errors: errc::closed
// when `cancelled()` returns true (checked per file); a file that cannot be
// read is skipped and counted in the summary, never an error;
// invalid_argument only if the compiled-in rule data is broken (the tests
// load it, so such a build does not ship).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/inventory.h"
#include "base/result.h"

namespace heimdall::analysis {

struct entry_point {
  std::string kind;       // http_route | main | cli | message_handler
  std::string framework;  // flask, django, fastapi, express, spring, net/http, ... ("" for main)
  std::string method;     // HTTP method(s) when known, e.g. "GET", "POST"; "" otherwise
  std::string route;      // e.g. "/users/<id>"; "" when not a route
  std::string function;   // handler name when known
  std::string file_path;  // relative, '/'-separated
  int line = 0;           // 1-based
};

struct trust_boundary {
  std::string name;         // e.g. "internet -> web application"
  std::string description;
  std::vector<std::string> files;  // files whose code sits on the boundary
};

struct attack_surface {
  std::string name;         // e.g. "HTTP API (flask)"
  std::string risk;         // critical | high | medium | low
  std::string description;  // why this risk
  std::vector<entry_point> entry_points;
};

struct data_flow {
  std::string data_kind;    // credentials | personal_data | payment | token | secret
  std::string source;       // where the data enters (e.g. "request.form['password']")
  std::string sink;         // where it goes (database, log, response, file, network, process)
  std::string file_path;
  int line = 0;
  std::string description;
};

struct threat_model {
  std::string summary;  // a few sentences a reviewer reads first
  std::vector<trust_boundary> boundaries;
  std::vector<attack_surface> surfaces;
  std::vector<data_flow> data_flows;

  // Every entry point of every surface, in surface order.
  std::vector<entry_point> entry_points() const;
};

result<threat_model> build_threat_model(const std::filesystem::path& root, const inventory& files,
                                        const std::function<bool()>& cancelled = {}, unsigned threads = 0);

// The event form: {"summary", "boundaries": [...], "surfaces": [...],
// "data_flows": [...]}, minified, members named as the fields above.
std::string to_json(const threat_model& model);
// Reads it strictly: every member required, none unknown or repeated,
// line >= 1, risk / kind / data_kind from their closed sets, so
// to_json(threat_model_from_json(to_json(m))) == to_json(m).
// Errors: invalid_argument naming what is malformed (e.g.
// "surfaces[0].entry_points[2].line: must be a positive integer").
result<threat_model> threat_model_from_json(std::string_view json);

}  // namespace heimdall::analysis
