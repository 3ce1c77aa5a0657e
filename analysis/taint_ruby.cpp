#include "analysis/taint_ruby.h"

#include <cstring>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include "analysis/taint_tree_writer.h"

namespace heimdall::analysis::taint_detail {
namespace {

// Statements and expressions nest at most this deep (each call of a method
// chain is one level); deeper ones are written as `null`, which keeps the
// writer's recursion far from the stack's end on any input.
constexpr int kMaxDepth = 2 * kMaxNesting;
// A receiver written again for its block's elements has at most this many nodes.
constexpr int kMaxElementNodes = 32;

// Children that are no code of their own: comments, and heredoc bodies,
// which tree-sitter places after the statement that opens them (they are
// written with their heredoc_beginning).
bool skipped(TSNode n) {
  std::string_view t = type_of(n);
  return t == "comment" || t == "heredoc_body" || t == "empty_statement";
}

bool is_string_like(std::string_view t) {
  return t == "string" || t == "chained_string" || t == "regex" || t == "delimited_symbol" || t == "bare_string" ||
         t == "bare_symbol" || t == "character" || t == "heredoc_beginning";
}

bool is_variable(std::string_view t) {
  return t == "identifier" || t == "constant" || t == "instance_variable" || t == "class_variable" ||
         t == "global_variable" || t == "self" || t == "super";
}

class ruby_writer : tree_writer {
 public:
  static constexpr std::string_view kNoGrammar = "skipped: no Ruby grammar in this build, not taint-analysed";
  static constexpr std::string_view kUnparsable = "skipped: Ruby code does not parse (tree-sitter), not taint-analysed";

  using tree_writer::tree_writer;

  void program(TSNode root) {
    index(root);
    statements(root, 0, false);
  }

 private:
  // ------------------------------------------------------------ statements

  // The statements among n's named children; the last one is in tail
  // position (its value is the block's) when `tail`.
  void statements(TSNode n, int d, bool tail) {
    std::vector<child> cs = named_children(n);
    while (!cs.empty() && skipped(cs.back().node)) cs.pop_back();
    for (std::size_t i = 0; i < cs.size() && !out_.truncated; ++i) {
      if (!skipped(cs[i].node)) statement(cs[i].node, d + 1, tail && i + 1 == cs.size());
    }
  }

  // `{ statements }` of n (which may be null: an empty body).
  void braced(TSNode n, int ln, int d, bool tail) {
    op("{", ln);
    if (!ts_node_is_null(n)) statements(n, d, tail);
    op("}", ln);
  }

  void statement(TSNode n, int d, bool tail) {
    if (d > kMaxDepth) return;
    std::string_view t = type_of(n);
    const int ln = line(n);
    if (t == "method" || t == "singleton_method") return method(n, d);
    if (TSNode m = modified_method(n); !ts_node_is_null(m)) return method(m, d);
    if (scope(n, d)) return;
    if (t == "class" || t == "module" || t == "singleton_class") {
      word("class", ln);
      TSNode name = field(n, "name");
      if (!ts_node_is_null(name) && type_of(name) == "scope_resolution") name = field(name, "name");
      if (!ts_node_is_null(name)) word(text(name), line(name));
      braced(field(n, "body"), ln, d, false);
      return;
    }
    if (t == "if" || t == "unless") return if_chain(n, t == "unless", d, tail);
    if (t == "if_modifier" || t == "unless_modifier" || t == "while_modifier" || t == "until_modifier") {
      bool loop = t == "while_modifier" || t == "until_modifier";
      word(loop ? "while" : "if", ln);
      condition(field(n, "condition"), t == "unless_modifier" || t == "until_modifier", d);
      op("{", ln);
      TSNode body = field(n, "body");
      if (!ts_node_is_null(body)) statement(body, d + 1, tail);
      op("}", ln);
      return;
    }
    if (t == "while" || t == "until") {
      word("while", ln);
      condition(field(n, "condition"), t == "until", d);
      braced(field(n, "body"), ln, d, false);
      return;
    }
    if (t == "for") {
      word("for", ln);
      op("(", ln);
      lhs(field(n, "pattern"), d);
      word("of", ln);
      TSNode in = field(n, "value");  // the `in` node around the iterated value
      expr(ts_node_is_null(in) ? in : ts_node_named_child(in, 0), d);
      op(")", ln);
      braced(field(n, "body"), ln, d, false);
      return;
    }
    if (t == "case") return case_chain(n, d, tail);
    if (t == "case_match") {
      expression_statement(field(n, "value"), d, false);
      bool first = true;
      for (const child& k : named_children(n)) {
        TSNode c = k.node;
        std::string_view ct = type_of(c);
        if (ct != "in_clause" && ct != "else") continue;
        if (!first) word("else", line(c));
        first = false;
        if (ct == "else") {
          braced(c, line(c), d, tail);
          break;
        }
        word("if", line(c));
        op("(", line(c));
        word("null", line(c));  // a pattern: no constant the engine could fold
        op(")", line(c));
        braced(field(c, "body"), line(c), d, tail);
      }
      return;
    }
    if (t == "begin") return body(n, ln, d, tail);
    if (t == "begin_block" || t == "end_block") return braced(n, ln, d, false);
    if (t == "alias" || t == "undef") return;
    if (t == "return") {
      word("return", ln);
      TSNode args = ts_node_named_child(n, 0);
      if (!ts_node_is_null(args)) list(args, d);
      op(";", ln);
      return;
    }
    if (t == "assignment" || t == "operator_assignment") {
      lhs(field(n, "left"), d);
      TSNode o = field(n, "operator");
      op(ts_node_is_null(o) ? std::string_view("=") : text(o), ln);
      rhs(field(n, "right"), d);
      op(";", ln);
      return;
    }
    if (t == "binary" && text(field(n, "operator")) == "<<" && assignable(field(n, "left"))) {
      lhs(field(n, "left"), d);  // `buffer << x` appends x to buffer
      op("+=", ln);
      expr(field(n, "right"), d);
      op(";", ln);
      return;
    }
    expression_statement(n, d, tail);
  }

