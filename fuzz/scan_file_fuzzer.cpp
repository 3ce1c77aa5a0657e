// scan_file_fuzzer: one file through everything a scan does with it — the
// inventory's language detection, the static_analysis stage (line and
// config rules, tree-sitter's documentation check, C flow, secrets), the
// threat model and the taint analysis — from any bytes. The first byte picks
// the file's name from kNames, so every language and file kind is reached.
// The file is written to a scratch directory of this process (the stages
// read files, not memory) and analysed on one thread.
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "analysis/inventory.h"
#include "analysis/static_analysis.h"
#include "analysis/taint.h"
#include "analysis/threat_model.h"
#include "fuzz/fuzz_target.h"
#include "fuzz/shipped_rules.h"

using namespace heimdall::analysis;
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 32> kNames = {
    "app.py", "app.js", "app.ts", "view.tsx", "App.java", "main.go", "index.php", "app.rb",
    "app/controllers/users_controller.rb", "app/views/users/show.html.erb", "main.c", "util.cpp", "util.h",
    "templates/page.html", "views/page.ejs", "views/page.pug", "views/page.hbs", "main.tf", "Dockerfile",
    "docker-compose.yml", "deploy.yaml", ".github/workflows/ci.yml", ".gitlab-ci.yml", "values.yaml",
    "stack.json", ".env", "config.properties", "web.xml", "run.sh", "Main.kt", "settings.py", "routes.js"};

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("heimdall-fuzz-" + std::to_string(getpid()));
    fs::create_directories(d);
    std::atexit([] { std::error_code ec; fs::remove_all(scratch(), ec); });
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const heimdall::fuzz::rules& rules = heimdall::fuzz::shipped_rules();
  const fs::path root = scratch() / "repo";
  std::error_code ec;
  fs::remove_all(root, ec);
  const fs::path file = root / std::string(kNames[data[0] % kNames.size()]);
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data) + 1,
                                              static_cast<std::streamsize>(size - 1));
  auto files = take_inventory(root, inventory_limits{});
  if (!files) return 0;
  auto ignore = [](finding) {};
  (void)run_static_analysis(root, files.value(), rules.rules, rules.secrets, ignore, {}, nullptr, 1);
  auto model = build_threat_model(root, files.value());
  (void)run_taint_analysis(root, files.value(), rules.taint, model ? model.value() : threat_model{}, ignore, {}, 1);
  return 0;
}
