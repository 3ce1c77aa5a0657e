// scan_options: the options `heimdall serve` and `heimdall scan` share for
// configuring the scan pipeline, parsed into scan_service_options.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "actors/scan_service.h"
#include "tools/args.h"

namespace heimdall::tools {

// The valued options below, for an args declaration.
std::set<std::string> scan_option_names();

// Help text lines for those options.
extern const char* const kScanOptionsHelp;

// Fills `out` from the parsed words; workspaces go under `data_dir`.
// Returns an error message for a malformed value.
std::optional<std::string> parse_scan_options(const args& a, const std::string& data_dir,
                                              actors::scan_service_options& out);

}  // namespace heimdall::tools
