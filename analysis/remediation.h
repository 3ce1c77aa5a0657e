// remediation: what to do about a weakness, by CWE, as data
// (analysis/rules/remediation/remediation.json: top-level "description",
// "generic" and "cwes", each entry {"cwe", "name", "remediation"}; unknown
// fields are errors). Fills the remediation of findings whose rule or stage
// gave none, so every reported finding says what to do.
//
// Threads: a loaded table is immutable; lookups and fill_remediation may run
// on any number of threads over it. Errors: load_remediation_table returns
// not_found / io_error for the file and invalid_argument naming the entry
// for anything malformed (bad JSON, unknown or missing field, empty text,
// a CWE twice).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analysis/finding.h"
#include "base/result.h"

namespace heimdall::analysis {

class remediation_table {
 public:
  // The advice for `cwe`, or the generic advice when the table has none.
  const std::string& for_cwe(int cwe) const;
  bool has(int cwe) const { return by_cwe_.count(cwe) != 0; }

 private:
  std::map<int, std::string> by_cwe_;
  std::string generic_;

  friend result<remediation_table> load_remediation_table(const std::filesystem::path& file);
};

result<remediation_table> load_remediation_table(const std::filesystem::path& file);

// Gives every finding with an empty remediation the table's advice for its
// CWE; findings that have one keep it.
void fill_remediation(std::vector<finding>& findings, const remediation_table& table);

}  // namespace heimdall::analysis
