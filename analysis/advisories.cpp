#include "analysis/advisories.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "analysis/json_fields.h"
#include "base/json_writer.h"

namespace heimdall::analysis {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// How much of a record's details stands in for a missing summary.
constexpr std::size_t kMaxSummaryBytes = 300;

std::string optional_string(element parent, std::string_view key) {
  std::string_view v;
  if (parent[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

std::optional<severity> severity_word(std::string_view word) {
  std::string w(word);
  for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (w == "CRITICAL") return severity::critical;
  if (w == "HIGH") return severity::high;
  if (w == "MODERATE" || w == "MEDIUM") return severity::medium;
  if (w == "LOW") return severity::low;
  return std::nullopt;
}

// The metric -> value map of a vector "K:V/K:V"; false when malformed.
bool vector_metrics(std::string_view v, std::map<std::string, std::string>& out) {
  std::stringstream in{std::string(v)};
  for (std::string part; std::getline(in, part, '/');) {
    std::size_t colon = part.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == part.size()) return false;
    if (!out.emplace(part.substr(0, colon), part.substr(colon + 1)).second) return false;
  }
  return !out.empty();
}

double metric(const std::map<std::string, std::string>& m, const std::string& key,
              std::initializer_list<std::pair<const char*, double>> values, bool& ok) {
  auto it = m.find(key);
  if (it != m.end()) {
    for (const auto& [name, weight] : values) {
      if (it->second == name) return weight;
    }
  }
  ok = false;
  return 0;
}

// CVSS v3.1's Roundup: the smallest one-decimal number >= x, computed on
// integers so 4.000000001 does not become 4.1.
double roundup(double x) {
  long long i = std::llround(x * 100000);
  if (i % 10000 == 0) return static_cast<double>(i) / 100000.0;
  return (std::floor(static_cast<double>(i) / 10000.0) + 1) / 10.0;
}

std::optional<double> cvss3(const std::map<std::string, std::string>& m) {
  bool ok = true;
  bool changed = m.count("S") && m.at("S") == "C";
  if (!m.count("S") || (m.at("S") != "C" && m.at("S") != "U")) return std::nullopt;
  double av = metric(m, "AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}}, ok);
  double ac = metric(m, "AC", {{"L", 0.77}, {"H", 0.44}}, ok);
  double pr = metric(m, "PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}}, ok);
  double ui = metric(m, "UI", {{"N", 0.85}, {"R", 0.62}}, ok);
  double c = metric(m, "C", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  double i = metric(m, "I", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  double a = metric(m, "A", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  if (!ok) return std::nullopt;
  double iss = 1 - (1 - c) * (1 - i) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  return roundup(std::min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10.0));
}

std::optional<double> cvss2(const std::map<std::string, std::string>& m) {
  bool ok = true;
  double av = metric(m, "AV", {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}}, ok);
  double ac = metric(m, "AC", {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}}, ok);
  double au = metric(m, "Au", {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}}, ok);
  double c = metric(m, "C", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  double i = metric(m, "I", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  double a = metric(m, "A", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  if (!ok) return std::nullopt;
  double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  double exploitability = 20 * av * ac * au;
  double f = impact == 0 ? 0 : 1.176;
  return std::round(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f * 10) / 10;
}

// The record's severity, per the order in the header.
severity record_severity(element record) {
  std::optional<double> best;
  array list;
  if (record["severity"].get_array().get(list) == simdjson::SUCCESS) {
    for (element s : list) {
      std::string score = optional_string(s, "score");
      std::optional<double> value = cvss_base_score(score);
      if (!value) {
        char* end = nullptr;
        double plain = std::strtod(score.c_str(), &end);
        if (!score.empty() && end && *end == '\0' && plain >= 0 && plain <= 10) value = plain;
      }
      if (value && (!best || *value > *best)) best = value;
    }
  }
  if (best) return severity_of_score(*best);
  std::string_view word;
  if (record["database_specific"]["severity"].get_string().get(word) == simdjson::SUCCESS) {
    if (auto s = severity_word(word)) return *s;
  }
  if (record["affected"].get_array().get(list) == simdjson::SUCCESS) {
    for (element a : list) {
      for (const char* where : {"database_specific", "ecosystem_specific"}) {
        if (a[where]["severity"].get_string().get(word) == simdjson::SUCCESS) {
          if (auto s = severity_word(word)) return *s;
        }
      }
    }
  }
  return severity::medium;
}

int record_cwe(element record) {
  array ids;
  if (record["database_specific"]["cwe_ids"].get_array().get(ids) != simdjson::SUCCESS) {
    return kVulnerableDependencyCwe;
  }
  for (element id : ids) {
    std::string_view text;
    if (id.get_string().get(text) != simdjson::SUCCESS || text.substr(0, 4) != "CWE-") continue;
    int n = std::atoi(std::string(text.substr(4)).c_str());
    if (n > 0) return n;
  }
  return kVulnerableDependencyCwe;
}

std::string summary_of(element record) {
  std::string summary = optional_string(record, "summary");
  if (summary.empty()) {
    summary = optional_string(record, "details");
    summary = summary.substr(0, summary.find("\n\n"));
    if (summary.size() > kMaxSummaryBytes) summary = summary.substr(0, kMaxSummaryBytes) + "...";
  }
  for (char& c : summary) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return summary;
}

bool valid_in(const osv_range& r, ecosystem eco, std::string_view v) {
  return r.semver ? valid_semver(v) : valid_version(eco, v);
}

std::optional<int> compare_in(const osv_range& r, ecosystem eco, std::string_view a, std::string_view b) {
  return r.semver ? compare_semver(a, b) : compare_versions(eco, a, b);
}

status read_range(const json_place& at, element value, ecosystem eco, std::optional<osv_range>& out) {
  std::string type;
  if (value["type"].error()) return at.error("missing field 'type'");
  if (status s = read_string(at, "type", value["type"].value_unsafe(), type); !s.is_ok()) return s;
  if (type == "GIT") return status::ok();  // commits, not versions
  if (type != "SEMVER" && type != "ECOSYSTEM") return at.error("unknown range type '" + type + "'");
  osv_range range;
  range.semver = type == "SEMVER";
  array events;
  if (value["events"].get_array().get(events) != simdjson::SUCCESS) {
    return at.error("field 'events' must be an array");
  }
  std::size_t n = 0;
  bool introduced = false;
  for (element e : events) {
    json_place here = at.at("events[" + std::to_string(n++) + "]");
    object fields;
    if (e.get_object().get(fields) != simdjson::SUCCESS || fields.size() != 1) {
      return here.error("an event must be an object with one field");
    }
    auto [key, v] = *fields.begin();
    static const std::pair<std::string_view, osv_event::kind> kKinds[] = {{"introduced", osv_event::introduced},
                                                                         {"fixed", osv_event::fixed},
                                                                         {"last_affected", osv_event::last_affected},
                                                                         {"limit", osv_event::limit}};
    auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const auto& k) { return k.first == key; });
    if (kind == std::end(kKinds)) return here.error("unknown event '" + std::string(key) + "'");
    osv_event event;
    event.k = kind->second;
    if (status s = read_string(here, key, v, event.version); !s.is_ok()) return s;
    bool any = event.version == "0" && event.k == osv_event::introduced;
    bool unbounded_limit = event.version == "*" && event.k == osv_event::limit;
    if (!any && !unbounded_limit && !valid_in(range, eco, event.version)) {
      return here.error("'" + event.version + "' is not a " +
                        (range.semver ? std::string("SemVer") : std::string(ecosystem_name(eco))) + " version");
    }
    introduced = introduced || event.k == osv_event::introduced;
    range.events.push_back(std::move(event));
  }
  if (!introduced) return at.error("a range without an 'introduced' event");
  // Sorted once here, so matching walks them in order ("0" first).
  std::stable_sort(range.events.begin(), range.events.end(), [&](const osv_event& a, const osv_event& b) {
    auto rank = [](const osv_event& e) { return e.k == osv_event::introduced && e.version == "0" ? 0 : 1; };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) == 0) return false;
    if (b.version == "*") return a.version != "*";
    if (a.version == "*") return false;
    return compare_in(range, eco, a.version, b.version).value_or(0) < 0;
  });
  out = std::move(range);
  return status::ok();
}

}  // namespace

std::optional<double> cvss_base_score(std::string_view vector) {
  std::map<std::string, std::string> m;
  if (vector.substr(0, 8) == "CVSS:3.0" || vector.substr(0, 8) == "CVSS:3.1") {
    if (vector.size() < 9 || vector[8] != '/' || !vector_metrics(vector.substr(9), m)) return std::nullopt;
    return cvss3(m);
  }
  if (vector.substr(0, 5) == "CVSS:") return std::nullopt;  // v4 and later: not scored here
  if (vector.substr(0, 3) != "AV:" || !vector_metrics(vector, m)) return std::nullopt;
  return cvss2(m);
}

severity severity_of_score(double score) {
  if (score >= 9) return severity::critical;
  if (score >= 7) return severity::high;
  if (score >= 4) return severity::medium;
  return severity::low;
}

result<osv_record> parse_osv_record(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  element record;
  if (auto e = parser.parse(json.data(), json.size()).get(record)) {
    return status(errc::invalid_argument, std::string("not JSON: ") + simdjson::error_message(e));
  }
  if (!record.is_object()) return status(errc::invalid_argument, "a record must be a JSON object");
  osv_record out;
  json_place top{"record", ""};
  if (record["id"].error()) return top.error("missing field 'id'");
  if (status s = read_string(top, "id", record["id"].value_unsafe(), out.id); !s.is_ok()) return s;
  json_place at{out.id, ""};
  bool withdrawn = !record["withdrawn"].error();
  if (withdrawn) {
    std::string when;
    if (status s = read_string(at, "withdrawn", record["withdrawn"].value_unsafe(), when); !s.is_ok()) return s;
    out.withdrawn = true;
  }
  std::vector<std::string> aliases;
  if (!record["aliases"].error()) {
    array list;
    if (record["aliases"].get_array().get(list) != simdjson::SUCCESS) return at.error("field 'aliases' must be an array");
    for (element a : list) {
      std::string alias;
      if (status s = read_string(at, "aliases", a, alias); !s.is_ok()) return s;
      aliases.push_back(std::move(alias));
    }
  }
  for (const char* text_field : {"summary", "details"}) {
    if (!record[text_field].error() && !record[text_field].is_string()) {
      return at.error("field '" + std::string(text_field) + "' must be a string");
    }
  }
  advisory_entry base;
  base.id = out.id;
  base.aliases = std::move(aliases);
  base.summary = summary_of(record);
  base.severity = record_severity(record);
  base.cwe = record_cwe(record);

  array affected;
  if (record["affected"].error()) return out;  // allowed: a record about nothing installable
  if (record["affected"].get_array().get(affected) != simdjson::SUCCESS) {
    return at.error("field 'affected' must be an array");
  }
  std::size_t index = 0;
  for (element a : affected) {
    json_place here = at.at("affected[" + std::to_string(index++) + "]");
    if (!a.is_object()) return here.error("must be an object");
    element package;
    if (a["package"].get(package) != simdjson::SUCCESS || !package.is_object()) {
      return here.error("field 'package' must be an object");
    }
    std::string eco_name, name;
    if (package["ecosystem"].error()) return here.error("missing field 'package.ecosystem'");
    if (status s = read_string(here, "package.ecosystem", package["ecosystem"].value_unsafe(), eco_name); !s.is_ok()) {
      return s;
    }
    if (package["name"].error()) return here.error("missing field 'package.name'");
    if (status s = read_string(here, "package.name", package["name"].value_unsafe(), name); !s.is_ok()) return s;
    std::optional<ecosystem> eco = parse_ecosystem(eco_name);
    if (!eco) {
      ++out.other_ecosystems;
      continue;
    }
    advisory_entry entry = base;
    entry.eco = *eco;
    entry.name = name;
    if (!a["ranges"].error()) {
      array ranges;
      if (a["ranges"].get_array().get(ranges) != simdjson::SUCCESS) return here.error("field 'ranges' must be an array");
      std::size_t r = 0;
      for (element range : ranges) {
        json_place rp = here.at("ranges[" + std::to_string(r++) + "]");
        if (!range.is_object()) return rp.error("must be an object");
        std::optional<osv_range> parsed;
        if (status s = read_range(rp, range, *eco, parsed); !s.is_ok()) return s;
        if (parsed) entry.ranges.push_back(std::move(*parsed));
      }
    }
    if (!a["versions"].error()) {
      array versions;
      if (a["versions"].get_array().get(versions) != simdjson::SUCCESS) {
        return here.error("field 'versions' must be an array");
      }
      for (element v : versions) {
        std::string text;
        if (status s = read_string(here, "versions", v, text); !s.is_ok()) return s;
        entry.versions.push_back(std::move(text));
      }
    }
    // An entry with only GIT ranges says nothing a lockfile can be matched with.
    if (entry.ranges.empty() && entry.versions.empty()) continue;
    out.entries.push_back(std::move(entry));
  }
  return out;
}

match_result match_entry(const advisory_entry& entry, std::string_view version) {
  match_result out;
  auto consider_fixed = [&](const osv_range& r, const std::string& fixed) {
    if (out.fixed && compare_in(r, entry.eco, fixed, *out.fixed).value_or(0) >= 0) return;
    out.fixed = fixed;
  };
  for (const osv_range& r : entry.ranges) {
    if (!valid_in(r, entry.eco, version)) continue;
    bool affected = false;
    for (const osv_event& e : r.events) {
      if (e.k == osv_event::introduced) {
        if (e.version == "0" || compare_in(r, entry.eco, version, e.version).value_or(-1) >= 0) affected = true;
      } else if (e.k == osv_event::fixed) {
        if (compare_in(r, entry.eco, version, e.version).value_or(-1) >= 0) affected = false;
      } else if (e.k == osv_event::last_affected) {
        if (compare_in(r, entry.eco, version, e.version).value_or(-1) > 0) affected = false;
      }
    }
    if (!affected) continue;
    out.affected = true;
    for (const osv_event& e : r.events) {
      if (e.k == osv_event::fixed && compare_in(r, entry.eco, e.version, version).value_or(0) > 0) {
        consider_fixed(r, e.version);
      }
    }
  }
  if (!out.affected) {
    for (const std::string& v : entry.versions) {
      if (v == version || compare_versions(entry.eco, v, version) == 0) {
        out.affected = true;
        break;
      }
    }
  }
  return out;
}

advisory_db::advisory_db(std::vector<advisory_entry> entries) : entries_(std::move(entries)) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    by_package_[{entries_[i].eco, normalize_package_name(entries_[i].eco, entries_[i].name)}].push_back(i);
  }
}