  void expression_statement(TSNode n, int d, bool tail) {
    if (ts_node_is_null(n)) return;
    if (tail) word("return", line(n));
    expr(n, d);
    op(";", line(n));
  }

  // `( c )`, or `( !( c ) )` for unless / until.
  void condition(TSNode c, bool negate, int d) {
    int ln = ts_node_is_null(c) ? 0 : line(c);
    op("(", ln);
    if (negate) op("!", ln), op("(", ln);
    expr(c, d);
    if (negate) op(")", ln);
    op(")", ln);
  }

  // if / unless / elsif, with its else or elsif chain.
  void if_chain(TSNode n, bool negate, int d, bool tail) {
    const int ln = line(n);
    word("if", ln);
    condition(field(n, "condition"), negate, d);
    braced(field(n, "consequence"), ln, d, tail);
    TSNode alt = field(n, "alternative");
    if (ts_node_is_null(alt)) return;
    word("else", line(alt));
    if (type_of(alt) == "elsif") return if_chain(alt, false, d + 1, tail);
    braced(alt, line(alt), d, tail);
  }

  // case v when a, b ... : an if chain of `v == a || v == b`; without a value, `a || b`.
  void case_chain(TSNode n, int d, bool tail) {
    TSNode value = field(n, "value");
    bool first = true;
    for (const child& k : named_children(n)) {
      TSNode c = k.node;
      std::string_view ct = type_of(c);
      const int ln = line(c);
      if (ct == "else") {
        if (first) {  // no when: the else runs
          statements(c, d, tail);
          return;
        }
        word("else", ln);
        braced(c, ln, d, tail);
        return;
      }
      if (ct != "when") continue;
      if (!first) word("else", ln);
      first = false;
      word("if", ln);
      op("(", ln);
      bool any = false;
      for (const child& pc : named_children(c)) {
        TSNode p = pc.node;
        if (type_of(p) != "pattern") continue;
        if (any) op("||", ln);
        any = true;
        op("(", ln);
        if (!ts_node_is_null(value)) {
          expr(value, d);
          op("==", ln);
        }
        expr(ts_node_named_child(p, 0), d);
        op(")", ln);
      }
      if (!any) word("null", ln);
      op(")", ln);
      braced(field(c, "body"), ln, d, tail);
    }
    if (first && !ts_node_is_null(value)) expression_statement(value, d, false);
  }

