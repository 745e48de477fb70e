#pragma once
// A YAML alias (*name) stands for a copy of the anchored node (&name). yaml-cpp shares the
// node instead of copying it, so a 600-byte "billion laughs" file parses at once, and only
// converting it to JSON expands it, to gigabytes. check_aliases() measures what every alias
// adds, from yaml-cpp's event stream (which never expands anything), before the document
// is loaded as a tree. Internal to desired/.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sps::desired {

/// Why a document's aliases expand too far, and where the alias that crossed the limit is
/// (0-based line and column in the document, as yaml-cpp's marks).
struct AliasProblem {
  int line = 0;
  int column = 0;
  std::string message;
  std::string hint;
};

/// Checks one YAML document against kMaxAliases, kMaxAliasNodes and kMaxAliasBytes (limits.h),
/// and for an alias inside the value it names (a cycle).
/// Returns nullopt when the document is within them, or does not parse (loading reports that).
std::optional<AliasProblem> check_aliases(std::string_view document);

}  // namespace sps::desired
