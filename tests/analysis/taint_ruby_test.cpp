// Taint analysis (analysis/taint.h) of Ruby and Rails, whose front end is
// tree-sitter-ruby written out as the engine's tokens (analysis/taint_ruby.h):
// sources to sinks through calls without parentheses, interpolation,
// blocks, branches and helper methods; sanitizers, parameterised queries and
// reassignment stopping the flow; an unparsable file left out with a note.
// Every snippet here is written for this test.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "analysis/taint.h"
#include "analysis/taint_erb.h"
#include "analysis/taint_ruby.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;

namespace {

// The findings and summary of one file `name` holding `code`.
struct scanned {
  std::vector<finding> found;
  taint_summary summary;
};

// The same for every file of `t`, with the entry points of the tree's
// threat model when `with_model`.
scanned scan_tree(const scratch_tree& t, bool with_model = false) {
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  threat_model model;
  if (with_model) {
    auto built = build_threat_model(t.root(), *inv);
    REQUIRE(built);
    model = std::move(*built);
  }
  scanned out;
  auto summary = run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), model,
                                    [&](finding f) { out.found.push_back(std::move(f)); });
  REQUIRE(summary);
  out.summary = std::move(*summary);
  return out;
}

scanned scan(const std::string& name, const std::string& code) {
  scratch_tree t;
  t.write(name, code);
  return scan_tree(t);
}

std::vector<finding> findings(const std::string& code) {
  scanned s = scan("app/controllers/items_controller.rb", code);
  CHECK(s.summary.files_analyzed == 1);
  CHECK(s.summary.notes.empty());
  return std::move(s.found);
}

