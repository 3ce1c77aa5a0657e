#include "analysis/static_analysis.h"

#include <cstring>

#include "analysis/ordered_work.h"
#include "analysis/source_read.h"

namespace heimdall::analysis {
namespace {

// What one file gave, kept until its turn to be reported.
struct file_result {
  int read_error = 0;
  std::uint64_t bytes = 0;
  std::vector<finding> found;
};

}  // namespace

result<static_analysis_summary> run_static_analysis(const std::filesystem::path& root, const inventory& files,
                                                    const rule_pack& rules, const secret_detector& secrets,
                                                    const std::function<void(finding)>& on_finding,
                                                    const std::function<bool()>& cancelled, unsigned threads) {
  static_analysis_summary summary;
  std::vector<file_result> results(files.files.size());
  auto work = [&](std::size_t i, unsigned) {
    const source_file& file = files.files[i];
    file_result& r = results[i];
    std::string content;
    if ((r.read_error = read_source_file(root / file.path, content)) != 0) return;
    r.bytes = content.size();
    r.found = match(rules, file.path, file.lang, content);
    std::vector<finding> more = find_secrets(secrets, file.path, content);
    r.found.insert(r.found.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  auto done = [&](std::size_t i) {
    file_result r = std::move(results[i]);
    if (r.read_error != 0) {
      summary.notes.push_back(
          {files.files[i].path, std::string("skipped: cannot read: ") + std::strerror(r.read_error)});
      return;
    }
    ++summary.files_scanned;
    summary.bytes_scanned += r.bytes;
    for (finding& f : r.found) {
      ++summary.findings;
      on_finding(std::move(f));
    }
  };
  if (!run_in_order(files.files.size(), threads ? threads : default_analysis_threads(), work, done, cancelled)) {
    return status(errc::closed, "static analysis cancelled");
  }
  return summary;
}

}  // namespace heimdall::analysis
