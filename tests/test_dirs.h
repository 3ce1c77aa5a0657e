// Test helpers: fresh directories, event builders, running the heimdall
// binary, and snapshots of a directory's bytes.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "store/event.h"

namespace heimdall::test {

// A fresh, empty directory for an event log. It is kept after the test so
// the suite's schema check can validate every event the tests wrote.
std::string log_dir(const std::string& name);
// A fresh directory for anything that is not a valid log (corruption
// tests, scratch files); the schema check skips these.
std::string scratch_dir(const std::string& name);

// A schema-valid event of `type` with random id; `data` defaults to a
// minimal valid object for that type.
new_event make_event(const std::string& type, const std::string& data = "");
std::string scan_stream();  // "scan-<fresh uuid>"

struct command_result {
  int exit_code = -1;
  std::string out, err;
};
// Runs build/heimdall with `args` (no shell), capturing stdout and stderr.
command_result run_heimdall(const std::vector<std::string>& args);
// The same with `input` on its stdin (at most a pipe's capacity, 64 KiB).
command_result run_heimdall(const std::vector<std::string>& args, const std::string& input);
// Starts build/heimdall with `args` in the background, stdout and stderr
// appended to `output_file`; the caller waits for (or kills) the pid.
pid_t start_heimdall(const std::vector<std::string>& args, const std::string& output_file);
// The same with stdout and stderr appended to files of their own.
pid_t start_heimdall(const std::vector<std::string>& args, const std::string& stdout_file,
                     const std::string& stderr_file);

std::size_t count_lines(const std::string& text);

// Every regular file under `dir` (relative path -> contents).
std::map<std::string, std::string> snapshot(const std::string& dir);

}  // namespace heimdall::test
