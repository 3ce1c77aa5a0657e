// advisories: vulnerability records in OSV's JSON format (the schema at
// ossf.github.io/osv-schema), the compact index `heimdall advisories
// import` writes from them, and matching a pinned package version against
// the records with its ecosystem's ordering (version_order.h).
//
// Read from OSV: id, aliases, summary, details, withdrawn, severity[]
// (CVSS v3.x and v2 vectors are scored), database_specific.severity (words:
// CRITICAL, HIGH, MODERATE/MEDIUM, LOW) and .cwe_ids, and affected[] with
// package {ecosystem, name}, ranges[] of type SEMVER or ECOSYSTEM with
// introduced / fixed / last_affected / limit events (GIT ranges are
// ignored: a lockfile pins versions, not commits) and versions[].
// Only the seven ecosystems of version_order.h are kept; affected entries of
// others (Debian, Alpine, ...) are counted, not errors.
//
// The index: one file, `<dir>/index.jsonl`. Line 1 is a header
// {"format":"heimdall-advisories","version":1,"entries":N,"advisories":M};
// then N lines, one per (advisory, affected package), each
// {"id","aliases","summary","severity","cwe","ecosystem","name","ranges":
// [{"type","events":[{"introduced":"1.0"},...]}],"versions":[...]}, sorted
// by ecosystem, name and id. A count that disagrees with the header is
// corruption, so a truncated file is never taken for a small database.
//
// Severity: the highest CVSS base score among severity[] (>= 9 critical,
// >= 7 high, >= 4 medium, else low); else database_specific.severity;
// else medium. CWE: the first of database_specific.cwe_ids, else
// kVulnerableDependencyCwe.
//
// Pure functions but load_advisory_db and advisory_source (file I/O; the
// import command writes the index, tools/advisories_command.cpp).
// A loaded advisory_db is immutable and may be shared by any number of
// threads. Errors are values: parse_osv_record returns invalid_argument
// naming the field.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/finding.h"
#include "analysis/version_order.h"
#include "base/result.h"

namespace heimdall::analysis {

// CWE-1395 "Dependency on Vulnerable Third-Party Component" (CWE 4.10 on):
// exactly this weakness, and mapping to it is allowed. Not CWE-937 (an OWASP
// Top Ten 2013 category, which CWE says must not be used for mapping) nor
// CWE-1104 (unmaintained components - about upkeep, not a known flaw).
inline constexpr int kVulnerableDependencyCwe = 1395;

struct osv_event {
  enum kind { introduced, fixed, last_affected, limit } k = introduced;
  std::string version;  // "0" for introduced: every version
};

struct osv_range {
  bool semver = false;  // type SEMVER (else ECOSYSTEM)
  std::vector<osv_event> events;
};

// One advisory's effect on one package.
struct advisory_entry {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;  // the summary, else the start of the details
  analysis::severity severity = severity::medium;
  int cwe = kVulnerableDependencyCwe;
  ecosystem eco = ecosystem::npm;
  std::string name;
  std::vector<osv_range> ranges;
  std::vector<std::string> versions;
};

// What one OSV record yields.
struct osv_record {
  std::string id;
  bool withdrawn = false;
  std::vector<advisory_entry> entries;  // affected packages in supported ecosystems
  std::size_t other_ecosystems = 0;     // affected entries left out
};

// Validates and reads one record. Errors: invalid_argument, e.g.
// "affected[0].ranges[1].events[0]: 'x' is not a PyPI version".
result<osv_record> parse_osv_record(std::string_view json);

// The base score of a CVSS v3.0/v3.1 or v2 vector ("CVSS:3.1/AV:N/..."),
// nullopt when it is not one.
std::optional<double> cvss_base_score(std::string_view vector);
analysis::severity severity_of_score(double score);

// Whether `version` of a package is affected by `entry`, and the lowest
// fixed version above it when one is known.
struct match_result {
  bool affected = false;
  std::optional<std::string> fixed;
};
match_result match_entry(const advisory_entry& entry, std::string_view version);

class advisory_db {
 public:
  advisory_db() = default;
  explicit advisory_db(std::vector<advisory_entry> entries);

  // Entries for a package (names compared as normalize_package_name does).
  std::vector<const advisory_entry*> for_package(ecosystem eco, std::string_view name) const;
  std::size_t size() const { return entries_.size(); }
  const std::vector<advisory_entry>& entries() const { return entries_; }

 private:
  std::vector<advisory_entry> entries_;
  std::map<std::pair<ecosystem, std::string>, std::vector<std::size_t>> by_package_;
};

inline constexpr std::string_view kAdvisoryIndexFile = "index.jsonl";

// The index's text for `entries` (sorted here).
std::string advisory_index_text(std::vector<advisory_entry> entries);
// Reads `dir`/index.jsonl. Errors: not_found when there is none (no
// database imported), io_error, corruption naming the line.
result<advisory_db> load_advisory_db(const std::filesystem::path& dir);

// The imported database as a long-running server sees it: current() loads
// `dir`/index.jsonl at first use and again whenever the file has been
// replaced since (another inode, size or modification time), so an import
// takes effect at the next scan without a restart. The import renames a
// whole new file into place, so a reload never sees part of one; should a
// replacement still fail to load, the database loaded before is kept.
// Thread-safe: any number of threads may call current() and refresh().
class advisory_source {
 public:
  explicit advisory_source(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Loads now. Errors: load_advisory_db's, except not_found (nothing
  // imported yet: current() is null until an import).
  status refresh() const;
  // The database as of the file's last change; null when none is imported.
  std::shared_ptr<const advisory_db> current() const;

 private:
  struct stamp {
    unsigned long long dev = 0, ino = 0, size = 0, mtime_ns = 0;
    bool operator==(const stamp&) const = default;
  };
  static stamp stamp_of(const std::filesystem::path& file);

  std::filesystem::path dir_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const advisory_db> db_;
  mutable stamp loaded_;
  mutable bool tried_ = false;
};

}  // namespace heimdall::analysis
