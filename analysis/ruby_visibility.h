// ruby_visibility: which instance methods of a Ruby file its visibility
// rules leave private or protected, read from the tree-sitter-ruby tree.
// Each class or module body starts public; a bare `private` / `protected` /
// `public` (or `module_function`) sets the visibility of the `def`s after it
// in that body; `private :a, :b` (or "a") changes methods already defined
// there; `private def x ... end` defines a private method. A nested class has
// its own sections, so the methods of a second class after a first one's
// `private` are public again. Methods of `class << self` are class methods:
// counted as not public, since no instance calls them.
//
// Pure; thread-safe (a parser per call, syntax.h).
#pragma once

#include <set>
#include <string_view>

namespace heimdall::analysis {

// The 1-based lines where the `def` of each such method starts; empty for a
// file that does not parse (every method counts as public then).
std::set<int> ruby_nonpublic_method_lines(std::string_view path, std::string_view content);

}  // namespace heimdall::analysis
