// text_lines: a text's lines by index, for the analyses that report and look
// up lines. Lines are separated by LF, and a final LF ends the last line
// rather than starting an empty one (an empty text has no lines). A view:
// the text must outlive it. Immutable once built; thread-safe to read.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace heimdall::analysis {

class text_lines {
 public:
  explicit text_lines(std::string_view text);

  std::size_t size() const { return starts_.size(); }
  // Byte offset of line `index` (0-based; index < size()).
  std::size_t start(std::size_t index) const { return starts_[index]; }
  // Line `index` without its LF; empty for an index past the end. O(1).
  std::string_view line(std::size_t index) const;
  // The index of the line that holds byte `offset` (the text not empty,
  // offset <= its size).
  std::size_t index_of(std::size_t offset) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

}  // namespace heimdall::analysis
