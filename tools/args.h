// args: the small command-line parser the heimdall subcommands share.
//
// Accepts `--name value`, `--name=value`, boolean `--flag`, and positional
// words. Each command declares what it takes; anything else is a usage error
// with a message naming the offending word. Not thread-safe; one per command.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace heimdall::tools {

class args {
 public:
  // `valued`: options that take a value; `flags`: options that do not.
  // Repeating a valued option keeps every value (see all()).
  args(std::set<std::string> valued, std::set<std::string> flags);

  // Parses argv-style words (without the program and command names).
  // Returns an error message, or nullopt on success.
  std::optional<std::string> parse(const std::vector<std::string>& words);

  bool has(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;  // the last value
  std::string get_or(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::set<std::string> valued_, flags_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// Parses a whole non-negative decimal number; nullopt for anything else.
std::optional<std::uint64_t> parse_u64(const std::string& text);

}  // namespace heimdall::tools
