// `heimdall log <cmd>`: operator tools over the event log.
//
// Every command but `rebuild` opens the log read-only (a RocksDB secondary),
// so it works while a server holds the log and can never modify it.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>

#include "store/event_codec.h"
#include "store/event_log.h"
#include "store/event_types.h"
#include "base/json_writer.h"
#include "store/log_inspect.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace heimdall::tools {
namespace {

constexpr const char* kLogUsage =
    "usage: heimdall log <command> [--data DIR] [options]\n"
    "\n"
    "Operator tools over the event log in DIR (default ./data). All but `rebuild`\n"
    "open the log read-only and may run while the server is running.\n"
    "\n"
    "commands:\n"
    "  streams   list streams: id, version, last event time\n"
    "  dump      print events as NDJSON\n"
    "  tail      print the newest events; -f follows new appends\n"
    "  stats     event counts by type, sizes, seq range\n"
    "  verify    check the log's consistency (exit 1 on any problem)\n"
    "  rebuild   drop every projection and replay the log into it (needs the server stopped)\n"
    "  export    one stream's full history as NDJSON, for audit\n"
    "  types     the event types this build knows, with their schema versions\n"
    "\n"
    "`heimdall log <command> --help` describes a command.\n";

struct command {
  const char* name;
  const char* usage;
  std::set<std::string> valued;
  std::set<std::string> flags;
  std::function<int(const args&)> run;
};

volatile sig_atomic_t g_stop = 0;

void error_line(const std::string& message) { std::fprintf(stderr, "heimdall log: %s\n", message.c_str()); }

std::unique_ptr<event_log> open_log(const args& a, bool read_only) {
  event_log_options options;
  options.read_only = read_only;
  options.create_if_missing = false;
  auto log = event_log::open(a.get_or("--data", "./data"), options);
  if (!log) {
    error_line(log.error().to_string());
    return nullptr;
  }
  return std::move(log.value());
}

// Parses a numeric option; reports and returns nullopt when malformed.
std::optional<std::uint64_t> number_option(const args& a, const std::string& name, std::uint64_t fallback,
                                           bool& bad) {
  auto text = a.get(name);
  if (!text) return fallback;
  auto n = parse_u64(*text);
  if (!n) {
    error_line(name + " takes a whole number, not '" + *text + "'");
    bad = true;
  }
  return n;
}

void print_event(const event& e) {
  std::string line = encode_envelope(e);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
}

data_form form_of(const args& a) { return a.has("--raw") ? data_form::stored : data_form::current; }

// Prints every event with seq >= from that passes `keep`; returns the next seq.
result<std::uint64_t> print_from(const event_log& log, std::uint64_t from, data_form form,
                                 const std::function<bool(const event&)>& keep) {
  constexpr std::size_t kPage = 4096;
  for (;;) {
    auto page = log.read_all(from, kPage, form);
    if (!page) return page.error();
    for (const auto& e : *page) {
      if (keep(e)) print_event(e);
      from = e.seq + 1;
    }
    if (page->size() < kPage) return from;
  }
}

int cmd_streams(const args& a) {
  auto log = open_log(a, true);
  if (!log) return 2;
  auto streams = list_streams(*log, a.get_or("--prefix", ""));
  if (!streams) {
    error_line(streams.error().to_string());
    return 2;
  }
  if (a.has("--json")) {
    json_writer w;
    w.begin_array();
    for (const auto& s : *streams) {
      w.begin_object().key("stream").value(s.stream).key("version").value(s.version);
      w.key("last_seq").value(s.last_seq).key("last_time").value(s.last_time).end_object();
    }
    w.end_array();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("%-48s %8s %10s  %s\n", "STREAM", "VERSION", "LAST SEQ", "LAST EVENT");
  for (const auto& s : *streams) {
    std::printf("%-48s %8llu %10llu  %s\n", s.stream.c_str(), static_cast<unsigned long long>(s.version),
                static_cast<unsigned long long>(s.last_seq), s.last_time.c_str());
  }
  return 0;
}

int cmd_dump(const args& a) {
  bool bad = false;
  auto from = number_option(a, "--from", 1, bad);
  if (bad) return 2;
  auto log = open_log(a, true);
  if (!log) return 2;
  auto stream = a.get("--stream");
  auto type = a.get("--type");
  if (stream) {
    auto events = log->read_stream(*stream, 1, SIZE_MAX, form_of(a));
    if (!events) {
      error_line(events.error().to_string());
      return 2;
    }
    for (const auto& e : *events) {
      if (e.seq >= *from && (!type || e.type == *type)) print_event(e);
    }
    return 0;
  }
  auto done = print_from(*log, *from, form_of(a), [&](const event& e) { return !type || e.type == *type; });
  if (!done) {
    error_line(done.error().to_string());
    return 2;
  }
  return 0;
}

int cmd_export(const args& a) {
  auto stream = a.get("--stream");
  if (!stream) {
    error_line("export needs --stream STREAM (e.g. scan-<uuid>)");
    return 2;
  }
  auto log = open_log(a, true);
  if (!log) return 2;
  auto events = log->read_stream(*stream, 1, SIZE_MAX, data_form::stored);
  if (!events) {
    error_line(events.error().to_string());
    return 2;
  }
  if (events->empty()) {
    error_line("stream " + *stream + " has no events");
    return 2;
  }
  for (const auto& e : *events) print_event(e);
  return 0;
}

int cmd_tail(const args& a) {
  bool bad = false;
  auto count = number_option(a, "-n", 10, bad);
  if (bad) return 2;
  auto log = open_log(a, true);
  if (!log) return 2;
  std::uint64_t last = log->last_seq();
  std::uint64_t from = last >= *count ? last - *count + 1 : 1;
  if (auto from_opt = a.get("--from")) {
    auto n = parse_u64(*from_opt);
    if (!n) {
      error_line("--from takes a whole number, not '" + *from_opt + "'");
      return 2;
    }
    from = *n;
  }
  auto keep_all = [](const event&) { return true; };
  auto next = print_from(*log, from, form_of(a), keep_all);
  if (!next) {
    error_line(next.error().to_string());
    return 2;
  }
  if (!a.has("-f")) return 0;
  // Follow: the reader is a RocksDB secondary, so it polls the primary's
  // WAL; 200 ms keeps the lag small at negligible cost.
  struct sigaction on_signal {};
  on_signal.sa_handler = [](int) { g_stop = 1; };
  sigaction(SIGINT, &on_signal, nullptr);
  sigaction(SIGTERM, &on_signal, nullptr);
  std::fflush(stdout);
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (status s = log->catch_up(); !s.is_ok()) {
      error_line(s.to_string());
      return 2;
    }
    next = print_from(*log, *next, form_of(a), keep_all);
    if (!next) {
      error_line(next.error().to_string());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}

int cmd_stats(const args& a) {
  auto log = open_log(a, true);
  if (!log) return 2;
  auto stats = compute_stats(*log);
  if (!stats) {
    error_line(stats.error().to_string());
    return 2;
  }
  if (a.has("--json")) {
    json_writer w;
    w.begin_object();
    w.key("events").value(stats->events).key("first_seq").value(stats->first_seq);
    w.key("last_seq").value(stats->last_seq).key("streams").value(stats->streams);
    w.key("envelope_bytes").value(stats->envelope_bytes).key("disk_bytes").value(stats->disk_bytes);
    w.key("events_by_type").begin_object();
    for (const auto& [type, n] : stats->events_by_type) w.key(type).value(n);
    w.end_object().end_object();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("events:         %llu (seq %llu..%llu)\n", static_cast<unsigned long long>(stats->events),
              static_cast<unsigned long long>(stats->first_seq), static_cast<unsigned long long>(stats->last_seq));
  std::printf("streams:        %llu\n", static_cast<unsigned long long>(stats->streams));
  std::printf("envelope bytes: %llu\n", static_cast<unsigned long long>(stats->envelope_bytes));
  std::printf("disk bytes:     %llu\n", static_cast<unsigned long long>(stats->disk_bytes));
  std::printf("by type:\n");
  for (const auto& [type, n] : stats->events_by_type) {
    std::printf("  %-28s %llu\n", type.c_str(), static_cast<unsigned long long>(n));
  }
  return 0;
}

int cmd_verify(const args& a) {
  auto log = open_log(a, true);
  if (!log) return 2;
  auto report = verify_log(*log);
  if (!report) {
    error_line(report.error().to_string());
    return 2;
  }
  if (report->ok()) {
    std::printf("ok: %llu events in %llu streams, seqs gap-free, indexes and projections consistent\n",
                static_cast<unsigned long long>(report->events), static_cast<unsigned long long>(report->streams));
    return 0;
  }
  for (const auto& p : report->problems) std::printf("problem: %s\n", p.c_str());
  if (report->problem_count > report->problems.size()) {
    std::printf("... and %llu more\n",
                static_cast<unsigned long long>(report->problem_count - report->problems.size()));
  }
  std::printf("FAILED: %llu problems in %llu events\n", static_cast<unsigned long long>(report->problem_count),
              static_cast<unsigned long long>(report->events));
  return 1;
}

int cmd_rebuild(const args& a) {
  auto log = open_log(a, false);
  if (!log) return 2;
  auto start = std::chrono::steady_clock::now();
  if (status s = log->rebuild_projections(); !s.is_ok()) {
    error_line(s.to_string());
    return 2;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rebuilt projections from %llu events in %.2f s (%.0f events/s)\n",
              static_cast<unsigned long long>(log->last_seq()), seconds,
              seconds > 0 ? static_cast<double>(log->last_seq()) / seconds : 0.0);
  return 0;
}

int cmd_types(const args& a) {
  if (a.has("--json")) {
    json_writer w;
    w.begin_array();
    for (const auto& t : event_types()) {
      w.begin_object().key("type").value(t.name).key("current_schema").value(t.current_schema).end_object();
    }
    w.end_array();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  for (const auto& t : event_types()) {
    std::printf("%-28s schema %d\n", std::string(t.name).c_str(), t.current_schema);
  }
  return 0;
}

const std::vector<command>& commands() {
  static const std::vector<command> list = {
      {"streams", "heimdall log streams [--data DIR] [--prefix P] [--json]\n"
                  "Lists every stream (or those whose id starts with P): version, last seq, last event time.\n",
       {"--data", "--prefix"}, {"--json"}, cmd_streams},
      {"dump", "heimdall log dump [--data DIR] [--stream S] [--from SEQ] [--type T] [--raw]\n"
               "Prints events as NDJSON envelopes, oldest first. --raw prints data at its stored\n"
               "schema version instead of upcasting it to the current one.\n",
       {"--data", "--stream", "--from", "--type"}, {"--raw"}, cmd_dump},
      {"tail", "heimdall log tail [--data DIR] [-n N] [--from SEQ] [-f] [--raw]\n"
               "Prints the newest N events (default 10), or all from SEQ; -f keeps following new\n"
               "appends (read-only, while the server runs) until interrupted.\n",
       {"--data", "-n", "--from"}, {"-f", "--raw"}, cmd_tail},
      {"stats", "heimdall log stats [--data DIR] [--json]\n"
                "Event counts by type, seq range, stream count, stored and on-disk sizes.\n",
       {"--data"}, {"--json"}, cmd_stats},
      {"verify", "heimdall log verify [--data DIR]\n"
                 "Checks checksums, gap-free seqs, stream versions, both indexes, and that every\n"
                 "projection equals a replay of the log. Exit 0 when consistent, 1 with each problem\n"
                 "listed otherwise, 2 when the log cannot be opened.\n",
       {"--data"}, {}, cmd_verify},
      {"rebuild", "heimdall log rebuild [--data DIR]\n"
                  "Drops every projection and replays the whole log into it. Needs exclusive access:\n"
                  "stop the server first. Safe to interrupt: the next open finishes the rebuild.\n",
       {"--data"}, {}, cmd_rebuild},
      {"export", "heimdall log export --stream S [--data DIR]\n"
                 "One stream's full history (e.g. a scan's) as NDJSON, data as stored, for audit.\n",
       {"--data", "--stream"}, {}, cmd_export},
      {"types", "heimdall log types [--json]\n"
                "The event types this build accepts, with their current schema versions.\n",
       {}, {"--json"}, cmd_types},
  };
  return list;
}

}  // namespace

int run_log(const std::vector<std::string>& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "-h") {
    std::fputs(kLogUsage, words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  for (const auto& c : commands()) {
    if (words[0] != c.name) continue;
    auto flags = c.flags;
    flags.insert("--help");
    args a(c.valued, flags);
    if (auto error = a.parse({words.begin() + 1, words.end()})) {
      error_line(*error);
      std::fprintf(stderr, "usage: %s", c.usage);
      return 2;
    }
    if (a.has("--help")) {
      std::printf("usage: %s", c.usage);
      return 0;
    }
    if (!a.positional().empty()) {
      error_line("unexpected argument '" + a.positional()[0] + "'");
      std::fprintf(stderr, "usage: %s", c.usage);
      return 2;
    }
    return c.run(a);
  }
  error_line("unknown command '" + words[0] + "'");
  std::fputs(kLogUsage, stderr);
  return 2;
}

}  // namespace heimdall::tools
