#pragma once
// Parsing of desired-state files (the part of loading that is yaml-cpp's): each file's text
// is checked (text_checks.h), split into documents and parsed into compact trees
// (yaml_tree.h), with the syntax errors located in the file. Depends on nothing but the
// text, so load_desired_sources parses several files at once and then converts them in
// order. Internal to desired/.
#include "core/diagnostics.h"
#include "desired/loader.h"
#include "desired/text_checks.h"
#include "desired/yaml_tree.h"

#include <yaml-cpp/mark.h>

#include <span>
#include <string>
#include <vector>

namespace sps::desired {

/// A yaml-cpp mark as a location: marks are 0-based and -1 when unknown; diagnostics are
/// 1-based, 0 = unknown.
core::SourceLocation location(const std::string& file, const YAML::Mark& mark);
/// A mark of one document's parse (parsed on its own) as a location in the whole file.
core::SourceLocation location(const std::string& file, const DocumentText& document, YAML::Mark mark);

enum class Parsed { kNode, kEmpty, kStop };

/// One document of a file, parsed: the tree, or why there is none.
struct ParsedDocument {
  DocumentText document;
  YamlNode root;
  Parsed status = Parsed::kEmpty;
  core::Diagnostics diagnostics;  // its syntax errors, reported when loading reaches it
};

/// A file's documents, parsed. Parsing (yaml-cpp's part of loading) depends on nothing but the
/// file's text, so several files are parsed at once; loading then reports the diagnostics
/// in the order a file-by-file load would.
struct ParsedFile {
  core::Diagnostics text_diagnostics;     // check_yaml_text
  bool rejected = false;                  // the text cannot be parsed at all
  std::vector<ParsedDocument> documents;  // up to the first that stops the file
};

/// Parses one file. `plain`: not a desired state (the inventory), for the hints.
ParsedFile parse_file(const SourceText& source, bool plain);

/// Parses every file, several at once when there are several (one thread per core, at most
/// one per file): the parser is most of loading's time, and files share nothing until their
/// trees are converted, in file order, on the calling thread.
std::vector<ParsedFile> parse_files(std::span<const SourceText> sources);

}  // namespace sps::desired