const finding* at(const std::vector<finding>& found, const std::string& rule, int line) {
  for (const finding& f : found) {
    if (f.rule_id == rule && f.line_start == line) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("ruby: rails request data reaches sql shell eval file xss redirect and deserialisation sinks",
          "[taint][ruby]") {
  auto found = findings(
      "class ItemsController < ApplicationController\n"
      "  def show\n"
      "    name = params[:name]\n"
      "    Item.where(\"name = '#{name}'\").first\n"
      "    system \"grep #{name} /srv/log\"\n"
      "    out = `ls #{params[:dir]}`\n"
      "    eval(request.query_parameters['code'])\n"
      "    File.read(params[:file])\n"
      "    render inline: params[:tpl], layout: false\n"
      "    Marshal.load(cookies[:blob])\n"
      "    redirect_to params[:next]\n"
      "    params[:klass].constantize\n"
      "    Item.connection.execute(\"DELETE FROM items WHERE id = \" + name)\n"
      "  end\n"
      "end\n");
  const finding* sql = at(found, "ruby.taint.sqli", 4);
  REQUIRE(sql);
  CHECK(sql->cwe_id == 89);
  REQUIRE(sql->path.size() >= 2);
  CHECK(sql->path.front().line == 3);
  CHECK(sql->path.back().line == 4);
  CHECK(at(found, "ruby.taint.cmdi", 5));   // a call without parentheses, interpolated
  CHECK(at(found, "ruby.taint.cmdi", 6));   // backquotes
  CHECK(at(found, "ruby.taint.codei", 7));
  CHECK(at(found, "ruby.taint.path", 8));
  CHECK(at(found, "ruby.taint.xss", 9));    // render inline: as a keyword argument
  CHECK(at(found, "ruby.taint.deser", 10));
  CHECK(at(found, "ruby.taint.redirect", 11));
  const finding* constantize = at(found, "ruby.taint.codei", 12);  // the receiver of constantize
  REQUIRE(constantize);
  CHECK(constantize->description.rfind("params['klass'] (line 12)", 0) == 0);
  CHECK(at(found, "ruby.taint.sqli", 13));
}

TEST_CASE("ruby: flows through blocks branches case heredocs and helper methods", "[taint][ruby]") {
  auto found = findings(
      "class ItemsController < ApplicationController\n"
      "  def index\n"
      "    q = params[:q]\n"
      "    respond_to do |format|\n"
      "      format.html { system(\"find . -name #{q}\") }\n"
      "    end\n"
      "    cmd = if q.empty? then 'true' else \"echo #{q}\" end\n"
      "    exec cmd\n"
      "    case params[:mode]\n"
      "    when 'a' then Item.order(params[:sort])\n"
      "    else IO.popen(q)\n"
      "    end\n"
      "    sql = <<~SQL\n"
      "      SELECT * FROM items WHERE q = '#{q}'\n"
      "    SQL\n"
      "    Item.find_by_sql(sql)\n"
      "    lookup(q)\n"
      "    buf = +''\n"
      "    buf << q\n"
      "    Open3.capture2(buf)\n"
      "  end\n"
      "\n"
      "  private\n"
      "\n"
      "  def lookup(term)\n"
      "    Item.where(\"title LIKE '%#{term}%'\")\n"
      "  end\n"
      "end\n");
  CHECK(at(found, "ruby.taint.cmdi", 5));    // a block inside a do block
  CHECK(at(found, "ruby.taint.cmdi", 8));    // an if used as a value
  CHECK(at(found, "ruby.taint.sqli", 10));   // a when branch
  CHECK(at(found, "ruby.taint.cmdi", 11));   // the else branch
  CHECK(at(found, "ruby.taint.sqli", 16));   // a heredoc's interpolation
  CHECK(at(found, "ruby.taint.sqli", 26));   // the helper's sink, from the call on line 17
  CHECK(at(found, "ruby.taint.cmdi", 20));   // `buf << q` appends to buf
}

TEST_CASE("ruby: Kernel#open runs a command only for a name that can start with a pipe", "[taint][ruby]") {
  auto found = findings("class FilesController < ApplicationController\n"
                        "  def show\n"
                        "    open(params[:name])\n"
                        "    Kernel.open(\"/srv/#{params[:name]}\")\n"
                        "  end\n"
                        "end\n");
  CHECK(at(found, "ruby.taint.cmdi", 3));
  CHECK(at(found, "ruby.taint.path", 3));
  CHECK_FALSE(at(found, "ruby.taint.cmdi", 4));  // starts with '/'
  CHECK(at(found, "ruby.taint.path", 4));
}

TEST_CASE("ruby: an iteration's block reads its elements from the receiver", "[taint][ruby]") {
  auto found = findings("class ItemsController < ApplicationController\n"
                        "  def destroy_many\n"
                        "    params[:ids].each { |id| Item.where(\"id = #{id}\").delete_all }\n"
                        "    params[:names].each_with_index do |name, i|\n"
                        "      system(\"touch #{name}\")\n"
                        "    end\n"
                        "    [1, 2].each { |n| system(\"sleep #{n}\") }\n"
                        "    yield_twice { |v| system(v) }\n"
                        "  end\n"
                        "end\n");
  CHECK(at(found, "ruby.taint.sqli", 3));
  CHECK(at(found, "ruby.taint.cmdi", 5));
  CHECK_FALSE(at(found, "ruby.taint.cmdi", 7));  // constant elements
  CHECK_FALSE(at(found, "ruby.taint.cmdi", 8));  // no receiver: nothing known of v
}

TEST_CASE("ruby: a bare name is a call of the file's method unless a local variable holds it", "[taint][ruby]") {
  auto found = findings("class ItemsController < ApplicationController\n"
                        "  def index\n"
                        "    Item.order(sort_column)\n"
                        "    sort_column = 'name'\n"
                        "    Item.order(sort_column)\n"
                        "  end\n"
                        "\n"
                        "  def sort_column\n"
                        "    params[:sort]\n"
                        "  end\n"
                        "end\n");
  CHECK(at(found, "ruby.taint.sqli", 3));        // sort_column() returns the parameter
  CHECK_FALSE(at(found, "ruby.taint.sqli", 5));  // the local variable assigned on line 4
}

TEST_CASE("ruby: sanitized parameterised hash-conditioned reassigned and fixed-host values give nothing",
          "[taint][ruby]") {
  CHECK(findings("class ItemsController < ApplicationController\n"
                 "  def show\n"
                 "    Item.where(id: params[:id])\n"
                 "    Item.where('name = ?', params[:name])\n"
                 "    Item.where(['name = ?', params[:name]])\n"
                 "    Item.where(params.permit(:name, :kind))\n"
                 "    Item.where(\"id = #{params[:id].to_i}\")\n"
                 "    Item.order(Item.sanitize_sql_for_order(params[:sort]))\n"
                 "    system(\"ls #{Shellwords.escape(params[:dir])}\")\n"
                 "    system('ls', params[:dir])\n"
                 "    File.read(File.join('/srv', File.basename(params[:f])))\n"
                 "    render html: ERB::Util.html_escape(params[:x]).html_safe\n"
                 "    redirect_to \"/items/#{params[:id]}\"\n"
                 "    redirect_to item_path(params[:id])\n"
                 "    Net::HTTP.get(URI(\"https://api.example.com/items/#{params[:id]}\"))\n"
                 "    YAML.safe_load(params[:doc])\n"
                 "    c = params[:cmd]\n"
                 "    c = 'uptime'\n"
                 "    system(c)\n"
                 "    # system(params[:x])\n"
                 "    puts \"system(#{'x'})\"\n"
                 "    render plain: params[:x]\n"
                 "    Oj.load(params[:j], mode: :strict)\n"
                 "    col = Item.column_names.include?(params[:sort]) ? params[:sort] : 'name'\n"
                 "    Item.order(col)\n"
                 "    File.open(params[:upload].path)\n"
                 "    system('ls') if valid_name?(params[:d])\n"
                 "    exec(params[:flag].present?.to_s)\n"
                 "    redirect_to request.referer || root_path\n"
                 "    @item = Item.find(params[:id])\n"
                 "    redirect_to @item\n"
                 "    @post = current_user.posts.find_by!(slug: params[:slug])\n"
                 "    redirect_to @post, notice: 'ok'\n"
                 "    @new = Item.new(params.require(:item).permit(:name))\n"
                 "    redirect_to @new\n"
                 "    Item.where(item_params)\n"
                 "  end\n"
                 "\n"
                 "  private\n"
                 "\n"
                 "  def item_params\n"
                 "    params.require(:item).permit(:name, :kind)\n"
                 "  end\n"
                 "end\n")
            .empty());
}

TEST_CASE("ruby: the environment argv and standard input are local sources", "[taint][ruby]") {
  auto found = findings("dir = ARGV[0]\n"
                        "system(\"tar czf out.tgz #{dir}\")\n"
                        "host = ENV['TARGET']\n"
                        "Net::HTTP.get(URI(host))\n"
                        "line = gets\n"
                        "eval line\n");
  const finding* cmd = at(found, "ruby.taint.cmdi", 2);
  REQUIRE(cmd);
  CHECK(cmd->severity == severity::high);  // local input: one level below a request's critical
  CHECK_FALSE(at(found, "ruby.taint.ssrf", 4));  // an address the caller names is configuration (local_input)
  CHECK(at(found, "ruby.taint.codei", 6));
}

TEST_CASE("ruby: a file that does not parse is left out with a note", "[taint][ruby]") {
  scanned s = scan("lib/broken.rb", ")))) ]]]] end end end }}}} ((((\nsystem(params[:x])\n");
  CHECK(s.found.empty());
  CHECK(s.summary.files_analyzed == 0);
  REQUIRE(s.summary.notes.size() == 1);
  CHECK(s.summary.notes[0].path == "lib/broken.rb");
  CHECK(s.summary.notes[0].reason.find("does not parse") != std::string::npos);
}

TEST_CASE("ruby: the token stream ends statements from the tree and keeps interpolations as parts",
          "[taint][ruby]") {
  using namespace heimdall::analysis::taint_detail;
  // Two statements on one line, one statement over three.
  lexed_file f = lex_ruby("a = 1; b = x(\n  2,\n  3)\nputs \"v=#{a + b}\"\n");
  REQUIRE(f.left_out.empty());
  std::string text;
  for (const token& t : f.tokens) {
    CHECK_FALSE(t.nl_before);
    text += std::string(t.text) + " ";
  }
  CHECK(text == "a = 1 ; b = x ( 2 , 3 ) ; puts ( \"v=#{}\" ) ; ");
  const token& s = f.tokens[f.tokens.size() - 3];
  REQUIRE(s.kind == tok::string);
  REQUIRE(s.part_end == s.part_begin + 1);
  std::string part;
  for (const token& t : f.parts[s.part_begin]) part += std::string(t.text) + " ";
  CHECK(part == "a + b ");
  CHECK(f.tokens.back().line == 4);
}

TEST_CASE("ruby: a file without source words is not parsed and a spec refuses source_text next to literal sinks",
          "[taint][ruby]") {
  // Nothing here is written with a source's words: analysed as clean without a parse (the
  // junk would not parse: with a source word, the file would be left out with a note).
  const std::string junk = ")))) ]]]] end end end }}}} ((((\n)))) ]]]] end end end }}}} ((((\n";
  scanned s = scan("lib/report.rb", "def run(cmd)\n  system(cmd)\nend\n" + junk);
  CHECK(s.found.empty());
  CHECK(s.summary.files_analyzed == 1);
  CHECK(s.summary.notes.empty());
  CHECK(scan("lib/report.rb", "params\n" + junk).summary.notes.size() == 1);
  scratch_tree t;
  std::filesystem::path p = t.base() / "spec.json";
  std::ofstream(p) << R"({"classes": [{"name": "k", "cwe": 798, "severity": "high", "title": "t", "remediation": "r"}],
    "languages": ["ruby"], "source_text": "params",
    "sinks": [{"id": "key", "class": "k", "callee": "^sign$", "literal": "."}]})";
  auto spec = load_taint_spec(p);
  REQUIRE_FALSE(spec);
  CHECK(spec.error().message().find("source_text") != std::string::npos);
}

