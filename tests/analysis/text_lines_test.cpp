#include <catch2/catch.hpp>

#include "analysis/text_lines.h"

using heimdall::analysis::text_lines;

TEST_CASE("text_lines: LF-separated lines, a final LF ends the last one, offsets map back to lines", "[text_lines]") {
  const text_lines lines("one\ntwo\r\n\nfour\n");
  REQUIRE(lines.size() == 4);
  CHECK(lines.line(0) == "one");
  CHECK(lines.line(1) == "two\r");
  CHECK(lines.line(2).empty());
  CHECK(lines.line(3) == "four");
  CHECK(lines.line(4).empty());  // past the end
  CHECK(lines.start(3) == 10);
  CHECK(lines.index_of(0) == 0);
  CHECK(lines.index_of(3) == 0);  // the LF belongs to its line
  CHECK(lines.index_of(4) == 1);
  CHECK(lines.index_of(12) == 3);

  const text_lines unterminated("a\nb");
  REQUIRE(unterminated.size() == 2);
  CHECK(unterminated.line(1) == "b");
  CHECK(text_lines("").size() == 0);
}
