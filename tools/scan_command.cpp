// heimdall scan: one scan, in-process, on a temporary log (or --data DIR to
// keep it): the same scheduler, scan actor and stages as the server.
// Progress goes to stderr as the log records it; findings go to stdout (or
// --output) as text, JSON or SARIF. Exit: 0 clean, 1 a finding at or above
// --fail-on, 2 usage error or the scan failed.
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "actors/repos.h"
#include "actors/scan_history.h"
#include "actors/scan_service.h"
#include "analysis/sarif.h"
#include "base/json_writer.h"
#include "store/event_log.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/scan_options.h"

namespace heimdall::tools {
namespace {

namespace fs = std::filesystem;

const std::string kUsage = std::string(
    "usage: heimdall scan PATH|URL [options]\n"
    "\n"
    "Scans a git repository (a local path, file://, https:// or ssh:// URL) with\n"
    "the full pipeline and prints its findings.\n"
    "\n"
    "options:\n"
    "  --format F          text (default), json or sarif\n"
    "  --output FILE       write the findings to FILE instead of stdout\n"
    "  --fail-on SEV       exit 1 when a finding of severity SEV or above exists\n"
    "                      (critical, high, medium, low); default: never\n"
    "  --base COMMIT       incremental: analyse only files changed since COMMIT\n"
    "  --data DIR          keep the scan's event log in DIR (default: a temporary\n"
    "                      log, removed afterwards)\n"
    "  --quiet             no progress on stderr\n") +
    kScanOptionsHelp + "  --help              show this help\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "heimdall scan: %s\n%s", message.c_str(), kUsage.c_str());
  return 2;
}

int failure(const std::string& message) {
  std::fprintf(stderr, "heimdall scan: %s\n", message.c_str());
  return 2;
}

bool is_url(const std::string& s) { return s.find("://") != std::string::npos || s.find('@') != std::string::npos; }

// Follows the scan's stream and reports progress until its terminal event.
class progress_watch {
 public:
  progress_watch(std::string stream, bool quiet) : stream_(std::move(stream)), quiet_(quiet) {}

  void on_event(const event& e) {
    if (e.stream != stream_) return;
    if (!quiet_) report(e);
    if (e.type == "scan.completed" || e.type == "scan.failed" || e.type == "scan.cancelled") {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      cv_.notify_all();
    }
  }
  // Until the terminal event; false when `log` stops accepting appends
  // first (a write error): the scan then stops with no end to wait for.
  bool wait(const event_log& log) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return done_; })) {
      if (!log.append_health().is_ok()) return false;
    }
    return true;
  }

 private:
  void report(const event& e) {
    if (e.type == "scan.stage_updated") {
      auto u = actors::parse_stage_update(e.data);
      if (!u) return;
      std::string line = "[" + std::string(actors::stage_name(u.value().s)) + "] " + u.value().status;
      if (u.value().status == "completed") line += " (" + std::to_string(findings_) + " findings so far)";
      if (!u.value().error.empty()) line += ": " + u.value().error;
      std::fprintf(stderr, "%s\n", line.c_str());
    } else if (e.type == "scan.finding_added") {
      ++findings_;
    } else if (e.type == "scan.ingested") {
      auto ingested = actors::parse_ingested(e.data);
      if (!ingested) return;
      std::fprintf(stderr, "[ingest] commit %.12s: %llu files, %.1f MB\n", ingested.value().commit_sha.c_str(),
                   static_cast<unsigned long long>(ingested.value().files), ingested.value().bytes / 1e6);
    }
  }

  std::string stream_;
  bool quiet_;
  std::uint64_t findings_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

struct scan_output {
  std::vector<actors::recorded_finding> findings;  // as ranked by the report stage
  scan_record scan;
};

// The findings in the order the report stage ranked them.
scan_output collect(const actors::scan_history& h, scan_record scan) {
  std::unordered_map<std::string_view, const actors::recorded_finding*> by_id;
  for (const auto& f : h.findings) by_id.emplace(f.finding_id, &f);
  scan_output out{{}, std::move(scan)};
  for (const auto& id : h.ranking) {
    if (auto it = by_id.find(id); it != by_id.end()) out.findings.push_back(*it->second);
  }
  return out;
}

