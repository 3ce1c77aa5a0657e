// scan_bench: the whole scan pipeline (ingest, tyr, static_analysis, hunt,
// vidarr, report, every event appended to a durable log) over a large
// mixed-language git repository, against bandit and flawfinder over the same
// tree in the same run.
//
//   build/bench/scan_bench [--mb N] [--dir DIR] [--tree DIR]
//
// Generates a repository of about N MB (default 120) of Python, JavaScript,
// Java, Go, C, PHP and Ruby under DIR (default a temporary directory; with
// --tree DIR, scans that existing git repository instead) and scans it with
// an in-process scan_service. Each stage's time (its stage_updated running
// to completed, as the log stamped them) is printed with its MB/s over the
// whole tree. Then each peer, which reads only its own language (bandit
// Python, flawfinder C), runs over a repository of just that language's
// files of the tree, which we scan too: vs_<peer> is its wall time over ours
// on the same files (above 1: we are faster). With --tree there is no split,
// and the ratio is over the whole tree.
//
// Last line: mb_per_s=<n> static_mb_per_s=<s> vs_bandit=<ratio>
// vs_flawfinder=<ratio> peak_rss_mb=<m>: the full pipeline, then the
// static_analysis stage alone.
#include <git2.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/repos.h"
#include "actors/scan_events.h"
#include "actors/scan_service.h"
#include "base/uuid.h"
#include "store/event_log.h"

using namespace heimdall;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// One source file of `lang`, about `bytes` long, with a planted problem in
// one file out of ten so the later stages have findings to handle.
std::string source_file(const std::string& lang, int n, std::size_t bytes, bool vulnerable) {
  std::string out;
  auto id = [&](int i) { return "item" + std::to_string(n) + "_" + std::to_string(i); };
  int i = 0;
  if (lang == "py") out = "import os\nimport json\n\n";
  if (lang == "js") out = "'use strict';\nconst fs = require('fs');\n\n";
  if (lang == "java") out = "package bench;\n\npublic class C" + std::to_string(n) + " {\n";
  if (lang == "go") out = "package bench\n\nimport \"fmt\"\n\n";
  if (lang == "c") out = "#include <stdio.h>\n#include <string.h>\n\n";
  if (lang == "php") out = "<?php\n\n";
  if (lang == "rb") out = "require 'json'\n\n";
  while (out.size() < bytes) {
    std::string f = id(i++);
    if (lang == "py") out += "def " + f + "(values, scale=2):\n    total = 0\n    for v in values:\n        total += v * scale\n    return json.dumps({'" + f + "': total})\n\n";
    if (lang == "js") out += "function " + f + "(values, scale) {\n  let total = 0;\n  for (const v of values) total += v * (scale || 2);\n  return JSON.stringify({ " + f + ": total });\n}\n\n";
    if (lang == "java") out += "  public static int " + f + "(int[] values, int scale) {\n    int total = 0;\n    for (int v : values) total += v * scale;\n    return total;\n  }\n\n";
    if (lang == "go") out += "func " + f + "(values []int, scale int) string {\n\ttotal := 0\n\tfor _, v := range values {\n\t\ttotal += v * scale\n\t}\n\treturn fmt.Sprintf(\"%d\", total)\n}\n\n";
    if (lang == "c") out += "int " + f + "(const int *values, size_t n, int scale) {\n  int total = 0;\n  for (size_t i = 0; i < n; ++i) total += values[i] * scale;\n  return total;\n}\n\n";
    if (lang == "php") out += "function " + f + "($values, $scale = 2) {\n    $total = 0;\n    foreach ($values as $v) { $total += $v * $scale; }\n    return json_encode(['" + f + "' => $total]);\n}\n\n";
    if (lang == "rb") out += "def " + f + "(values, scale = 2)\n  total = values.sum { |v| v * scale }\n  JSON.generate('" + f + "' => total)\nend\n\n";
  }
  if (vulnerable) {
    if (lang == "py") out += "def run(cmd):\n    os.system('ls ' + cmd)\n";
    if (lang == "js") out += "const { exec } = require('child_process');\napp.get('/x', (req, res) => exec('ls ' + req.query.dir));\n";
    if (lang == "java") out += "  void q(java.sql.Statement st, String id) throws Exception {\n    st.executeQuery(\"SELECT * FROM t WHERE id = \" + id);\n  }\n";
    if (lang == "c") out += "void copy(char *d, const char *s) { strcpy(d, s); }\n";
    if (lang == "php") out += "$r = mysqli_query($db, \"SELECT * FROM t WHERE id = \" . $_GET['id']);\n";
  }
  if (lang == "java") out += "}\n";
  return out;
}

