#include "tests/test_dirs.h"

#include <fcntl.h>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace heimdall::test {
namespace fs = std::filesystem;
namespace {

std::string fresh_dir(const std::string& kind, const std::string& name) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::path(HEIMDALL_TEST_DATA) / kind /
                 (name + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir.string();
}

}  // namespace

std::string log_dir(const std::string& name) { return fresh_dir("logs", name); }
std::string scratch_dir(const std::string& name) {
  std::string dir = fresh_dir("scratch", name);
  fs::create_directories(dir);
  return dir;
}

std::string scan_stream() { return "scan-" + uuid::v7().to_string(); }

new_event make_event(const std::string& type, const std::string& data) {
  static const std::map<std::string, std::string> defaults = {
      {"repo.registered", R"({"owner_id":"01936d2e-1234-5678-9abc-def012345678","name":"demo","source_url":"https://example.com/demo.git","default_branch":"main"})"},
      {"repo.deleted", "{}"},
      {"scan.queued", R"({"repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full","triggered_by":"01936d2e-1234-5678-9abc-def012345678","commit_sha":null,"base_commit_sha":null,"parent_scan_id":null})"},
      {"scan.status_changed", R"({"status":"running"})"},
      {"scan.stage_updated", R"({"stage":"ingest","status":"running"})"},
      {"scan.finding_added", R"({"finding_id":"3f7a8b9c-0d1e-2f3a-4b5c-6d7e8f9a0b1c","title":"SQL injection","severity":"high"})"},
      {"scan.completed", R"({"finding_count":0,"critical_count":0,"high_count":0,"medium_count":0,"low_count":0})"},
      {"scan.failed", R"({"error":"clone failed"})"},
      {"scan.cancelled", "{}"},
      {"finding.status_changed", R"({"status":"confirmed","actor":"01936d2e-1234-5678-9abc-def012345678"})"},
  };
  new_event e;
  e.id = uuid::v7();
  e.type = type;
  e.schema = type == "scan.queued" ? 2 : 1;
  e.data = data.empty() ? defaults.at(type) : data;
  return e;
}

namespace {

// In a forked child: becomes build/heimdall with `args`.
[[noreturn]] void exec_heimdall(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string bin = HEIMDALL_BIN;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

}  // namespace

pid_t start_heimdall(const std::vector<std::string>& args, const std::string& output_file) {
  return start_heimdall(args, output_file, output_file);
}

pid_t start_heimdall(const std::vector<std::string>& args, const std::string& stdout_file,
                     const std::string& stderr_file) {
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int err = stderr_file == stdout_file ? out : open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(out, 1);
    dup2(err, 2);
    exec_heimdall(args);
  }
  return pid;
}

command_result run_heimdall(const std::vector<std::string>& args) { return run_heimdall(args, ""); }

command_result run_heimdall(const std::vector<std::string>& args, const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    exec_heimdall(args);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Fits in the pipe's buffer, so this does not wait for the child to read;
  // a short write leaves the child a truncated input, which its test sees.
  if (!input.empty()) (void)!write(in_pipe[1], input.data(), input.size());
  close(in_pipe[1]);
  command_result r;
  // Drain both pipes together: a child that fills one while we block on
  // the other would never exit.
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  for (int open_fds = 2; open_fds > 0;) {
    if (poll(fds, 2, -1) < 0) break;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      char buf[65536];
      ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[k]->append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[k].fd);
        fds[k].fd = -1;  // poll ignores negative descriptors
        --open_fds;
      }
    }
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  r.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return r;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    files[fs::relative(entry.path(), dir).string()] = buf.str();
  }
  return files;
}

}  // namespace heimdall::test
