// heimdall: one binary, one subcommand per job (see `heimdall --help`).
#include <cstdio>
#include <string>
#include <vector>

#include "tools/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: heimdall <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve       run the server (data under ./data by default)\n"
    "  scan        scan one repository in-process and print its findings\n"
    "  log         inspect, verify and rebuild the event log\n"
    "  user        add a user and print an API token for it\n"
    "  advisories  import an offline advisory database (OSV JSON)\n"
    "\n"
    "`heimdall <command> --help` describes a command.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::fputs(kUsage, words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  std::string command = words[0];
  words.erase(words.begin());
  if (command == "serve") return heimdall::tools::run_serve(words);
  if (command == "log") return heimdall::tools::run_log(words);
  if (command == "scan") return heimdall::tools::run_scan(words);
  if (command == "user") return heimdall::tools::run_user(words);
  if (command == "advisories") return heimdall::tools::run_advisories(words);
  std::fprintf(stderr, "heimdall: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 2;
}
