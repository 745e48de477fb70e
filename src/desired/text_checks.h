#pragma once
// Checks of a desired-state file's raw text, before yaml-cpp sees it: things YAML forbids
// that yaml-cpp either mishandles (a NUL makes 0.7 loop forever; a tab in indentation gets
// an unrelated message a line later) or lets through to the appliance, which then rejects
// the commit (invalid UTF-8). Pure: a function of the text.
#include "core/diagnostics.h"

#include <string>
#include <string_view>

namespace sps::desired {

/// Adds an error (file:line:col, with a hint) for the first control character or invalid
/// UTF-8 sequence, and one per tab used for indentation. Returns true when the file must
/// not be parsed. Columns count bytes, as yaml-cpp's do.
bool check_yaml_text(const std::string& name, std::string_view text, core::Diagnostics& out);

}  // namespace sps::desired