// The tree: files of the seven languages in turn up to `target_bytes`; with
// `only`, just that language's files of the same tree (the same names and
// contents), for a peer that reads only those.
bool generate(const fs::path& dir, std::size_t target_bytes, const std::string& only = {}) {
  git_repository* repo = nullptr;
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.initial_head = "main";
  if (git_repository_init_ext(&repo, dir.c_str(), &opts) != 0) return false;
  git_index* index = nullptr;
  git_repository_index(&index, repo);
  const char* langs[] = {"py", "js", "java", "go", "c", "php", "rb"};
  std::mt19937 rng(7);
  std::size_t written = 0;
  for (int n = 0; written < target_bytes; ++n) {
    std::string lang = langs[n % 7];
    std::size_t size = 4000 + rng() % 12000;
    std::string rel = "src/" + lang + "/d" + std::to_string(n / 200) + "/f" + std::to_string(n) + "." + lang;
    std::string text = source_file(lang, n, size, n % 10 == 3);
    written += text.size();
    if (!only.empty() && lang != only) continue;
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << text;
    if (git_index_add_bypath(index, rel.c_str()) != 0) return false;
  }
  git_oid tree_id, commit_id;
  git_index_write(index);
  git_index_write_tree(&tree_id, index);
  git_tree* tree = nullptr;
  git_tree_lookup(&tree, repo, &tree_id);
  git_signature* sig = nullptr;
  git_signature_now(&sig, "bench", "bench@example.com");
  bool ok = git_commit_create(&commit_id, repo, "HEAD", sig, sig, nullptr, "bench tree", tree, 0, nullptr) == 0;
  git_signature_free(sig);
  git_tree_free(tree);
  git_index_free(index);
  git_repository_free(repo);
  return ok;
}

std::uint64_t tree_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) total += it->file_size();
  }
  return total;
}

// Wall time of a peer tool over the tree (output discarded); -1 when it is
// not installed or could not run.
double run_peer(const std::vector<std::string>& argv) {
  std::fflush(stdout);  // or the child would write our buffered lines again
  auto start = clock_type::now();
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) return -1;
  return seconds_since(start);
}