  // A body that may hold rescue / else / ensure clauses (begin, a method's
  // or a do block's body_statement): `try { body; else } catch (e) {
  // rescue } finally { ensure }` when it has them, its statements otherwise.
  void body(TSNode n, int ln, int d, bool tail) {
    std::vector<child> cs = named_children(n);
    bool clauses = false;
    for (const child& c : cs) {
      std::string_view ct = type_of(c.node);
      clauses = clauses || ct == "rescue" || ct == "ensure" || ct == "else";
    }
    if (!clauses) return statements(n, d, tail);
    word("try", ln);
    op("{", ln);
    TSNode else_clause{}, ensure{};
    for (const child& k : cs) {
      TSNode c = k.node;
      std::string_view ct = type_of(c);
      if (ct == "else") else_clause = c;
      else if (ct == "ensure") ensure = c;
      else if (ct != "rescue" && !skipped(c)) statement(c, d + 1, false);
    }
    if (else_clause.id) statements(else_clause, d, false);
    op("}", ln);
    for (const child& k : cs) {
      TSNode c = k.node;
      if (type_of(c) != "rescue") continue;
      word("catch", line(c));
      op("(", line(c));
      TSNode var = field(c, "variable");
      if (!ts_node_is_null(var)) lhs(ts_node_named_child(var, 0), d);
      op(")", line(c));
      braced(field(c, "body"), line(c), d, false);
    }
    if (ensure.id) {
      word("finally", line(ensure));
      braced(ensure, line(ensure), d, false);
    }
  }

  // The method `private def name ... end` (or protected, public,
  // module_function, private_class_method) defines, as a `def` of its own:
  // the modifier changes who may call it, not what it does. Null otherwise.
  TSNode modified_method(TSNode n) {
    if (type_of(n) != "call" || !ts_node_is_null(field(n, "receiver"))) return TSNode{};
    std::string_view m = text(field(n, "method"));
    if (m != "private" && m != "protected" && m != "public" && m != "module_function" &&
        m != "private_class_method" && m != "public_class_method") {
      return TSNode{};
    }
    std::vector<child> args = named_children(field(n, "arguments"));
    if (args.size() != 1) return TSNode{};
    std::string_view at = type_of(args[0].node);
    return at == "method" || at == "singleton_method" ? args[0].node : TSNode{};
  }

  // def name(params) body end: `function name(params) { body }`.
  void method(TSNode n, int d) {
    const int ln = line(n);
    word("function", ln);
    TSNode name = field(n, "name");
    if (!ts_node_is_null(name) && type_of(name) == "setter") name = field(name, "name");
    // Operator methods (`def ==(o)`) get a plain name: an operator's text as a name token would read as the operator.
    bool plain = !ts_node_is_null(name) && (type_of(name) == "identifier" || type_of(name) == "constant");
    word(plain ? text(name) : std::string_view("operator"), ln);
    method_rest(field(n, "parameters"), field(n, "body"), ln, d);
  }

  // A method's `(params) { body }`, the last statement returned; its local
  // variables are its own.
  void method_rest(TSNode params, TSNode b, int ln, int d) {
    std::unordered_set<std::string_view> outer = std::move(locals_);
    locals_.clear();
    parameters(params, ln);
    op("{", ln);
    if (!ts_node_is_null(b)) {
      if (type_of(b) == "body_statement" || type_of(b) == "block_body") body(b, ln, d, true);
      else expression_statement(b, d, true);  // def name = expr
    }
    op("}", ln);
    locals_ = std::move(outer);
  }

  // An ActiveRecord scope, `scope :name, ->(a) { body }` (or `lambda`/`proc`
  // with a block): the class method `function name(a) { body }` it defines,
  // so other files' calls of Model.name get its summary. False (nothing
  // written) for any other node.
  bool scope(TSNode n, int d) {
    if (type_of(n) != "call" || !ts_node_is_null(field(n, "receiver")) || text(field(n, "method")) != "scope") {
      return false;
    }
    std::vector<child> args = named_children(field(n, "arguments"));
    if (args.size() != 2 || type_of(args[0].node) != "simple_symbol") return false;
    TSNode fn = args[1].node, params{}, b{};
    if (type_of(fn) == "lambda") {
      params = field(fn, "parameters");
      b = field(fn, "body");
    } else if (type_of(fn) == "call" && ts_node_is_null(field(fn, "receiver")) &&
               (text(field(fn, "method")) == "lambda" || text(field(fn, "method")) == "proc")) {
      b = field(fn, "block");
      if (!ts_node_is_null(b)) params = field(b, "parameters");
    }
    if (ts_node_is_null(b)) return false;
    const int ln = line(n);
    word("function", ln);
    word(symbol_name(args[0].node), ln);
    method_rest(params, field(b, "body"), ln, d);
    return true;
  }