TEST_CASE("ruby: random bytes and deep nesting never crash or hang", "[taint][ruby]") {
  scratch_tree t;
  std::mt19937 gen(11);
  const std::string alphabet = "abcdefrx_ ()[]{}'\"`$#@:\\\n\t;,.=+%*/<>!?|&0123456789 do end def if";
  for (int n = 0; n < 30; ++n) {
    std::string text;
    std::size_t len = 1 + gen() % 3000;
    for (std::size_t i = 0; i < len; ++i) {
      text += n % 2 ? static_cast<char>(gen() % 256) : alphabet[gen() % alphabet.size()];
    }
    t.write("fuzz/f" + std::to_string(n) + ".rb", "q = params[:a]\n" + text);
  }
  std::string deep = "q = params[:a]\n";
  for (int i = 0; i < 3000; ++i) deep += "def f(a) if a then x = [{k: \"#{";
  t.write("fuzz/deep.rb", deep);
  std::string chain = "q = params[:a]\nx = q";
  for (int i = 0; i < 5000; ++i) chain += ".a()";
  t.write("fuzz/chain.rb", chain + "\n");
  std::string blocks = "q = params[:a]\nx = q";
  for (int i = 0; i < 3000; ++i) blocks += ".map { |v| v }";
  t.write("fuzz/blocks.rb", blocks + "\n");
  t.write("fuzz/nested.rb", "q = params[:a]\nx = " + std::string(5000, '[') + "q" + std::string(5000, ']') + "\n");
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  auto r = run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), threat_model{}, [](finding) {});
  REQUIRE(r);
  CHECK(r->files_analyzed + r->notes.size() >= inv->files.size());
}

