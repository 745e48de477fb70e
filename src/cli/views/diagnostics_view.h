#pragma once
// How diagnostics look to people and to machines. Used by every command that loads the
// desired state. Text format, one problem per line (what editors and CI annotators parse):
//   desired-state/policies.yaml:12:5: error: unknown field "prot" in ...
//     hint: did you mean "port"?
#include "core/diagnostics.h"

#include <boost/json/array.hpp>

#include <iosfwd>

namespace sps::cli {

/// Writes each diagnostic as "file:line:col: severity: message" plus an indented
/// "hint: ..." line when there is a hint. With color, severities and hints are coloured.
void render_diagnostics_text(const core::Diagnostics& diagnostics, std::ostream& out, bool color);

/// [{file, line, column, severity, message, hint, resource, pointer}, ...]; unknown line and
/// column are null, absent strings are "".
boost::json::array diagnostics_to_json(const core::Diagnostics& diagnostics);

}  // namespace sps::cli