  // `(a, b, c)`: the names a parameter list binds (`_` for a destructured
  // one), which it returns.
  std::vector<std::string_view> parameters(TSNode n, int ln) {
    std::vector<std::string_view> names;
    op("(", ln);
    bool first = true;
    for (const child& c : named_children(n)) {
      TSNode p = c.node;
      if (skipped(p) || (c.field && std::strcmp(c.field, "locals") == 0)) continue;  // |x; y|: y is block-local
      std::string_view pt = type_of(p);
      if (pt == "forward_parameter" || pt == "hash_splat_nil") continue;
      TSNode name = pt == "identifier" ? p : field(p, "name");
      if (!first) op(",", ln);
      first = false;
      std::string_view bound = ts_node_is_null(name) ? std::string_view("_") : text(name);
      locals_.insert(bound);
      names.push_back(bound);
      word(bound, line(p));
    }
    op(")", ln);
    return names;
  }

  // ------------------------------------------------------------ expressions

  // An assignment's target: a call without arguments is the attribute (`a.b = v`).
  void lhs(TSNode n, int d) {
    if (ts_node_is_null(n)) return;
    std::string_view t = type_of(n);
    if (t == "call") return call(n, d, true);
    if (t == "identifier") {
      locals_.insert(text(n));
      return word(text(n), line(n));
    }
    if (t == "left_assignment_list" || t == "destructured_left_assignment") {
      bool group = t[0] == 'd';
      if (group) op("(", line(n));
      bool first = true;
      for (const child& c : named_children(n)) {
        if (!first) op(",", line(n));
        first = false;
        lhs(c.node, d + 1);
      }
      if (group) op(")", line(n));
      return;
    }
    if (t == "rest_assignment") {
      TSNode inner = ts_node_named_child(n, 0);
      if (!ts_node_is_null(inner)) lhs(inner, d + 1);
      return;
    }
    expr(n, d);
  }

  static bool assignable(TSNode n) {
    if (ts_node_is_null(n)) return false;
    std::string_view t = type_of(n);
    return is_variable(t) || t == "element_reference" || (t == "call" && ts_node_is_null(field(n, "arguments")));
  }

  void rhs(TSNode n, int d) {
    if (!ts_node_is_null(n) && type_of(n) == "right_assignment_list") return list(n, d);
    expr(n, d);
  }

  // n's named children as a comma-separated list.
  void list(TSNode n, int d) {
    bool first = true;
    for (const child& k : named_children(n)) {
      TSNode c = k.node;
      if (skipped(c)) continue;
      if (!first) op(",", line(c));
      first = false;
      expr(c, d + 1);
    }
  }