TEST_CASE("ruby: render of a request-chosen template is a path sink and no html one", "[taint][ruby]") {
  auto found = findings("class PagesController < ApplicationController\n"
                        "  def show\n"
                        "    render params[:page], status: 404\n"
                        "    render text: params[:body]\n"
                        "  end\n"
                        "end\n");
  CHECK(at(found, "ruby.taint.path", 3));
  CHECK_FALSE(at(found, "ruby.taint.xss", 3));  // `"args": []`: render-inline checks its keywords only
  CHECK(at(found, "ruby.taint.xss", 4));
  CHECK_FALSE(at(found, "ruby.taint.path", 4));
}

TEST_CASE("ruby: a ternary keeps its check only where the check passed", "[taint][ruby]") {
  auto found = findings("class ItemsController < ApplicationController\n"
                        "  def index\n"
                        "    a = %w[name price].include?(params[:s]) ? 'name' : params[:s]\n"
                        "    Item.order(a)\n"
                        "    b = params[:s] != 'name' ? params[:s] : 'name'\n"
                        "    Item.order(b)\n"
                        "    File.open(params[:upload].original_filename)\n"
                        "  end\n"
                        "end\n");
  CHECK(at(found, "ruby.taint.sqli", 4));  // the else branch: the check failed
  CHECK(at(found, "ruby.taint.sqli", 6));  // an inequality is no check of what passes
  CHECK(at(found, "ruby.taint.path", 7));  // the client names the upload
}

