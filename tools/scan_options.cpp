#include "tools/scan_options.h"

#include <cstdlib>
#include <sstream>

namespace heimdall::tools {
namespace {

std::vector<std::string> split_colon(const char* text) {
  std::vector<std::string> out;
  std::stringstream in(text ? text : "");
  for (std::string part; std::getline(in, part, ':');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

const char* const kScanOptionsHelp =
    "  --repo-root DIR     a directory local-path and file:// sources may live in\n"
    "                      (repeatable; also HEIMDALL_REPO_ROOTS, colon-separated)\n"
    "  --rules DIR         the rule pack (default: HEIMDALL_RULES_DIR, else the\n"
    "                      source tree's analysis/rules this binary was built from)\n"
    "  --advisories DIR    the advisory database (default: advisories/ under the\n"
    "                      data directory, ./data for a scan with a temporary\n"
    "                      log); fill it with heimdall advisories import\n"
    "  --max-scans N       scans run at once (default: the number of cores)\n"
    "  --stage-timeout S   seconds a stage may take (default 1800)\n"
    "  --scan-timeout S    seconds a whole scan may take (default 7200)\n"
    "  --git-user NAME     the user for https (or ssh, when the URL names none)\n"
    "  --git-ssh-key FILE  a private key for ssh sources (public key: FILE.pub\n"
    "                      when present)\n"
    "  Secrets come from the environment only, never from arguments (which\n"
    "  other users can read): HEIMDALL_GIT_TOKEN (https password or token),\n"
    "  HEIMDALL_GIT_SSH_PASSPHRASE; HEIMDALL_GIT_USER stands for --git-user.\n";

std::set<std::string> scan_option_names() {
  return {"--repo-root", "--rules", "--advisories", "--max-scans", "--stage-timeout", "--scan-timeout", "--git-user", "--git-ssh-key"};
}

std::optional<std::string> parse_scan_options(const args& a, const std::string& data_dir,
                                              actors::scan_service_options& out) {
  const char* rules_env = std::getenv("HEIMDALL_RULES_DIR");
  out.rules_dir = a.get_or("--rules", rules_env && *rules_env ? rules_env : HEIMDALL_RULES_DIR);
  out.settings.workspaces_dir = std::filesystem::path(data_dir) / "workspaces";
  out.advisories_dir = a.get_or("--advisories", (std::filesystem::path(data_dir) / "advisories").string());
  for (const auto& root : split_colon(std::getenv("HEIMDALL_REPO_ROOTS"))) out.settings.allowed_roots.emplace_back(root);
  for (const auto& root : a.all("--repo-root")) out.settings.allowed_roots.emplace_back(root);
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  actors::git_credentials& cred = out.settings.credentials;
  cred.username = a.get_or("--git-user", env("HEIMDALL_GIT_USER"));
  cred.secret = env("HEIMDALL_GIT_TOKEN");
  cred.ssh_passphrase = env("HEIMDALL_GIT_SSH_PASSPHRASE");
  if (auto key = a.get("--git-ssh-key")) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*key, ec)) return "--git-ssh-key: no such file '" + *key + "'";
    cred.ssh_private_key = *key;
    if (std::filesystem::is_regular_file(*key + ".pub", ec)) cred.ssh_public_key = *key + ".pub";
  }
  struct numeric {
    const char* name;
    std::function<void(std::uint64_t)> set;
  };
  const numeric numbers[] = {
      {"--max-scans", [&](std::uint64_t n) { out.max_concurrent_scans = n; }},
      {"--stage-timeout", [&](std::uint64_t n) { out.stage_time_limit = std::chrono::seconds(n); }},
      {"--scan-timeout", [&](std::uint64_t n) { out.scan_time_limit = std::chrono::seconds(n); }},
  };
  for (const auto& n : numbers) {
    auto text = a.get(n.name);
    if (!text) continue;
    auto value = parse_u64(*text);
    if (!value || *value == 0) return std::string(n.name) + " takes a positive whole number, not '" + *text + "'";
    n.set(*value);
  }
  return std::nullopt;
}

}  // namespace heimdall::tools
