// build_threat_model: reads each file once, lets the rules (see
// threat_model_rules.h) say what it contributes, then assembles the model.
// Everything file-local (entry points, flows, sinks) is decided per file;
// what needs the whole tree (surfaces, their risk, boundaries, the
// summary) is decided here, on sorted data, so the same tree always gives
// the same model whatever order the inventory lists it in.
#include "analysis/threat_model.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "analysis/ordered_work.h"
#include "analysis/source_read.h"
#include "analysis/threat_model_rules.h"

namespace heimdall::analysis {
namespace {

// Bounds, so a tree of generated route tables or a hostile repository
// cannot make the model (one event, one API response) unbounded. A
// reviewer reads a few thousand entry points at most; past the caps the
// summary says so.
constexpr std::size_t kMaxEntryPoints = 2000;
constexpr std::size_t kMaxDataFlows = 1000;
constexpr std::size_t kMaxBoundaryFiles = 1000;
// The inventory's per-file bound. The inventory does not record the bound
// its caller chose, so the default applies: a larger file is generated
// code or data, and one that grew past it since the walk is not read.
constexpr std::uint64_t kMaxFileBytes = inventory_limits{}.max_file_bytes;

enum class risk_level { low, medium, high, critical };

const char* risk_name(risk_level r) {
  switch (r) {
    case risk_level::low: return "low";
    case risk_level::medium: return "medium";
    case risk_level::high: return "high";
    case risk_level::critical: return "critical";
  }
  return "low";
}

// An entry point with what its file says about it.
struct found_entry {
  entry_point entry;
  bool unauthenticated_admin = false;
  bool uploads = false;               // its file handles uploads
  std::string dangerous;              // "command execution at app.py:12", or ""
};

bool accepts_writes(const std::string& method) {
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE", "ANY"}) {
    if (method.find(m) != std::string::npos) return true;
  }
  return false;
}

std::string where(const entry_point& e) { return e.file_path + ":" + std::to_string(e.line); }

std::string count_of(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The risk of one surface (its entry points share kind and framework), and
// the reasons, first to last, a reviewer reads in its description.
std::pair<risk_level, std::string> assess(const std::string& kind, const std::vector<found_entry>& entries) {
  std::size_t writes = 0, uploads = 0, dangerous = 0, admin = 0;
  const found_entry *first_upload = nullptr, *first_dangerous = nullptr, *first_admin = nullptr;
  bool critical = false;
  for (const found_entry& f : entries) {
    bool write = accepts_writes(f.entry.method);
    writes += write;
    if (f.uploads && uploads++ == 0) first_upload = &f;
    if (!f.dangerous.empty() && dangerous++ == 0) first_dangerous = &f;
    if (f.unauthenticated_admin && admin++ == 0) first_admin = &f;
    // Untrusted bodies next to command execution or eval, or an open admin
    // route that changes state: one request from an exploit.
    critical = critical || (!f.dangerous.empty() && (write || f.uploads)) ||
               (f.unauthenticated_admin && (write || !f.dangerous.empty()));
  }

  std::vector<std::string> reasons;
  risk_level level = risk_level::low;
  const std::size_t n = entries.size();
  if (kind == "http_route") {
    level = risk_level::medium;
    reasons.push_back(count_of(n, "route is", "routes are") + " reachable from the network");
    if (writes > 0) {
      level = risk_level::high;
      reasons.push_back(std::to_string(writes) + " accept state-changing methods (POST, PUT, PATCH, DELETE or any)");
    }
    if (uploads > 0) {
      level = risk_level::high;
      reasons.push_back(count_of(uploads, "sits", "sit") + " in files that handle file uploads (first: " +
                        first_upload->entry.file_path + ")");
    }
    if (admin > 0) {
      level = risk_level::high;
      reasons.push_back(count_of(admin, "admin-looking route has", "admin-looking routes have") +
                        " no visible authentication (first: " +
                        (first_admin->entry.route.empty() ? first_admin->entry.function : first_admin->entry.route) +
                        " at " + where(first_admin->entry) + ")");
    }
  } else if (kind == "message_handler") {
    level = risk_level::medium;
    reasons.push_back(count_of(n, "handler receives", "handlers receive") +
                      " messages from whoever can publish to their queue or trigger");
  } else {
    reasons.push_back(count_of(n, "entry point is", "entry points are") +
                      " reachable only by whoever runs the program (arguments, environment)");
  }
  if (dangerous > 0) {
    level = std::max(level, kind == "cli" || kind == "main" ? risk_level::medium : risk_level::high);
    reasons.push_back(count_of(dangerous, "sits", "sit") + " in files that also run " + first_dangerous->dangerous);
  }
  if (critical && kind == "http_route") level = risk_level::critical;

  std::string description;
  for (const std::string& r : reasons) description += (description.empty() ? "" : "; ") + r;
  if (!description.empty()) description.front() = static_cast<char>(std::toupper(description.front()));
  return {level, description + "."};
}

const char* kind_plural(const std::string& kind, std::size_t n) {
  if (kind == "http_route") return n == 1 ? "HTTP route" : "HTTP routes";
  if (kind == "message_handler") return n == 1 ? "message handler" : "message handlers";
  if (kind == "cli") return n == 1 ? "command-line parser" : "command-line parsers";
  return n == 1 ? "main function" : "main functions";
}

std::string summarize(const std::vector<found_entry>& entries, const threat_model& model, std::size_t files_read,
                      std::size_t unreadable, bool entries_capped, bool flows_capped) {
  std::string out;
  if (entries.empty()) {
    out = "No entry points were recognised in the " + count_of(files_read, "file", "files") + " read.";
  } else {
    std::set<std::string> files;
    std::map<std::string, std::map<std::string, std::size_t>> by_kind;  // kind -> framework -> count
    for (const found_entry& f : entries) {
      files.insert(f.entry.file_path);
      ++by_kind[f.entry.kind][f.entry.framework];
    }
    out = "Found " + count_of(entries.size(), "entry point", "entry points") + " in " +
          count_of(files.size(), "file", "files") + ":";
    bool first_kind = true;
    for (const char* kind : {"http_route", "message_handler", "cli", "main"}) {
      auto found = by_kind.find(kind);
      if (found == by_kind.end()) continue;
      std::size_t total = 0;
      std::string frameworks;
      for (const auto& [framework, count] : found->second) {
        total += count;
        if (!framework.empty()) {
          frameworks += (frameworks.empty() ? "" : ", ") + framework + " " + std::to_string(count);
        }
      }
      out += std::string(first_kind ? " " : ", ") + std::to_string(total) + " " + kind_plural(kind, total);
      if (!frameworks.empty()) out += " (" + frameworks + ")";
      first_kind = false;
    }
    out += ".";
    const attack_surface& riskiest = model.surfaces.front();  // surfaces are sorted riskiest first
    out += " Riskiest surface: " + riskiest.name + " (" + riskiest.risk + ").";
  }
  out += " " + count_of(model.boundaries.size(), "trust boundary", "trust boundaries") + "; " +
         count_of(model.data_flows.size(), "sensitive data flow", "sensitive data flows");
  if (!model.data_flows.empty()) {
    std::map<std::string, std::size_t> kinds;
    for (const data_flow& f : model.data_flows) ++kinds[f.data_kind];
    std::string list;
    for (const auto& [kind, count] : kinds) list += (list.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    out += " (" + list + ")";
  }
  out += ".";
  if (entries_capped) {
    out += " Entry points were capped at " + std::to_string(kMaxEntryPoints) + "; files past the cap are not modelled.";
  }
  if (flows_capped) out += " Data flows were capped at " + std::to_string(kMaxDataFlows) + ".";
  if (unreadable > 0) out += " " + count_of(unreadable, "file", "files") + " could not be read and were skipped.";
  return out;
}

}  // namespace

std::vector<entry_point> threat_model::entry_points() const {
  std::vector<entry_point> out;
  for (const attack_surface& s : surfaces) out.insert(out.end(), s.entry_points.begin(), s.entry_points.end());
  return out;
}

result<threat_model> build_threat_model(const std::filesystem::path& root, const inventory& files,
                                        const std::function<bool()>& cancelled, unsigned threads) {
  const result<threat_model_rules>& loaded = shipped_threat_model_rules();
  if (!loaded) return loaded.error();
  const threat_model_rules& rules = *loaded;
  const threat_model_rule_set& data = rules.data();

  std::vector<found_entry> entries;
  std::vector<data_flow> flows;
  std::map<std::string, std::set<std::string>> boundary_files;
  bool entries_capped = false, flows_capped = false;
  std::size_t files_read = 0, unreadable = 0;
  // Files are read and scanned on several threads (ordered_work.h); what
  // they contribute is merged here in inventory order, so the caps cut
  // at the same file as a single-threaded walk would.
  struct scanned {
    bool read = false, unreadable = false;
    file_scan scan;
  };
  std::vector<scanned> results(files.files.size());
  unsigned n_threads = threads ? threads : default_analysis_threads();
  // Worker k matches with copy k of the rules (see shipped_threat_model_rules).
  std::vector<const threat_model_rules*> rules_of(n_threads, nullptr);
  auto work = [&](std::size_t i, unsigned worker) {
    const threat_model_rules*& mine = rules_of[worker];
    if (!mine) {
      const result<threat_model_rules>& copy = shipped_threat_model_rules(worker);
      mine = copy ? &*copy : &rules;  // same data as copy 0, which loaded above
    }
    const source_file& file = files.files[i];
    if (file.bytes > kMaxFileBytes || !may_apply(*mine, file)) return;
    std::string content;
    if (read_source_file(root / file.path, content, kMaxFileBytes) != 0) {
      results[i].unreadable = true;
      return;
    }
    results[i].read = true;
    results[i].scan = scan_file(*mine, file, content);
  };
  auto done = [&](std::size_t i) {
    const source_file& file = files.files[i];
    scanned r = std::move(results[i]);
    unreadable += r.unreadable;
    if (!r.read) return;
    ++files_read;
    file_scan& scan = r.scan;

    std::string dangerous;  // the first dangerous sink of the file, by line
    int dangerous_line = 0;
    for (const auto& [sink, line] : scan.sinks) {
      const sink_kind_info& info = data.sink_kinds.at(sink);
      if (!info.boundary.empty()) boundary_files[info.boundary].insert(file.path);
      if (info.dangerous && (dangerous.empty() || line < dangerous_line)) {
        dangerous = info.label + " (" + file.path + ":" + std::to_string(line) + ")";
        dangerous_line = line;
      }
    }
    for (std::size_t k = 0; k < scan.entries.size(); ++k) {
      if (entries.size() >= kMaxEntryPoints) {
        entries_capped = true;
        break;
      }
      boundary_files[data.kinds.at(scan.entries[k].kind).boundary].insert(file.path);
      entries.push_back(found_entry{std::move(scan.entries[k]), scan.unauthenticated_admin[k], scan.uploads, dangerous});
    }
    for (data_flow& f : scan.flows) {
      if (flows.size() >= kMaxDataFlows) {
        flows_capped = true;
        break;
      }
      flows.push_back(std::move(f));
    }
  };
  if (!run_in_order(files.files.size(), n_threads, work, done, cancelled)) {
    return status(errc::closed, "threat model cancelled");
  }

  threat_model model;

  // Surfaces: one per (kind, framework), entry points by file then line.
  std::sort(entries.begin(), entries.end(), [](const found_entry& a, const found_entry& b) {
    return std::tie(a.entry.file_path, a.entry.line) < std::tie(b.entry.file_path, b.entry.line);
  });
  std::map<std::pair<std::string, std::string>, std::vector<found_entry>> grouped;
  for (found_entry& f : entries) grouped[{f.entry.kind, f.entry.framework}].push_back(f);
  // Riskiest first; on equal risk the more exposed kind (the network before
  // a queue before the command line), then by name.
  auto exposure = [](const std::string& kind) {
    return kind == "http_route" ? 0 : kind == "message_handler" ? 1 : kind == "cli" ? 2 : 3;
  };
  std::vector<std::tuple<risk_level, int, attack_surface>> surfaces;
  for (auto& [key, group] : grouped) {
    const auto& [kind, framework] = key;
    attack_surface s;
    s.name = data.kinds.at(kind).surface + (framework.empty() ? "" : " (" + framework + ")");
    auto [level, description] = assess(kind, group);
    s.risk = risk_name(level);
    s.description = std::move(description);
    for (found_entry& f : group) s.entry_points.push_back(std::move(f.entry));
    surfaces.emplace_back(level, exposure(kind), std::move(s));
  }
  std::sort(surfaces.begin(), surfaces.end(), [](const auto& a, const auto& b) {
    const auto& [a_level, a_exposure, a_surface] = a;
    const auto& [b_level, b_exposure, b_surface] = b;
    if (a_level != b_level) return a_level > b_level;
    return std::tie(a_exposure, a_surface.name) < std::tie(b_exposure, b_surface.name);
  });
  for (auto& [level, exposure_rank, s] : surfaces) model.surfaces.push_back(std::move(s));

  // Boundaries: entry sides first (in kind order), then what the code
  // reaches out to, each named once.
  std::vector<std::pair<std::string, std::string>> order;  // name, description
  for (const char* kind : {"http_route", "message_handler", "cli", "main"}) {
    const entry_kind_info& info = data.kinds.at(kind);
    order.emplace_back(info.boundary, info.boundary_description);
  }
  for (const auto& [sink, info] : data.sink_kinds) {
    if (!info.boundary.empty()) order.emplace_back(info.boundary, info.boundary_description);
  }
  std::set<std::string> named;
  for (const auto& [name, description] : order) {
    auto found = boundary_files.find(name);
    if (found == boundary_files.end() || !named.insert(name).second) continue;
    trust_boundary b{name, description, {}};
    for (const std::string& path : found->second) {
      if (b.files.size() >= kMaxBoundaryFiles) break;
      b.files.push_back(path);
    }
    model.boundaries.push_back(std::move(b));
  }

  std::sort(flows.begin(), flows.end(), [](const data_flow& a, const data_flow& b) {
    return std::tie(a.file_path, a.line, a.data_kind, a.sink, a.source) <
           std::tie(b.file_path, b.line, b.data_kind, b.sink, b.source);
  });
  model.data_flows = std::move(flows);

  model.summary = summarize(entries, model, files_read, unreadable, entries_capped, flows_capped);
  return model;
}

}  // namespace heimdall::analysis