TEST_CASE("ruby: a rails action proves no sink safe since its callbacks and parent set what it reads",
          "[taint][ruby]") {
  scratch_tree t;
  t.write("app/controllers/pages_controller.rb",
          "class PagesController < ApplicationController\n"  // 1
          "  before_action :load_page\n"                     // 2
          "  def show\n"                                     // 3
          "    render inline: @page.body\n"                  // 4
          "    system(search_term) if 1 == 2\n"              // 5
          "  end\n"                                          // 6
          "\n"                                               // 7
          "  private\n"                                      // 8
          "\n"                                               // 9
          "  def load_page\n"                                // 10
          "    @page = Page.new(body: params[:body])\n"      // 11
          "  end\n"                                          // 12
          "end\n");                                          // 13
  // show is the model's one entry point (threat_model_test), but @page comes
  // from load_page, which the analysis of show does not see: its clean sinks
  // prove nothing. The branch that never runs is still cleared.
  scanned s = scan_tree(t, true);
  for (const taint_clearance& c : s.summary.cleared) {
    INFO(c.line_start << "-" << c.line_end << " CWE-" << c.cwe);
    CHECK(c.line_start == 5);
  }
  CHECK(!s.summary.cleared.empty());
}

TEST_CASE("ruby: an erb template is its code at the template's lines and columns", "[taint][ruby][erb]") {
  CHECK(taint_detail::erb_code("<p><%= a %></p>\n<% if b -%>\n<%== c %><%# d %><%% e\n") ==
        "       a ;     \n   if b ;  \nraw( c );             \n");
  // A raw tag that opens a block is no call: `raw(` would never close.
  CHECK(taint_detail::erb_code("<%== form do |f| %>") == "     form do |f| ; ");
  // An unterminated tag runs to the end.
  CHECK(taint_detail::erb_code("x <%= y") == "      y");
}

TEST_CASE("ruby: request data in an erb template reaches unescaped output only", "[taint][ruby][erb]") {
  scanned s = scan("app/views/users/show.html.erb",
                   "<h1><%= params[:name] %></h1>\n"                     // 1
                   "<p><%== params[:bio] %></p>\n"                       // 2
                   "<p><%= raw params[:a] %></p>\n"                      // 3
                   "<p><%= params[:b].html_safe %></p>\n"                // 4
                   "<p><%= sanitize(params[:c]).html_safe %></p>\n"      // 5
                   "<% @items.each do |item| %>\n"                       // 6
                   "  <li><%= raw item.name %></li>\n"                   // 7
                   "<% end %>\n"                                         // 8
                   "<%# <%== params[:commented] %>\n"                    // 9
                   "<%- q = request.query_string -%>\n"                  // 10
                   "<div><%== q %></div>\n"                              // 11
                   "<%== params[:n].to_i %> <%= params[:q] %>\n");       // 12
  CHECK(s.summary.files_analyzed == 1);
  CHECK(s.summary.notes.empty());
  std::vector<int> lines;
  for (const finding& f : s.found) {
    CHECK(f.rule_id == "ruby.taint.xss");
    lines.push_back(f.line_start);
  }
  CHECK(lines == std::vector<int>{2, 3, 4, 11});
  const finding* raw = at(s.found, "ruby.taint.xss", 2);
  REQUIRE(raw);
  CHECK(raw->code_snippet == "<p><%== params[:bio] %></p>");
}