std::vector<const advisory_entry*> advisory_db::for_package(ecosystem eco, std::string_view name) const {
  std::vector<const advisory_entry*> out;
  auto it = by_package_.find({eco, normalize_package_name(eco, name)});
  if (it == by_package_.end()) return out;
  for (std::size_t i : it->second) out.push_back(&entries_[i]);
  return out;
}

std::string advisory_index_text(std::vector<advisory_entry> entries) {
  std::sort(entries.begin(), entries.end(), [](const advisory_entry& a, const advisory_entry& b) {
    return std::tie(a.eco, a.name, a.id) < std::tie(b.eco, b.name, b.id);
  });
  std::size_t advisories = 0;
  {
    std::vector<std::string> ids;
    for (const auto& e : entries) ids.push_back(e.id);
    std::sort(ids.begin(), ids.end());
    advisories = static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
  }
  json_writer header;
  header.begin_object()
      .key("format").value("heimdall-advisories")
      .key("version").value(1)
      .key("entries").value(static_cast<std::uint64_t>(entries.size()))
      .key("advisories").value(static_cast<std::uint64_t>(advisories))
      .end_object();
  std::string out = header.take() + "\n";
  static const char* const kEventNames[] = {"introduced", "fixed", "last_affected", "limit"};
  for (const advisory_entry& e : entries) {
    json_writer w;
    w.begin_object().key("id").value(e.id).key("aliases").begin_array();
    for (const auto& a : e.aliases) w.value(a);
    w.end_array()
        .key("summary").value(e.summary)
        .key("severity").value(severity_name(e.severity))
        .key("cwe").value(e.cwe)
        .key("ecosystem").value(ecosystem_name(e.eco))
        .key("name").value(e.name)
        .key("ranges").begin_array();
    for (const osv_range& r : e.ranges) {
      w.begin_object().key("type").value(r.semver ? "SEMVER" : "ECOSYSTEM").key("events").begin_array();
      for (const osv_event& ev : r.events) w.begin_object().key(kEventNames[ev.k]).value(ev.version).end_object();
      w.end_array().end_object();
    }
    w.end_array().key("versions").begin_array();
    for (const auto& v : e.versions) w.value(v);
    w.end_array().end_object();
    out += w.take() + "\n";
  }
  return out;
}

