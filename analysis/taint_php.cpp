#include "analysis/taint_php.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) return false;
  }
  return true;
}

bool numeric_cast_type(std::string_view type) {
  static constexpr std::array<std::string_view, 7> kCasts = {"int",  "integer", "float", "double",
                                                             "bool", "boolean", "real"};
  for (std::string_view c : kCasts) {
    if (iequals(type, c)) return true;
  }
  return false;
}

// The statements and expressions the engine reads as calls (`echo $a, $b;`
// is `echo($a, $b);`): the callee, by node type; empty for the others.
std::string_view statement_callee(std::string_view type) {
  if (type == "echo_statement") return "echo";
  if (type == "print_intrinsic") return "print";
  if (type == "include_expression") return "include";
  if (type == "include_once_expression") return "include_once";
  if (type == "require_expression") return "require";
  if (type == "require_once_expression") return "require_once";
  return {};
}

// Nodes that are no code: HTML, comments, attributes (`#[Route(...)]`).
bool silent(std::string_view type) { return type == "text" || type == "comment" || type == "attribute_list"; }

// The literal pieces of a string or heredoc, which its token's text holds.
bool literal_piece(std::string_view type) {
  return type == "string_content" || type == "escape_sequence" || type == "heredoc_start" || type == "heredoc_end";
}

bool is_word_start(char c) { return is_name_start(c) || static_cast<unsigned char>(c) >= 0x80; }