std::string as_text(const scan_output& out) {
  std::string text;
  for (const auto& r : out.findings) {
    const auto& f = r.f;
    std::string sev(analysis::severity_name(f.severity));
    for (auto& c : sev) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    char line[64];
    std::snprintf(line, sizeof line, "%-9s", sev.c_str());
    text += line + f.file_path + ":" + std::to_string(f.line_start) + "  " + f.title + "  [" + f.rule_id;
    if (f.cwe_id) text += ", CWE-" + std::to_string(f.cwe_id);
    char conf[32];
    std::snprintf(conf, sizeof conf, ", confidence %.2f]\n", f.confidence);
    text += conf;
    if (!f.code_snippet.empty()) text += "    " + f.code_snippet.substr(0, f.code_snippet.find('\n')) + "\n";
  }
  const scan_record& s = out.scan;
  text += std::to_string(s.finding_count) + " findings: " + std::to_string(s.counts.critical) + " critical, " +
          std::to_string(s.counts.high) + " high, " + std::to_string(s.counts.medium) + " medium, " +
          std::to_string(s.counts.low) + " low (scan " + s.id + ", commit " + s.commit_sha.value_or("?") + ")\n";
  return text;
}

std::string as_json(const scan_output& out) {
  json_writer w;
  w.begin_object().key("scan").raw(to_json(out.scan)).key("findings").begin_array();
  // The finding object is exactly the data its scan.finding_added carries.
  for (const auto& r : out.findings) w.raw(actors::finding_event(r).data);
  w.end_array().end_object();
  return w.take() + "\n";
}

// The owner of what `heimdall scan` registers: one id for the command line,
// so that a log kept with --data finds the repository a run scanned before,
// and its scans stay one history (a triage status carries over to the same
// finding in the repo's later scans, findings.h).
constexpr const char* kCommandLineOwner = "00000000-0000-0000-0000-000000000001";

// The command line's live repository of `source`, registered when it has none.
result<actors::repo_info> command_line_repo(event_log& log, const std::string& source, const std::string& name) {
  constexpr std::uint64_t kPerPage = 500;
  for (std::uint64_t page = 1;; ++page) {
    auto repos = actors::list_repos(log, kCommandLineOwner, page, kPerPage);
    if (!repos) return repos.error();
    for (actors::repo_info& r : repos.value().repos) {
      if (r.source_url == source) return std::move(r);
    }
    if (page * kPerPage >= repos.value().total) break;
  }
  return actors::register_repo(log, kCommandLineOwner, name, source, std::nullopt);
}

}  // namespace

