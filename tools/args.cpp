#include "tools/args.h"

#include <cstdint>

namespace heimdall::tools {

args::args(std::set<std::string> valued, std::set<std::string> flags)
    : valued_(std::move(valued)), flags_(std::move(flags)) {}

std::optional<std::string> args::parse(const std::vector<std::string>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || w.compare(0, 1, "-") != 0) {
      positional_.push_back(w);
      continue;
    }
    std::string name = w, value;
    bool inline_value = false;
    if (auto eq = w.find('='); eq != std::string::npos) {
      name = w.substr(0, eq);
      value = w.substr(eq + 1);
      inline_value = true;
    }
    if (flags_.count(name)) {
      if (inline_value) return "option " + name + " takes no value";
      values_[name].push_back("");
    } else if (valued_.count(name)) {
      if (!inline_value) {
        if (i + 1 >= words.size()) return "option " + name + " needs a value";
        value = words[++i];
      }
      values_[name].push_back(value);
    } else {
      return "unknown option '" + w + "'";
    }
  }
  return std::nullopt;
}

bool args::has(const std::string& name) const { return values_.count(name) > 0; }

std::optional<std::string> args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::string args::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

std::vector<std::string> args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next / 10 != v) return std::nullopt;  // overflow
    v = next;
  }
  return v;
}

}  // namespace heimdall::tools
