#pragma once
// Wording shared by the drift renderers (internal to src/drift), so text, Markdown and JUnit
// describe a finding in the same words and mask secrets the same way.
#include "drift/drift.h"

#include <string>

namespace sps::drift {

/// The desired (Git) or live (appliance) value of a field as shown to users; secrets masked.
std::string value_text(const diff::FieldChange& f, bool desired);
/// "timeout: git 15, appliance 30".
std::string field_line(const FieldFinding& f);
/// "changed on the appliance", "missing on the appliance (in Git only)", ...
std::string status_text(const ResourceReport& r);
/// The closing line: counts, and whether there is drift.
std::string summary_line(const DriftReport& report);
/// Why a field is reported as unknowable: a write-only secret, or a secret whose value was
/// not available to this run.
std::string unknowable_text(const FieldFinding& f);

}  // namespace sps::drift