  void expr(TSNode n, int d) {
    if (ts_node_is_null(n)) return;
    const int ln = line(n);
    if (d > kMaxDepth || ts_node_is_missing(n)) return word("null", ln);
    std::string_view t = type_of(n);
    if (t == "identifier" && methods_.count(text(n)) && !locals_.count(text(n))) {
      word(text(n), ln);  // a bare name that is no local: a call of the file's method
      op("(", ln);
      op(")", ln);
      return;
    }
    if (is_variable(t)) return word(text(n), ln);
    if (t == "nil" || t == "ERROR") return word("null", ln);
    if (t == "true" || t == "false") return word(t, ln);
    if (t == "integer" || t == "float" || t == "rational" || t == "complex") return emit(tok::number, text(n), ln);
    if (is_string_like(t)) return string_token(n, d);
    if (t == "subshell") {  // `...` and %x(...) call Kernel#`
      word("`", ln);
      op("(", ln);
      string_token(n, d);
      op(")", ln);
      return;
    }
    if (t == "simple_symbol" || t == "hash_key_symbol") return symbol(n);
    if (t == "array" || t == "string_array" || t == "symbol_array") {
      op("[", ln);
      list(n, d);
      op("]", ln);
      return;
    }
    if (t == "hash") {
      op("{", ln);
      bool first = true;
      for (const child& c : named_children(n)) {
        if (skipped(c.node)) continue;
        if (!first) op(",", ln);
        first = false;
        hash_item(c.node, d);
      }
      op("}", ln);
      return;
    }
    if (t == "pair") {  // a hash without braces, as in `[a: 1]`
      op("{", ln);
      hash_item(n, d);
      op("}", ln);
      return;
    }
    if (t == "element_reference") {
      expr(field(n, "object"), d + 1);
      op("[", ln);
      arguments_of(n, d);
      op("]", ln);
      return;
    }
    if (t == "call") return call(n, d, false);
    if (t == "scope_resolution") {
      TSNode scope = field(n, "scope");
      if (!ts_node_is_null(scope)) {
        expr(scope, d + 1);
        op(".", ln);
      }
      TSNode name = field(n, "name");
      return word(ts_node_is_null(name) ? std::string_view("null") : text(name), ln);
    }
    if (t == "binary") {
      expr(field(n, "left"), d + 1);
      op(binary_operator(text(field(n, "operator"))), ln);
      expr(field(n, "right"), d + 1);
      return;
    }
    if (t == "unary") {
      std::string_view o = text(field(n, "operator"));
      if (o == "defined?") return word("null", ln);  // a description of the operand, or nil
      op(o == "not" ? std::string_view("!") : o, ln);
      expr(field(n, "operand"), d + 1);
      return;
    }
    if (t == "conditional") {
      return ternary(field(n, "condition"), field(n, "consequence"), field(n, "alternative"), ln, d, false);
    }
    if (t == "if" || t == "unless") return if_value(n, d);
    if (t == "lambda") {
      TSNode b = field(n, "body");
      return function(field(n, "parameters"), ts_node_is_null(b) ? b : field(b, "body"), ln, d);
    }
    if (t == "block" || t == "do_block") return function(field(n, "parameters"), field(n, "body"), ln, d);
    if (t == "assignment" || t == "operator_assignment") {  // as a value: what is assigned
      op("(", ln);
      rhs(field(n, "right"), d + 1);
      op(")", ln);
      return;
    }
    if (t == "rescue_modifier") return two("(", field(n, "body"), "||", field(n, "handler"), ")", ln, d);
    if (t == "range") return two("[", field(n, "begin"), ",", field(n, "end"), "]", ln, d);
    if (t == "yield") {
      word("yield", ln);
      op("(", ln);
      TSNode args = ts_node_named_child(n, 0);
      if (!ts_node_is_null(args)) list(args, d);
      op(")", ln);
      return;
    }
    if (t == "return" || t == "break" || t == "next" || t == "redo" || t == "retry") return word("null", ln);
    if (t == "splat_argument" || t == "hash_splat_argument" || t == "block_argument") {
      TSNode inner = ts_node_named_child(n, 0);
      return ts_node_is_null(inner) ? word("null", ln) : expr(inner, d + 1);
    }
    // Anything else (parentheses, begin, case or a loop as a value, ...):
    // the values of its parts.
    op("(", ln);
    if (ts_node_named_child_count(n) == 0) word("null", ln);
    else list(n, d);
    op(")", ln);
  }

  static std::string_view binary_operator(std::string_view o) {
    if (o == "and") return "&&";
    if (o == "or") return "||";
    if (o == "=~") return "==";  // a match: a position or nil, no text of the operands
    if (o == "!~") return "!=";
    if (o == "<=>") return "<";  // -1, 0 or 1
    if (o == "**") return "*";
    return o;
  }

  // `( c ? a : b )`; `branches`: a and b are statement lists, each giving its last value.
  void ternary(TSNode c, TSNode a, TSNode b, int ln, int d, bool branches) {
    op("(", ln);
    expr(c, d + 1);
    op("?", ln);
    branches ? last_value(a, d + 1) : expr(a, d + 1);
    op(":", ln);
    branches ? last_value(b, d + 1) : expr(b, d + 1);
    op(")", ln);
  }

  // An if, unless or elsif used as a value: the last expression of the branch it takes.
  void if_value(TSNode n, int d) {
    TSNode then = field(n, "consequence"), other = field(n, "alternative");
    if (type_of(n) == "unless") std::swap(then, other);
    ternary(field(n, "condition"), then, other, line(n), d, true);
  }

  // `open a sep b close`: two values in one bracket.
  void two(std::string_view open, TSNode a, std::string_view sep, TSNode b, std::string_view close, int ln, int d) {
    op(open, ln);
    expr(a, d + 1);
    op(sep, ln);
    expr(b, d + 1);
    op(close, ln);
  }