TEST_CASE("ruby: a view reads the instance variables its action set from request data", "[taint][ruby][erb]") {
  scratch_tree t;
  t.write("app/controllers/admin/users_controller.rb",
          "class Admin::UsersController < ApplicationController\n"   // 1
          "  def show\n"                                              // 2
          "    @name = params[:name]\n"                               // 3
          "    @id = params[:id].to_i\n"                              // 4
          "    @title = 'Users'\n"                                    // 5
          "  end\n"                                                   // 6
          "  def index\n"                                             // 7
          "    @name = 'all'\n"                                       // 8
          "  end\n"                                                   // 9
          "end\n");
  const std::string view = "<h1><%== @title %></h1>\n"   // 1
                           "<p><%== @name %></p>\n"      // 2
                           "<p><%= raw @name %></p>\n"   // 3
                           "<p><%= @name %></p>\n"       // 4: escaped
                           "<p><%== @id %></p>\n";       // 5: a number
  t.write("app/views/admin/users/show.html.erb", view);
  t.write("app/views/admin/users/index.html.erb", view);  // its action sets nothing from input
  t.write("app/views/admin/users/_row.html.erb", view);   // a partial: many actions render it
  t.write("app/views/layouts/application.html.erb", view);
  scanned s = scan_tree(t);
  std::vector<std::pair<std::string, int>> at_lines;
  for (const finding& f : s.found) {
    if (f.rule_id == "ruby.taint.xss") at_lines.emplace_back(f.file_path, f.line_start);
  }
  using place = std::pair<std::string, int>;
  CHECK(at_lines == std::vector<place>{{"app/views/admin/users/show.html.erb", 2},
                                       {"app/views/admin/users/show.html.erb", 3}});
  const finding* f = at(s.found, "ruby.taint.xss", 2);
  REQUIRE(f);
  REQUIRE(f->path.size() >= 2);
  CHECK(f->path.front().file == "app/controllers/admin/users_controller.rb");
  CHECK(f->path.front().line == 3);
  CHECK(f->path.back().file.empty());  // the sink, in the view
}

TEST_CASE("ruby: an action starts with the instance variables its before_action callbacks set",
          "[taint][ruby][erb]") {
  scratch_tree t;
  t.write("app/controllers/users_controller.rb",
          "class UsersController < ApplicationController\n"       // 1
          "  before_action :find_user, only: [:show, :edit]\n"     // 2
          "  before_action :load_query, except: :index\n"          // 3
          "  skip_before_action :load_query, only: %i[edit]\n"     // 4
          "  def index\n"                                          // 5
          "    system(\"echo #{@q}\")\n"                           // 6: load_query excepts index
          "  end\n"                                                // 7
          "  def show\n"                                           // 8
          "    system(\"grep #{@q} log\")\n"                       // 9
          "    eval(@name)\n"                                      // 10
          "  end\n"                                                // 11
          "  def edit\n"                                           // 12
          "    system(\"echo #{@q}\")\n"                           // 13: skipped for edit
          "    eval(@name)\n"                                      // 14
          "  end\n"                                                // 15
          "  def update\n"                                         // 16
          "    eval(@name)\n"                                      // 17: find_user runs for show and edit only
          "  end\n"                                                // 18
          "  private\n"                                            // 19
          "  def find_user\n"                                      // 20
          "    @name = params[:name]\n"                            // 21
          "    @user = @team.users.find_by_login(params[:name])\n"  // 22: a record
          "  end\n"                                                // 23
          "  def load_query\n"                                     // 24
          "    @q = params[:q]\n"                                  // 25
          "  end\n"                                                // 26
          "end\n");
  t.write("app/views/users/show.html.erb", "<p><%== @q %></p>\n<p><%== @user.name %></p>\n");
  t.write("app/views/users/index.html.erb", "<p><%== @q %></p>\n");
  scanned s = scan_tree(t);
  std::vector<std::pair<std::string, int>> at_lines;
  for (const finding& f : s.found) at_lines.emplace_back(f.file_path, f.line_start);
  using place = std::pair<std::string, int>;
  const std::string c = "app/controllers/users_controller.rb";
  CHECK(at_lines == std::vector<place>{{c, 9}, {c, 10}, {c, 14}, {"app/views/users/show.html.erb", 1}});
  const finding* f = at(s.found, "ruby.taint.cmdi", 9);
  REQUIRE(f);
  CHECK(f->path.front().line == 25);  // the callback's source
}

