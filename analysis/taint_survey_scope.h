// taint_survey_scope: the text tests by which the taint engine's first pass
// (the survey, run_taint_analysis) leaves out whole language families whose
// survey cannot change a result, without parsing them.
//
// A survey feeds two things. The call graph (taint_calls.h), which resolves
// a call only within the caller's family (family()) — but for JavaScript's
// module paths, which may name a file of any language by its file name —
// so a family none of whose files is analysed needs none of it. And the
// project-wide literal_functions (taint_constants.h), which counts each
// function name over every language: a skipped file must define no name
// that an analysed family's code could ask about. These helpers
// over-approximate both from the text alone; a name they missed could
// change a result, one too many only costs a survey.
//
// Names are compared by hash (taint_calls.h name_hash): a collision only
// keeps a survey.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "analysis/language.h"

namespace heimdall::analysis::taint_detail {

// The hashes of every name `text` (a file of `lang`) could define a
// function or method by, as literal_returns names them, and more:
// Python: the identifier after each `def`; Java: each identifier but a
// reserved word that a `(` or `{` follows, past blanks and comments, and
// that no `.` comes right before (a method's, a constructor's, a record's
// compact constructor's name is the record's); any other language: every
// identifier — JavaScript's must stay so: a JavaScript file calling into
// another family is found by the names it writes (plan_survey). Sorted,
// distinct.
std::vector<std::uint64_t> definable_names(language lang, std::string_view text);

// Whether `text` writes, as an identifier, a name whose hash is in `names`
// (every name a call in the text could be looked up by is one).
bool writes_any(std::string_view text, const std::unordered_set<std::uint64_t>& names);

// Whether a JavaScript or TypeScript `text` holds one of `file_names`
// (hashes of files' last path components) as a piece of a string between
// quotes and slashes: a module path naming such a file (the engine takes
// a module path as written, escapes and all).
bool names_a_file(std::string_view text, const std::unordered_set<std::uint64_t>& file_names);

}  // namespace heimdall::analysis::taint_detail
