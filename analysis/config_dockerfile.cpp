// Dockerfile instructions into a config_node tree (layout in
// config_parsers.h), so that checks over a whole build stage ("no USER",
// "the last USER is root") can be written as rules.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "analysis/config_parsers.h"
#include "analysis/snippet.h"

namespace heimdall::analysis {
namespace {

constexpr std::string_view kInstructions[] = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};

struct physical_lines {
  explicit physical_lines(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines.push_back(line);
      pos = end + 1;
    }
  }
  std::vector<std::string_view> lines;
};

config_node scalar(std::string key, std::string text, int line) {
  config_node n;
  n.key = std::move(key);
  n.text = std::move(text);
  n.line = line;
  return n;
}

// FROM [--platform=P] image[:tag][@digest] [AS name]
config_node from_node(std::string_view args, int line) {
  config_node n;
  n.kind = config_node_kind::map;
  n.key = "FROM";
  n.line = line;
  std::vector<std::string_view> words;
  for (std::size_t pos = 0; pos < args.size();) {
    std::size_t a = args.find_first_not_of(" \t", pos);
    if (a == std::string_view::npos) break;
    std::size_t b = args.find_first_of(" \t", a);
    if (b == std::string_view::npos) b = args.size();
    words.push_back(args.substr(a, b - a));
    pos = b;
  }
  std::size_t i = 0;
  for (; i < words.size() && words[i].rfind("--", 0) == 0; ++i) {
    if (words[i].rfind("--platform=", 0) == 0) {
      n.children.push_back(scalar("platform", std::string(words[i].substr(11)), line));
    }
  }
  if (i < words.size()) {
    std::string_view ref = words[i];
    n.children.push_back(scalar("ref", std::string(ref), line));
    std::size_t at = ref.find('@');
    if (at != std::string_view::npos) {
      n.children.push_back(scalar("digest", std::string(ref.substr(at + 1)), line));
      ref = ref.substr(0, at);
    }
    std::size_t colon = ref.rfind(':');
    std::size_t slash = ref.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
      n.children.push_back(scalar("tag", std::string(ref.substr(colon + 1)), line));
      ref = ref.substr(0, colon);
    }
    n.children.insert(n.children.begin(), scalar("image", std::string(ref), line));
    ++i;
  }
  if (i + 1 < words.size() && (words[i] == "AS" || words[i] == "as" || words[i] == "As")) {
    n.children.push_back(scalar("alias", std::string(words[i + 1]), line));
  }
  return n;
}

}  // namespace

std::optional<config_parse_error> parse_dockerfile(std::string_view text, config_node& root) {
  root = config_node();
  root.kind = config_node_kind::map;
  root.line = 1;
  physical_lines physical(text);
  const auto& lines = physical.lines;
  char escape = '\\';
  static const RE2 escape_directive(R"(^#\s*escape\s*=\s*([\\`])\s*$)");
  static const RE2 heredoc_start(R"(<<(-?)["']?([A-Za-z_][A-Za-z0-9_]*)["']?)");
  config_node* stage = nullptr;
  bool directives = true;  // parser directives only before anything else
  for (std::size_t i = 0; i < lines.size();) {
    std::string_view first = trim(lines[i]);
    int line = static_cast<int>(i) + 1;
    if (first.empty() || first.front() == '#') {
      std::string e;
      if (directives && RE2::FullMatch(first, escape_directive, &e)) escape = e[0];
      if (!first.empty() && !(first.size() > 1 && first.find('=') != std::string_view::npos)) directives = false;
      ++i;
      continue;
    }
    directives = false;
    // The logical line: continuation lines joined (comment lines inside
    // skipped, as Docker does).
    std::string logical;
    std::size_t j = i;
    while (true) {
      std::string_view piece = lines[j];
      std::string_view t = trim(piece);
      ++j;
      if (j - 1 > i && (t.empty() || t.front() == '#')) {
        if (j >= lines.size()) break;
        continue;
      }
      std::size_t last = piece.find_last_not_of(" \t");
      if (last != std::string_view::npos && piece[last] == escape) {
        logical.append(piece.substr(0, last));
        logical += ' ';
        if (j >= lines.size()) break;
        continue;
      }
      logical.append(piece);
      break;
    }
    std::string_view l = trim(logical);
    std::size_t word_end = 0;
    while (word_end < l.size() && std::isalpha(static_cast<unsigned char>(l[word_end]))) ++word_end;
    std::string name(l.substr(0, word_end));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (word_end == 0 || (word_end < l.size() && l[word_end] != ' ' && l[word_end] != '\t') ||
        std::find(std::begin(kInstructions), std::end(kInstructions), name) == std::end(kInstructions)) {
      return config_parse_error{line, "unknown instruction '" + std::string(l.substr(0, std::min<std::size_t>(l.size(), 30))) + "'"};
    }
    std::string args(trim(l.substr(word_end)));
    // Heredocs (RUN <<EOF ... EOF): the body belongs to the instruction.
    if (name == "RUN" || name == "COPY" || name == "ADD") {
      re2::StringPiece input(args);
      std::string dash, marker;
      if (RE2::PartialMatch(input, heredoc_start, &dash, &marker)) {
        bool closed = false;
        for (; j < lines.size(); ++j) {
          std::string_view body = lines[j];
          if ((dash.empty() ? body : trim(body)) == marker) {
            closed = true;
            ++j;
            break;
          }
          args += '\n';
          args.append(body);
        }
        if (!closed) return config_parse_error{line, "unterminated heredoc <<" + marker};
      }
    }
    if (name == "FROM") {
      config_node s;
      s.kind = config_node_kind::map;
      s.key = "stage";
      s.line = line;
      s.children.push_back(from_node(args, line));
      root.children.push_back(std::move(s));
      stage = &root.children.back();
    } else if (!stage) {
      if (name != "ARG") return config_parse_error{line, name + " before the first FROM"};
      root.children.push_back(scalar(name, args, line));
    } else {
      stage->children.push_back(scalar(name, args, line));
    }
    i = j;
  }
  if (!stage) return config_parse_error{1, "no FROM instruction"};
  return std::nullopt;
}

}  // namespace heimdall::analysis