TEST_CASE("ruby: a view rendered by another action reads that action's instance variables", "[taint][ruby][erb]") {
  scratch_tree t;
  t.write("app/controllers/posts_controller.rb",
          "class PostsController < ApplicationController\n"  // 1
          "  def create\n"                                    // 2
          "    @title = params[:title]\n"                     // 3
          "    respond_to do |format|\n"                      // 4
          "      format.html { render :new, status: 422 }\n"  // 5
          "    end\n"                                         // 6
          "  end\n"                                           // 7
          "  def update\n"                                    // 8
          "    @body = params[:body]\n"                       // 9
          "    render action: 'edit'\n"                       // 10
          "  end\n"                                           // 11
          "  def preview\n"                                   // 12
          "    @summary = params[:summary]\n"                 // 13
          "    render 'shared/new'\n"                         // 14: another directory's template
          "  end\n"                                           // 15
          "end\n");
  const std::string view = "<%== @title %>\n<%== @body %>\n<%== @summary %>\n";
  t.write("app/views/posts/new.html.erb", view);
  t.write("app/views/posts/edit.html.erb", view);
  scanned s = scan_tree(t);
  std::vector<std::pair<std::string, int>> at_lines;
  for (const finding& f : s.found) at_lines.emplace_back(f.file_path, f.line_start);
  using place = std::pair<std::string, int>;
  CHECK(at_lines == std::vector<place>{{"app/views/posts/edit.html.erb", 2}, {"app/views/posts/new.html.erb", 1}});
}

TEST_CASE("ruby: a method defined under private def is a method of the file", "[taint][ruby]") {
  auto found = findings(
      "class ItemsController < ApplicationController\n"  // 1
      "  def index\n"                                     // 2
      "    run_it(params[:cmd])\n"                        // 3
      "  end\n"                                           // 4
      "  private def run_it(cmd)\n"                       // 5
      "    system(cmd)\n"                                 // 6
      "  end\n"                                           // 7
      "end\n");
  const finding* f = at(found, "ruby.taint.cmdi", 6);
  REQUIRE(f);
  CHECK(f->path.front().line == 3);
}

TEST_CASE("ruby: link_to of a request-given url is xss through its scheme unless something fixes it",
          "[taint][ruby][erb]") {
  scratch_tree t;
  t.write("app/helpers/links_helper.rb",
          "module LinksHelper\n"                                               // 1
          "  def back_link\n"                                                  // 2
          "    link_to 'Back', params[:back]\n"                                // 3
          "  end\n"                                                            // 4
          "  def safe_links\n"                                                 // 5
          "    link_to params[:name], '/home'\n"                               // 6: the text is escaped
          "    link_to 'User', user_path(params[:id])\n"                       // 7: a route helper
          "    link_to 'Next', url_for(controller: 'posts', page: params[:p])\n"  // 8: a route
          "    link_to 'Up', \"/dirs/#{params[:dir]}\"\n"                      // 9: a path of this site
          "    link_to 'Ext', \"https://example.com/#{params[:q]}\"\n"         // 10
          "    link_to 'Esc', h(params[:u])\n"                                 // 11: escaping keeps javascript:
          "    link_to_if true, 'Go', params[:go]\n"                           // 12
          "    link_to 'Raw', url_for(params[:raw])\n"                         // 13: url_for of a string is it
          "    link_to 'Page', request.query_parameters.merge(page: 2)\n"      // 14: a hash is a route
          "    link_to 'Edit', {action: 'edit', id: params[:id]}\n"           // 15
          "    link_to 'Sort', params\n"                                       // 16
          "  end\n"                                                            // 17
          "end\n");
  t.write("app/controllers/pages_controller.rb",
          "class PagesController < ApplicationController\n"
          "  def show\n"
          "    @url = params[:url]\n"
          "  end\n"
          "end\n");
  t.write("app/views/pages/show.html.erb", "<p><%= link_to 'Home', @url, class: 'btn' %></p>\n");
  scanned s = scan_tree(t);
  std::vector<std::pair<std::string, int>> at_lines;
  for (const finding& f : s.found) {
    INFO(f.file_path << ":" << f.line_start << " " << f.description);
    CHECK(f.rule_id == "ruby.taint.xss-url");
    CHECK(f.cwe_id == 79);
    at_lines.emplace_back(f.file_path, f.line_start);
  }
  using place = std::pair<std::string, int>;
  const std::string h = "app/helpers/links_helper.rb";
  CHECK(at_lines == std::vector<place>{{h, 3}, {h, 11}, {h, 12}, {h, 13}, {"app/views/pages/show.html.erb", 1}});
}

