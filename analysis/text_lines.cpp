#include "analysis/text_lines.h"

#include <algorithm>

namespace heimdall::analysis {

text_lines::text_lines(std::string_view text) : text_(text) {
  for (std::size_t pos = 0; pos < text.size();) {
    starts_.push_back(pos);
    std::size_t end = text.find('\n', pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
  }
}

std::string_view text_lines::line(std::size_t index) const {
  if (index >= starts_.size()) return {};
  std::size_t begin = starts_[index];
  // The next line's start is one past this one's LF; the last line ends at
  // the text's end, or before its final LF.
  std::size_t end = index + 1 < starts_.size() ? starts_[index + 1] - 1
                    : text_.ends_with('\n')  ? text_.size() - 1
                                              : text_.size();
  return text_.substr(begin, end - begin);
}

std::size_t text_lines::index_of(std::size_t offset) const {
  return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
}

}  // namespace heimdall::analysis