namespace {

status index_error(const std::filesystem::path& file, std::size_t line, const std::string& what) {
  return status(errc::corruption, file.string() + ": line " + std::to_string(line) + ": " + what);
}

// The strings of array member `key` ([] when absent or not an array).
std::vector<std::string> string_list(element parent, std::string_view key) {
  std::vector<std::string> out;
  array list;
  if (parent[key].get_array().get(list) != simdjson::SUCCESS) return out;
  for (element item : list) {
    std::string_view s;
    if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

}  // namespace

result<advisory_db> load_advisory_db(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / kAdvisoryIndexFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return status(errc::not_found, file.string() + ": no advisory database");
    return status(errc::io_error, file.string() + ": cannot be read");
  }
  simdjson::dom::parser parser;
  std::string line;
  std::size_t number = 0;
  std::uint64_t expected = 0;
  std::vector<advisory_entry> entries;
  while (std::getline(in, line)) {
    ++number;
    element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS || !e.is_object()) return index_error(file, number, "not JSON");
    if (number == 1) {
      std::string_view format;
      std::int64_t version = 0;
      if (e["format"].get_string().get(format) || format != "heimdall-advisories" || e["version"].get(version) ||
          version != 1 || e["entries"].get(expected)) {
        return index_error(file, number, "not a heimdall advisory index (version 1)");
      }
      continue;
    }
    advisory_entry entry;
    std::string_view eco_name, sev;
    std::int64_t cwe = 0;
    if (e["ecosystem"].get_string().get(eco_name) || !parse_ecosystem(eco_name) ||
        e["severity"].get_string().get(sev) || !parse_severity(sev, entry.severity) || e["cwe"].get(cwe)) {
      return index_error(file, number, "a malformed entry");
    }
    entry.eco = *parse_ecosystem(eco_name);
    entry.cwe = static_cast<int>(cwe);
    entry.id = optional_string(e, "id");
    entry.name = optional_string(e, "name");
    entry.summary = optional_string(e, "summary");
    entry.aliases = string_list(e, "aliases");
    entry.versions = string_list(e, "versions");
    if (entry.id.empty() || entry.name.empty()) return index_error(file, number, "an entry without id or name");
    array ranges;
    if (e["ranges"].get_array().get(ranges)) return index_error(file, number, "an entry without ranges");
    for (element r : ranges) {
      osv_range range;
      range.semver = optional_string(r, "type") == "SEMVER";
      array events;
      if (r["events"].get_array().get(events)) return index_error(file, number, "a range without events");
      for (element ev : events) {
        object fields;
        if (ev.get_object().get(fields) || fields.size() != 1) return index_error(file, number, "a malformed event");
        auto [key, value] = *fields.begin();
        osv_event event;
        event.k = key == "introduced" ? osv_event::introduced
                  : key == "fixed"    ? osv_event::fixed
                  : key == "last_affected" ? osv_event::last_affected
                                           : osv_event::limit;
        std::string_view v;
        if (value.get_string().get(v)) return index_error(file, number, "a malformed event");
        event.version = std::string(v);
        range.events.push_back(std::move(event));
      }
      entry.ranges.push_back(std::move(range));
    }
    entries.push_back(std::move(entry));
  }
  if (number == 0) return index_error(file, 1, "empty file");
  if (entries.size() != expected) {
    return index_error(file, number, "the header promises " + std::to_string(expected) + " entries, the file holds " +
                                         std::to_string(entries.size()));
  }
  return advisory_db(std::move(entries));
}

advisory_source::stamp advisory_source::stamp_of(const std::filesystem::path& file) {
  struct ::stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
          static_cast<unsigned long long>(st.st_size),
          static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
              static_cast<unsigned long long>(st.st_mtim.tv_nsec)};
}

status advisory_source::refresh() const {
  stamp now = stamp_of(dir_ / kAdvisoryIndexFile);
  auto db = load_advisory_db(dir_);
  std::lock_guard<std::mutex> lock(mu_);
  tried_ = true;
  loaded_ = now;
  if (!db) {
    if (db.error().code() != errc::not_found) return db.error();
    db_.reset();
    return status::ok();
  }
  db_ = std::make_shared<const advisory_db>(std::move(db.value()));
  return status::ok();
}

std::shared_ptr<const advisory_db> advisory_source::current() const {
  stamp now = stamp_of(dir_ / kAdvisoryIndexFile);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tried_ && now == loaded_) return db_;
  }
  (void)refresh();  // a failed reload keeps what was loaded before
  std::lock_guard<std::mutex> lock(mu_);
  return db_;
}

}  // namespace heimdall::analysis