int run_scan(const std::vector<std::string>& words) {
  auto valued = scan_option_names();
  valued.insert({"--format", "--output", "--fail-on", "--base", "--data"});
  args a(valued, {"--help", "--quiet"});
  if (auto err = a.parse(words)) return usage_error(*err);
  if (a.has("--help")) {
    std::fputs(kUsage.c_str(), stdout);
    return 0;
  }
  if (a.positional().size() != 1) return usage_error("expected one PATH or URL to scan");
  const std::string format = a.get_or("--format", "text");
  if (format != "text" && format != "json" && format != "sarif") {
    return usage_error("--format takes text, json or sarif, not '" + format + "'");
  }
  std::optional<analysis::severity> fail_on;
  if (auto text = a.get("--fail-on")) {
    analysis::severity s;
    if (!analysis::parse_severity(*text, s)) return usage_error("--fail-on takes critical, high, medium or low, not '" + *text + "'");
    fail_on = s;
  }
  std::string source = a.positional()[0];
  fs::path local_root;
  if (!is_url(source)) {
    std::error_code ec;
    local_root = fs::canonical(source, ec);
    if (ec) return failure("cannot scan '" + source + "': " + ec.message());
    source = local_root.string();
  }

  // A temporary log unless --data keeps it.
  std::string data_dir;
  bool temporary = !a.has("--data");
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "heimdall-scan-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return failure("cannot create a temporary directory: " + std::string(strerror(errno)));
    data_dir = tmpl;
  } else {
    data_dir = *a.get("--data");
  }
  struct remove_on_exit {
    std::string dir;
    bool active;
    ~remove_on_exit() {
      std::error_code ec;
      if (active) fs::remove_all(dir, ec);
    }
  } cleanup{data_dir, temporary};

  actors::scan_service_options options;
  if (auto err = parse_scan_options(a, data_dir, options)) return usage_error(*err);
  // A temporary log holds no advisories: use the ones imported into the
  // default data directory (`heimdall advisories import` without --data).
  if (temporary && !a.has("--advisories")) options.advisories_dir = fs::path("./data") / "advisories";
  // The path named on the command line is where the user wants to look.
  if (!local_root.empty()) options.settings.allowed_roots.push_back(local_root);
  if (!options.max_concurrent_scans) options.max_concurrent_scans = 1;

  auto opened = event_log::open(data_dir);
  if (!opened) return failure(opened.error().to_string());
  std::unique_ptr<event_log> log = std::move(opened).value();

  auto service = actors::scan_service::start(*log, options);
  if (!service) return failure(service.error().to_string());

  auto repo = command_line_repo(*log, source, local_root.empty() ? source : local_root.filename().string());
  if (!repo) return failure(repo.error().to_string());

  actors::scan_request request;
  request.repo_id = repo.value().id;
  request.triggered_by = kCommandLineOwner;
  if (auto base = a.get("--base")) {
    request.scan_type = "incremental";
    request.base_commit_sha = *base;
  }
  // Everything of this scan comes after this seq, so a subscription from
  // here, made once the scan's id is known, misses nothing.
  const std::uint64_t before = log->last_seq();
  auto scan = service.value()->trigger(request);
  if (!scan) return failure(scan.error().to_string());
  const std::string scan_id = scan.value().id;
  auto watch = std::make_shared<progress_watch>(actors::scan_stream(scan_id), a.has("--quiet"));
  auto subscribed = log->subscribe(before, [watch](const event& e) { watch->on_event(e); });
  if (!subscribed) return failure(subscribed.error().to_string());
  std::unique_ptr<subscription> sub = std::move(subscribed).value();
  if (!a.has("--quiet")) std::fprintf(stderr, "heimdall scan: scan %s of %s\n", scan_id.c_str(), source.c_str());
  const bool ended = watch->wait(*log);
  sub.reset();
  if (!ended) return failure("scan " + scan_id + " stopped: " + log->append_health().message());
  service.value().reset();

  auto events = log->read_stream(actors::scan_stream(scan_id), 1, SIZE_MAX);
  if (!events) return failure(events.error().to_string());
  auto history = actors::fold_scan_history(scan_id, events.value());
  if (!history) return failure(history.error().to_string());
  auto record = actors::get_scan(*log, scan_id);
  if (!record) return failure(record.error().to_string());
  if (record.value().status != "completed") {
    return failure("scan " + record.value().status + ": " + record.value().error_message.value_or("no reason recorded"));
  }
  scan_output out = collect(history.value(), record.value());

  std::string rendered;
  if (format == "text") {
    rendered = as_text(out);
  } else if (format == "json") {
    rendered = as_json(out);
  } else {
    std::vector<analysis::finding> findings;
    for (const auto& r : out.findings) findings.push_back(r.f);
    analysis::sarif_run_info info;
    info.tool_version = "0.1.0";
    if (!local_root.empty()) {
      // Absolute file:// URIs under the scanned path: usable by tools that
      // do not resolve uriBaseId.
      info.source_root = local_root.string();
      info.absolute_uris = true;
    }
    info.repository_uri = source;
    info.revision_id = record.value().commit_sha.value_or("");
    rendered = analysis::to_sarif(findings, info) + "\n";
  }
  if (auto file = a.get("--output")) {
    std::ofstream f(*file, std::ios::binary | std::ios::trunc);
    f << rendered;
    if (!f.flush()) return failure("cannot write " + *file);
  } else {
    std::fwrite(rendered.data(), 1, rendered.size(), stdout);
  }
  if (fail_on) {
    for (const auto& r : out.findings) {
      if (r.f.severity >= *fail_on) return 1;
    }
  }
  return 0;
}

}  // namespace heimdall::tools
