// The heimdall binary's subcommands. Each takes the words after its name and
// returns the process exit code: 0 success, 1 a negative answer (findings,
// an inconsistent log), 2 a usage error or a failure to run.
#pragma once

#include <string>
#include <vector>

namespace heimdall::tools {

int run_serve(const std::vector<std::string>& words);
int run_log(const std::vector<std::string>& words);
int run_scan(const std::vector<std::string>& words);
int run_user(const std::vector<std::string>& words);
int run_advisories(const std::vector<std::string>& words);

}  // namespace heimdall::tools