TEST_CASE("ruby: a model's scopes and class methods carry request data into queries from a controller",
          "[taint][ruby][xfile]") {
  scratch_tree t;
  t.write("app/models/user.rb",
          "class User < ApplicationRecord\n"                               // 1
          "  scope :by_name, ->(n) { where(\"name = '#{n}'\") }\n"         // 2
          "  scope :safe_name, ->(n) { where(name: n) }\n"                 // 3
          "  scope :recent, lambda { order(created_at: :desc) }\n"         // 4
          "\n"                                                             // 5
          "  def self.search(q)\n"                                         // 6
          "    where(\"bio LIKE '%#{q}%'\")\n"                              // 7
          "  end\n"                                                        // 8
          "end\n");                                                        // 9
  t.write("app/controllers/users_controller.rb",
          "class UsersController < ApplicationController\n"  // 1
          "  def index\n"                                    // 2
          "    @users = User.by_name(params[:n])\n"          // 3
          "    @others = User.safe_name(params[:n])\n"       // 4
          "    @found = User.search(params[:q])\n"           // 5
          "    @recent = User.recent\n"                      // 6
          "  end\n"                                          // 7
          "end\n");                                          // 8
  std::vector<finding> found = scan_tree(t).found;
  std::vector<std::string> got;
  for (const finding& f : found) got.push_back(f.file_path + ":" + std::to_string(f.line_start) + " " + f.rule_id);
  CHECK(got == std::vector<std::string>{"app/controllers/users_controller.rb:3 ruby.taint.sqli",
                                        "app/controllers/users_controller.rb:5 ruby.taint.sqli"});
  const finding* scope = at(found, "ruby.taint.sqli", 3);
  REQUIRE(scope);
  REQUIRE(!scope->path.empty());
  CHECK(scope->path.back().file == "app/models/user.rb");
  CHECK(scope->path.back().line == 2);
}

TEST_CASE("ruby: a branch taken when a clean list holds the value sees only its elements", "[taint][ruby]") {
  auto found = findings(
      "class ReposController < ApplicationController\n"                 // 1
      "  KINDS = ['Git', 'Subversion']\n"                               // 2
      "  def create\n"                                                  // 3
      "    kind = params[:kind].to_s.camelize\n"                        // 4
      "    if KINDS.include?(kind)\n"                                   // 5
      "      \"Repo::#{kind}\".constantize\n"                            // 6
      "    end\n"                                                       // 7
      "    \"Repo::#{kind}\".constantize\n"                              // 8
      "    \"Repo::#{kind}\".constantize unless KINDS.include?(kind)\n"  // 9
      "    if !KINDS.include?(kind)\n"                                  // 10
      "      \"Repo::#{kind}\".constantize\n"                            // 11
      "    end\n"                                                       // 12
      "    if params[:all].include?(kind)\n"                            // 13
      "      \"Repo::#{kind}\".constantize\n"                            // 14
      "    end\n"                                                       // 15
      "  end\n"                                                         // 16
      "end\n");                                                         // 17
  std::vector<int> lines;
  for (const finding& f : found) lines.push_back(f.line_start);
  CHECK(lines == std::vector<int>{8, 9, 11, 14});
}
