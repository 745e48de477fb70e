#pragma once
// Loading the desired state for any command (validate, plan, apply, drift): load the YAML,
// then validate it offline against the built-in catalog. Shared so every command reports
// exactly the same problems as `validate`.
#include "core/diagnostics.h"
#include "model/model.h"

#include <filesystem>

namespace sps::cli {

/// The loaded state and every problem found while loading and validating it, sorted by
/// location. The state is usable only when diagnostics.has_errors() is false.
struct CheckedDesired {
  model::DesiredState state;
  core::Diagnostics diagnostics;
};

/// Loads `path` with secrets from the process environment and files, and validates it.
CheckedDesired load_checked_desired(const std::filesystem::path& path);

}  // namespace sps::cli