class php_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar = "skipped: no PHP grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable = "skipped: PHP code does not parse (tree-sitter), not taint-analysed";

  using tree_writer::tree_writer;

  void program(TSNode root) { write(root); }

 private:
  // What is left to write: a node, or a token that closes what an earlier
  // node opened (a statement call's `)`).
  struct item {
    TSNode node;
    std::string_view closing;
    int line;
  };

  // n's tokens in source order, with a stack rather than recursion: a
  // long concatenation is a tree as deep as it is long.
  void write(TSNode n) {
    std::vector<item> stack{{n, {}, 0}};
    while (!stack.empty() && !out_.truncated) {
      item it = stack.back();
      stack.pop_back();
      if (!it.closing.empty()) op(it.closing, it.line);
      else node(it.node, stack);
    }
  }

  // Children [b, e) of n, to be written next (pushed last first).
  static void push(std::vector<item>& stack, const std::vector<child>& cs, std::size_t b, std::size_t e) {
    for (std::size_t k = e; k-- > b;) stack.push_back({cs[k].node, {}, 0});
  }

  void node(TSNode n, std::vector<item>& stack) {
    std::string_view t = type_of(n);
    const int ln = line(n);
    if (ts_node_is_missing(n)) {  // a token the parser assumed (`;`, `)`): the grouping needs it too
      if (!ts_node_is_named(n)) token_of(n, t, ln);
      return;
    }
    if (silent(t)) return;
    if (t == "php_tag") {
      short_echo_ = text(n).starts_with("<?=");
      return;
    }
    const bool short_echo = std::exchange(short_echo_, false);
    if (t == "?>") return op(";", ln);
    if (short_echo && t == "expression_statement") return call("echo", n, false, stack);
    if (std::string_view callee = statement_callee(t); !callee.empty()) return call(callee, n, true, stack);
    if (t == "variable_name") return word(text(n), ln);
    if (t == "string" || t == "nowdoc") return emit(tok::string, text(n), ln);
    if (t == "encapsed_string" || t == "heredoc") return string_token(n);
    if (t == "shell_command_expression") {  // `cmd` runs the command: shell_exec("cmd")
      word("shell_exec", ln);
      op("(", ln);
      string_token(n);
      op(")", ln);
      return;
    }
    if (t == "integer" || t == "float") return emit(tok::number, text(n), ln);
    std::vector<child> cs = all_children(n);
    if (t == "cast_expression" && cs.size() == 4 && numeric_cast_type(text(cs[1].node))) {
      std::uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(cs[2].node);
      op(src_.substr(b, e - b), ln);
      return push(stack, cs, 3, 4);
    }
    if (t == "dynamic_variable_name" && braced_name(cs, stack)) return;
    if (cs.empty()) return token_of(n, t, ln);
    push(stack, cs, 0, cs.size());
  }

  // A token of the tree: member access and concatenation in the engine's
  // terms, keywords in lower case (their type, where the source spells
  // them otherwise), the rest as written.
  void token_of(TSNode n, std::string_view t, int ln) {
    const bool named = ts_node_is_named(n);
    std::string_view s = ts_node_is_missing(n) ? t : text(n);
    if (!named && s != t) s = t;
    if (s.empty()) return;
    if (!named && (t == "->" || t == "?->" || t == "::")) return op(".", ln);
    if (!named && t == ".") return op("+", ln);
    if (!named && t == ".=") return op("+=", ln);
    if (is_digit(s[0])) return emit(tok::number, s, ln);
    if (is_word_start(s[0])) return word(s, ln);
    op(s, ln);
  }

  // echo / print / include / require, or the statement after `<?=`:
  // `callee(` its operands `)`, then its `;`. `keyword`: its first child is
  // the keyword the callee replaces.
  void call(std::string_view callee, TSNode n, bool keyword, std::vector<item>& stack) {
    const int ln = line(n);
    std::vector<child> cs = all_children(n);
    // The keyword's own text where it is spelled so: its token then lies in the content.
    word(keyword && !cs.empty() && text(cs[0].node) == callee ? text(cs[0].node) : callee, ln);
    op("(", ln);
    std::size_t b = keyword && !cs.empty() ? 1 : 0, e = cs.size();
    if (e > b && type_of(cs[e - 1].node) == ";") stack.push_back({cs[--e].node, {}, 0});
    int end_line = static_cast<int>(ts_node_end_point(n).row) + 1;
    stack.push_back({TSNode{}, ")", end_line});
    push(stack, cs, b, e);
  }

  // `${name}` and `${name[k]}` (in a string: the variable $name): the name
  // token `$name`, then the subscript. False for other dynamic names.
  bool braced_name(const std::vector<child>& cs, std::vector<item>& stack) {
    if (cs.size() != 4 || type_of(cs[1].node) != "{") return false;
    TSNode inner = cs[2].node;
    if (type_of(inner) == "name") {
      word(made("$" + std::string(text(inner))), line(inner));
      return true;
    }
    if (type_of(inner) != "subscript_expression") return false;
    std::vector<child> sub = all_children(inner);
    if (sub.empty() || type_of(sub[0].node) != "name") return false;
    word(made("$" + std::string(text(sub[0].node))), line(inner));
    push(stack, sub, 1, sub.size());
    return true;
  }

  // A double-quoted string, heredoc or backquoted command: one string token
  // (its source text), whose embedded expressions are its parts.
  void string_token(TSNode n) {
    std::vector<TSNode> parts;
    for (const child& c : named_children(n)) {
      std::string_view ct = type_of(c.node);
      if (ct == "heredoc_body") {
        for (const child& p : named_children(c.node)) {
          if (!literal_piece(type_of(p.node))) parts.push_back(p.node);
        }
      } else if (!literal_piece(ct)) {
        parts.push_back(c.node);
      }
    }
    emit(tok::string, text(n), line(n));
    embed(parts.size(), [&](std::size_t k) { write(parts[k]); });
  }

  bool short_echo_ = false;  // the last node was `<?=`: the statement after it is echoed
};

}  // namespace

lexed_file lex_php(std::string_view content) { return lex_tree<php_writer>(language::php, content); }

bool is_php_numeric_cast(const token& t) {
  return t.kind == tok::op && t.text.size() > 2 && t.text.front() == '(' && t.text.back() == ')';
}

}  // namespace heimdall::analysis::taint_detail