  // The value a statement list ends with (a branch used as a value).
  void last_value(TSNode n, int d) {
    if (ts_node_is_null(n)) return word("null", 0);
    if (type_of(n) == "elsif") return if_value(n, d);
    std::vector<child> cs = named_children(n);
    for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
      if (!skipped(it->node)) return expr(it->node, d + 1);
    }
    word("null", line(n));
  }

  // `function (params) { body }`: a block, a lambda.
  // `elements` (may be null): what the block iterates, which its
  // parameters are bound to first (`xs.each { |x| ... }` reads x from xs).
  void function(TSNode params, TSNode b, int ln, int d, TSNode elements = TSNode{}) {
    word("function", ln);
    std::vector<std::string_view> names = parameters(params, ln);
    op("{", ln);
    if (!ts_node_is_null(elements) && !names.empty()) {
      for (std::size_t k = 0; k < names.size(); ++k) {
        if (k) op(",", ln);
        word(names[k], ln);
      }
      op("=", ln);
      expr(elements, d + 1);
      op(";", ln);
    }
    if (!ts_node_is_null(b)) body(b, ln, d, false);
    op("}", ln);
  }

  // Iterations whose block gets the receiver's elements.
  static bool iterates(std::string_view m) {
    static constexpr std::string_view kIterations[] = {
        "each",    "each_with_index", "each_value", "each_key", "each_pair", "each_line", "each_char",
        "each_slice", "map",          "collect",    "flat_map", "filter_map", "select",   "filter",
        "reject",  "find",            "detect",     "find_all", "sort_by",  "group_by", "partition",
        "min_by",  "max_by",          "sum",        "any?",     "all?",     "none?",    "find_index"};
    for (std::string_view k : kIterations) {
      if (m == k) return true;
    }
    return false;
  }

  // A receiver cheap to write a second time (for a block's elements): at
  // most a few nodes, none a block, so re-writing stays linear.
  static bool small_plain(TSNode n, int& budget) {
    if (--budget < 0) return false;
    std::string_view t = type_of(n);
    if (t == "block" || t == "do_block" || t == "lambda" || t == "heredoc_beginning") return false;
    for (std::uint32_t i = 0, c = ts_node_child_count(n); i < c; ++i) {
      if (!small_plain(ts_node_child(n, i), budget)) return false;
    }
    return true;
  }

  // recv.name(args): always with parentheses, but as an assignment's
  // target without arguments (`a.b = v` sets the attribute b).
  void call(TSNode n, int d, bool target) {
    const int ln = line(n);
    TSNode receiver = field(n, "receiver"), method = field(n, "method"), args = field(n, "arguments"),
           block = field(n, "block");
    if (!ts_node_is_null(receiver)) {
      expr(receiver, d + 1);
      op(".", ln);
    }
    bool named = !ts_node_is_null(method) && is_variable(type_of(method));
    word(named ? text(method) : std::string_view("call"), ln);  // recv.(x) is recv.call(x)
    if (target && ts_node_is_null(args) && ts_node_is_null(block)) return;
    op("(", ln);
    bool any = false;
    if (!ts_node_is_null(args)) any = arguments_of(args, d);
    if (!ts_node_is_null(block)) {
      if (any) op(",", ln);
      int budget = kMaxElementNodes;
      if (named && !ts_node_is_null(receiver) && iterates(text(method)) && small_plain(receiver, budget)) {
        function(field(block, "parameters"), field(block, "body"), line(block), d + 1, receiver);
      } else {
        expr(block, d + 1);
      }
    }
    op(")", ln);
  }

  // The arguments among n's named children (an argument_list, or an
  // element_reference's index); a pair with a symbol key is the keyword
  // argument `key = value`. Whether there was any.
  bool arguments_of(TSNode n, int d) {
    bool any = false;
    for (const child& c : named_children(n)) {
      TSNode a = c.node;
      const char* f = c.field;
      if (skipped(a) || (f && (std::strcmp(f, "object") == 0 || std::strcmp(f, "block") == 0))) continue;
      if (any) op(",", line(a));
      any = true;
      if (type_of(a) == "pair") {
        TSNode key = field(a, "key");
        std::string_view kt = ts_node_is_null(key) ? std::string_view() : type_of(key);
        if (kt == "hash_key_symbol" || kt == "simple_symbol") {
          word(symbol_name(key), line(a));
          op("=", line(a));
          expr(field(a, "value"), d + 1);
          continue;
        }
      }
      expr(a, d + 1);
    }
    return any;
  }