// The log's stamp ("2026-12-01T22:20:43.048Z") as Unix milliseconds; -1 if
// it is not one.
std::int64_t stamp_ms(const std::string& time) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(time.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

// Each stage's time, from its stage_updated(running) to its
// stage_updated(completed), in the order the stages ran.
std::vector<std::pair<std::string, double>> stage_seconds(event_log& log, const std::string& scan_id) {
  std::vector<std::pair<std::string, double>> out;
  auto events = log.read_stream(actors::scan_stream(scan_id), 1, 1u << 20);
  if (!events) return out;
  std::map<std::string, std::int64_t> began;
  simdjson::dom::parser parser;
  for (const event& e : events.value()) {
    if (e.type != "scan.stage_updated") continue;
    simdjson::dom::element data;
    std::string_view stage, status;
    if (parser.parse(e.data).get(data) || data["stage"].get(stage) || data["status"].get(status)) continue;
    if (status == "running") began[std::string(stage)] = stamp_ms(e.time);
    auto start = began.find(std::string(stage));
    if (status == "completed" && start != began.end()) {
      out.emplace_back(std::string(stage), static_cast<double>(stamp_ms(e.time) - start->second) / 1000.0);
    }
  }
  return out;
}

std::string ratio(double peer, double ours) {
  if (peer < 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", peer / ours);
  return buf;
}

}  // namespace

struct timed_scan {
  double seconds = 0;
  scan_record done;
  std::string scan_id;
};

// Registers `tree` as a repo and scans it through `service`, waiting for the
// end; an error message when it does not complete.
result<timed_scan> scan_once(actors::scan_service& service, event_log& log, const std::string& user,
                             const fs::path& tree) {
  auto repo = actors::register_repo(log, user, tree.filename().string(), tree.string(), std::nullopt);
  if (!repo) return repo.error();
  actors::scan_request request;
  request.repo_id = repo.value().id;
  request.triggered_by = user;
  auto start = clock_type::now();
  auto scan = service.trigger(request);
  if (!scan) return scan.error();
  timed_scan out;
  out.scan_id = scan.value().id;
  for (;;) {
    out.done = actors::get_scan(log, out.scan_id).value();
    if (out.done.is_terminal()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out.seconds = seconds_since(start);
  if (out.done.status != "completed") {
    return status(errc::io_error, "scan " + out.done.status + ": " + out.done.error_message.value_or(""));
  }
  return out;
}

int main(int argc, char** argv) {
  std::size_t mb = 120;
  fs::path dir, tree;
  // Flags come in pairs: a lone one (`--help`) is a usage error, not a run.
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (i + 1 == argc) flag.clear();
    if (flag == "--mb") mb = std::stoul(argv[i + 1]);
    else if (flag == "--dir") dir = argv[i + 1];
    else if (flag == "--tree") tree = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: scan_bench [--mb N] [--dir DIR] [--tree DIR]\n");
      return 2;
    }
  }
  bool temporary = dir.empty();
  if (temporary) dir = fs::temp_directory_path() / ("heimdall-scan-bench-" + uuid::v7().to_string());
  fs::create_directories(dir);
  git_libgit2_init();
  const bool generated = tree.empty();
  if (generated) {
    tree = dir / "tree";
    auto start = clock_type::now();
    if (!generate(tree, mb << 20)) {
      std::fprintf(stderr, "scan_bench: could not generate the tree\n");
      return 2;
    }
    std::printf("generated %s in %.1f s\n", tree.c_str(), seconds_since(start));
  }
  tree = fs::canonical(tree);
  double size_mb = tree_bytes(tree) / 1e6;
  // Each peer reads only its language: the same files, alone in a tree of
  // their own, are also scanned by us, so each ratio compares the same files.
  struct peer {
    const char* name;
    const char* lang;
    std::vector<std::string> argv;  // the tree is appended
    fs::path tree;
  };
  std::vector<peer> peers = {{"bandit", "py", {"bandit", "-q", "-f", "json", "-o", "/dev/null", "-r"}, {}},
                             {"flawfinder", "c", {"flawfinder", "--quiet", "--dataonly"}, {}}};
  if (generated) {
    for (peer& p : peers) {
      p.tree = dir / (std::string("only-") + p.lang);
      if (!generate(p.tree, mb << 20, p.lang)) {
        std::fprintf(stderr, "scan_bench: could not generate the %s tree\n", p.lang);
        return 2;
      }
      p.tree = fs::canonical(p.tree);
    }
  }

  auto log = event_log::open((dir / "log").string());
  if (!log) {
    std::fprintf(stderr, "scan_bench: %s\n", log.error().to_string().c_str());
    return 2;
  }
  actors::scan_service_options options;
  options.rules_dir = HEIMDALL_RULES_DIR;
  options.settings.workspaces_dir = dir / "workspaces";
  options.settings.allowed_roots = {tree};
  for (const peer& p : peers) {
    if (!p.tree.empty()) options.settings.allowed_roots.push_back(p.tree);
  }
  options.settings.limits.max_total_bytes = 4ull << 30;
  auto service = actors::scan_service::start(*log.value(), options);
  if (!service) {
    std::fprintf(stderr, "scan_bench: %s\n", service.error().to_string().c_str());
    return 2;
  }
  std::string user = uuid::v7().to_string();
  auto whole = scan_once(*service.value(), *log.value(), user, tree);
  if (!whole) {
    std::fprintf(stderr, "scan_bench: %s\n", whole.error().to_string().c_str());
    return 2;
  }
  const double ours = whole.value().seconds;
  const scan_record& done = whole.value().done;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double peak_rss_mb = usage.ru_maxrss / 1024.0;
  std::printf("heimdall: %.1f MB in %.2f s, %llu findings (%llu critical, %llu high)\n", size_mb, ours,
              static_cast<unsigned long long>(done.finding_count), static_cast<unsigned long long>(done.counts.critical),
              static_cast<unsigned long long>(done.counts.high));
  // The log stamps milliseconds; a stage under 1 ms counts as 1 ms.
  double static_s = 0.001;
  for (const auto& [stage, seconds] : stage_seconds(*log.value(), whole.value().scan_id)) {
    if (seconds < 0.01) {
      std::printf("  %-16s %.3f s\n", stage.c_str(), seconds);
    } else {
      std::printf("  %-16s %.3f s (%.1f MB/s)\n", stage.c_str(), seconds, size_mb / seconds);
    }
    if (stage == "static_analysis") static_s = std::max(seconds, 0.001);
  }

  // vs_<peer>: its time over ours on the files it reads (the whole tree when
  // it is not ours to split, with --tree).
  std::vector<std::string> ratios;
  for (peer& p : peers) {
    double ours_on_them = ours;
    fs::path where = tree;
    if (!p.tree.empty()) {
      auto alone = scan_once(*service.value(), *log.value(), user, p.tree);
      if (!alone) {
        std::fprintf(stderr, "scan_bench: %s\n", alone.error().to_string().c_str());
        return 2;
      }
      ours_on_them = alone.value().seconds;
      where = p.tree;
    }
    p.argv.push_back(where.string());
    double theirs = run_peer(p.argv);
    std::printf("%s: %s on %.1f MB (%s files); heimdall %.2f s on the same files, %.2f s on the whole tree\n", p.name,
                theirs < 0 ? "not available" : (std::to_string(theirs) + " s").c_str(), tree_bytes(where) / 1e6,
                p.tree.empty() ? "all" : p.lang, ours_on_them, ours);
    ratios.push_back(ratio(theirs, ours_on_them));
  }
  service.value().reset();

  if (temporary) fs::remove_all(dir);
  std::printf("mb_per_s=%.1f static_mb_per_s=%.1f vs_bandit=%s vs_flawfinder=%s peak_rss_mb=%.0f\n", size_mb / ours,
              size_mb / static_s, ratios[0].c_str(), ratios[1].c_str(), peak_rss_mb);
  return 0;
}
