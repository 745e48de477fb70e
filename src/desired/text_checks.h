#pragma once
// Checks of a desired-state file's raw text, before yaml-cpp sees it: things YAML forbids
// that yaml-cpp either mishandles (a NUL makes 0.7 loop forever; a tab in indentation gets
// an unrelated message a line later) or lets through to the appliance, which then rejects
// the commit (invalid UTF-8). Also the loader's other work on raw text: documents, quotes.
// Pure: functions of the text.
#include "core/diagnostics.h"

#include <string>
#include <string_view>
#include <vector>

namespace sps::desired {

/// Adds an error (file:line:col, with a hint) for the first control character or invalid
/// UTF-8 sequence, and one per tab used for indentation. Returns true when the file must
/// not be parsed. Columns count bytes, as yaml-cpp's do.
bool check_yaml_text(const std::string& name, std::string_view text, core::Diagnostics& out);

/// True unless text[pos] opens a quoted scalar that has no closing quote before the end.
bool quote_is_closed(const std::string& text, int pos);

/// One YAML document of a file: its text, and where it starts (0-based line, byte offset).
struct DocumentText {
  std::string_view text;
  int line = 0;
  std::size_t pos = 0;
};

/// Splits a file at its document markers: a line starting with "---" begins a document (the
/// marker stays in it), a line starting with "..." ends one.
std::vector<DocumentText> split_documents(std::string_view text);

/// The 0-based line of the first line that is not blank, a comment or a document marker; -1 if none.
int first_content_line(std::string_view text);

}  // namespace sps::desired