  // `k: v`, `:k => v`, `"k" => v`: `'k': v`; a `**h` splat: h.
  void hash_item(TSNode n, int d) {
    if (type_of(n) != "pair") return expr(n, d + 1);
    expr(field(n, "key"), d + 1);
    op(":", line(n));
    expr(field(n, "value"), d + 1);
  }

  // A symbol's name: `:id` and `id:` are both `id`.
  std::string_view symbol_name(TSNode n) const {
    std::string_view s = text(n);
    if (!s.empty() && s.front() == ':') s.remove_prefix(1);
    if (!s.empty() && s.back() == ':') s.remove_suffix(1);
    return s;
  }

  void symbol(TSNode n) { emit(tok::string, made("'" + std::string(symbol_name(n)) + "'"), line(n)); }

  // A string, heredoc, regex or interpolated symbol: one string token,
  // written `"..."` with its literal parts as in the source (so a constant
  // reads as one, and a URL's literal head is seen), `#{...}` where it
  // embeds an expression; those expressions are its lexed_file::parts.
  void string_token(TSNode n, int d) {
    TSNode holder = n;
    if (type_of(n) == "heredoc_beginning") {
      auto it = heredoc_bodies_.find(ts_node_start_byte(n));
      if (it == heredoc_bodies_.end()) return emit(tok::string, made("\"\""), line(n));
      holder = it->second;
    }
    std::string body = "\"";
    std::vector<TSNode> embedded;
    collect_string(holder, body, embedded);
    body += '"';
    emit(tok::string, made(std::move(body)), line(n));
    embed(embedded.size(), [&](std::size_t k) { list(embedded[k], d); });
  }

  // The literal text of a string node's children into `body`, and its
  // interpolations into `embedded` (a chained string's parts too).
  void collect_string(TSNode n, std::string& body, std::vector<TSNode>& embedded) {
    for (const child& k : named_children(n)) {
      TSNode c = k.node;
      std::string_view ct = type_of(c);
      if (ct == "interpolation") {
        embedded.push_back(c);
        body += "#{}";
      } else if (ct == "string" || ct == "bare_string") {
        collect_string(c, body, embedded);
      } else if (ct != "heredoc_end") {
        body += text(c);
      }
    }
  }

  // The file's method names, and its heredocs' bodies: those follow their
  // statement in the tree, in the order their beginnings appear, so the k-th
  // beginning in the file reads the k-th body.
  void index(TSNode root) {
    std::vector<TSNode> beginnings, bodies;
    TSTreeCursor& cursor = cursor_;
    ts_tree_cursor_reset(&cursor, root);
    for (bool more = true; more;) {
      TSNode c = ts_tree_cursor_current_node(&cursor);
      std::string_view ct = type_of(c);
      if (ct == "heredoc_beginning") beginnings.push_back(c);
      else if (ct == "heredoc_body") bodies.push_back(c);
      else if (ct == "method" || ct == "singleton_method") {
        TSNode name = field(c, "name");
        if (!ts_node_is_null(name) && type_of(name) == "identifier") methods_.insert(text(name));
      }
      if (ts_tree_cursor_goto_first_child(&cursor)) continue;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          more = false;
          break;
        }
      }
    }
    for (std::size_t k = 0; k < beginnings.size() && k < bodies.size(); ++k) {
      heredoc_bodies_.emplace(ts_node_start_byte(beginnings[k]), bodies[k]);
    }
  }

  std::unordered_map<std::uint32_t, TSNode> heredoc_bodies_;  // by the beginning's start byte
  std::unordered_set<std::string_view> methods_;  // the names the file's `def`s define
  // The current method's local variables so far (its parameters, what it
  // assigned): Ruby reads a bare name as one of them, else as a method call.
  std::unordered_set<std::string_view> locals_;
};

}  // namespace

lexed_file lex_ruby(std::string_view content) { return lex_tree<ruby_writer>(language::ruby, content); }

std::vector<stmt> parse_ruby(const std::vector<token>& toks, std::uint32_t b, std::uint32_t e) {
  return parse_php(toks, b, e);
}

}  // namespace heimdall::analysis::taint_detail
