#include "analysis/dependency_scan.h"

#include <map>

namespace heimdall::analysis {
namespace {

// Exact version matches; what is unknown is whether the vulnerable code is
// reachable from this project.
constexpr double kDependencyConfidence = 0.9;

std::string description_of(const dependency& d, const advisory_entry& a, const std::optional<std::string>& fixed) {
  std::string text = a.summary.empty() ? a.id : a.summary;
  if (!text.empty() && text.back() != '.') text += '.';
  text += " " + d.name + " " + d.version + " (" + std::string(ecosystem_name(d.eco)) + ") is affected";
  text += fixed ? "; fixed in " + *fixed + "." : "; no fixed version is known.";
  if (!a.aliases.empty()) {
    text += " Also known as ";
    for (std::size_t i = 0; i < a.aliases.size(); ++i) text += (i ? ", " : "") + a.aliases[i];
    text += ".";
  }
  return text;
}

}  // namespace

std::vector<finding> find_vulnerable_dependencies(const advisory_db& db, manifest_kind kind, std::string_view path,
                                                  std::string_view text, std::vector<inventory_note>& notes) {
  manifest_contents contents = parse_manifest(kind, path, text);
  notes.insert(notes.end(), contents.notes.begin(), contents.notes.end());
  std::vector<finding> out;
  for (const dependency& d : contents.dependencies) {
    // One finding per advisory, however many of its entries name the package.
    std::map<std::string, std::pair<const advisory_entry*, std::optional<std::string>>> hits;
    for (const advisory_entry* a : db.for_package(d.eco, d.name)) {
      match_result m = match_entry(*a, d.version);
      if (!m.affected) continue;
      auto [it, fresh] = hits.try_emplace(a->id, a, m.fixed);
      auto& known = it->second.second;
      if (!fresh && m.fixed && (!known || compare_versions(d.eco, *m.fixed, *known).value_or(0) < 0)) known = m.fixed;
    }
    for (const auto& [id, hit] : hits) {
      const auto& [a, fixed] = hit;
      finding f;
      f.rule_id = "dependencies." + id;
      f.source = "dependencies";
      f.severity = a->severity;
      f.confidence = kDependencyConfidence;
      f.title = d.name + " " + d.version + " has a known vulnerability (" + id + ")";
      f.description = description_of(d, *a, fixed);
      f.cwe_id = a->cwe;
      f.file_path = d.manifest;
      f.line_start = f.line_end = d.line;
      f.code_snippet = d.name + "@" + d.version;
      f.remediation = fixed ? "upgrade to " + *fixed
                            : "no fixed version is known: replace or remove " + d.name + ", or limit what reaches it, "
                              "and watch " + id + " for a fix";
      out.push_back(std::move(f));
    }
  }
  return out;
}

bool is_oversized_manifest(const inventory_note& note) {
  return note.reason.rfind("skipped: larger than", 0) == 0 && manifest_kind_of(note.path).has_value();
}

bool has_dependency_manifest(const inventory& inv) {
  for (const source_file& f : inv.files) {
    if (manifest_kind_of(f.path)) return true;
  }
  for (const inventory_note& n : inv.notes) {
    if (is_oversized_manifest(n)) return true;
  }
  return false;
}

std::optional<inventory_note> missing_advisories_note(const advisory_db* db, const inventory& inv) {
  if (db || !has_dependency_manifest(inv)) return std::nullopt;
  return inventory_note{".", std::string(kNoAdvisoryDatabase)};
}

}  // namespace heimdall::analysis
