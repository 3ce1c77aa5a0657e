// front_end_agreement: how often the taint engine's statement groupers
// (JavaScript, TypeScript, PHP: taint_statements.h) agree with tree-sitter
// on where the statements and functions of real code are
// (tests/analysis/stmt_oracle.h), and the front ends' speed against the
// bare parse.
//
//   build/bench/front_end_agreement DIR [--show N]
//
// Reads every JavaScript, TypeScript and PHP file under DIR (skipping .git)
// and prints, per language: files compared, files where the grouping
// disagrees with the count of each rule's disagreements, files not compared
// (tree-sitter left an ERROR node), and the MB/s of the front end (the parse
// and its writing out as tokens), of it and the grouper together, and of the
// tree-sitter parse alone on those files. The first N disagreements
// (default 10) are listed with file and line. Last line: files=<n>
// stmt_disagree=<s> front_end_vs_parse=<ratio> (the parse's time over the
// front end's, over all files: the share of the front end that is the parse).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/language.h"
#include "analysis/syntax.h"
#include "analysis/taint_front_end.h"
#include "tests/analysis/stmt_oracle.h"

using namespace heimdall::analysis;
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct tally {
  std::size_t files = 0, not_compared = 0, bytes = 0;
  std::size_t stmt_disagree = 0;
  std::map<std::string, std::size_t> rules;  // stmt_disagree files by their first disagreement's rule
  double front_end_s = 0, group_s = 0, parse_s = 0;
};

double seconds(clock_type::time_point since) {
  return std::chrono::duration<double>(clock_type::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: front_end_agreement DIR [--show N]\n");
    return 2;
  }
  int show = argc > 3 && std::string(argv[2]) == "--show" ? std::atoi(argv[3]) : 10;
  std::map<language, tally> by_lang;
  std::size_t stmt_shown = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(argv[1], fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    const std::string path = it->path().string();
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string content = buffer.str();
    language lang = detect_language(path, std::string_view(content).substr(0, 256));
    if (!test::has_brace_grouper(lang)) continue;
    const auto grouping = test::compare_statements_with_tree(lang, path, content);
    tally& t = by_lang[lang];
    if (grouping.outcome == test::stmt_verdict::not_compared) {  // the tree has an ERROR node
      ++t.not_compared;
      continue;
    }
    ++t.files;
    t.bytes += content.size();
    if (grouping.outcome == test::stmt_verdict::disagree) {
      ++t.stmt_disagree;
      ++t.rules[grouping.rule];  // by the file's first disagreement
      if (stmt_shown++ < static_cast<std::size_t>(show)) {
        std::printf("%s:%d: [%s, %zu in the file] %s\n", path.c_str(), grouping.line, grouping.rule.c_str(),
                    grouping.disagreements, grouping.where.c_str());
      }
    }
    auto start = clock_type::now();
    const taint_detail::lexed_file lexed = taint_detail::lex_file(lang, path, content);
    t.front_end_s += seconds(start);
    start = clock_type::now();
    taint_detail::parse_file(lang, lexed);
    t.group_s += seconds(start);
    start = clock_type::now();
    parse_source(lang, path, content);
    t.parse_s += seconds(start);
  }
  tally all;
  for (const auto& [lang, t] : by_lang) {
    std::string rules;
    for (const auto& [rule, n] : t.rules) rules += " " + rule + "=" + std::to_string(n);
    std::printf(
        "%-10s files=%zu stmt_disagree=%zu%s not_compared=%zu front_end_mb_per_s=%.1f "
        "front_end_group_mb_per_s=%.1f parse_mb_per_s=%.1f\n",
        std::string(language_name(lang)).c_str(), t.files, t.stmt_disagree, rules.c_str(), t.not_compared,
        t.bytes / 1e6 / t.front_end_s, t.bytes / 1e6 / (t.front_end_s + t.group_s), t.bytes / 1e6 / t.parse_s);
    all.files += t.files;
    all.stmt_disagree += t.stmt_disagree;
    all.front_end_s += t.front_end_s;
    all.parse_s += t.parse_s;
  }
  std::printf("files=%zu stmt_disagree=%zu front_end_vs_parse=%.2f\n", all.files, all.stmt_disagree,
              all.front_end_s > 0 ? all.parse_s / all.front_end_s : 0.0);
  return 0;
}
