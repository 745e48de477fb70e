#pragma once
// Loading the desired state for any command (validate, plan, apply, drift): load the YAML,
// then validate it offline against the built-in catalog. Shared so every command reports
// exactly the same problems as `validate`.
#include "cli/cli.h"
#include "core/diagnostics.h"
#include "model/model.h"

#include <filesystem>
#include <optional>
#include <string>

namespace sps::cli {

/// The loaded state and every problem found while loading and validating it, sorted by
/// location. The state is usable only when diagnostics.has_errors() is false.
struct CheckedDesired {
  model::DesiredState state;
  core::Diagnostics diagnostics;
};

/// Loads `path` with secrets from the process environment and files, and validates it.
CheckedDesired load_checked_desired(const std::filesystem::path& path);

/// For commands that go on to talk to an appliance: the checked desired state, or nullopt
/// after printing every problem to io.err with a last line saying the command stopped
/// before contacting the appliance.
std::optional<CheckedDesired> load_desired_or_report(const std::string& path, Io& io);

}  // namespace sps::cli
