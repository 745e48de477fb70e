#pragma once
// Loading the desired state for any command (validate, plan, apply, drift): load the YAML,
// then validate it offline against the built-in catalog. Shared so every command reports
// exactly the same problems as `validate`.
#include "cli/cli.h"
#include "core/diagnostics.h"
#include "desired/loader.h"
#include "model/model.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sps::cli {

/// The loaded state and every problem found while loading and validating it, sorted by
/// location. The state is usable only when diagnostics.has_errors() is false.
struct CheckedDesired {
  model::DesiredState state;
  core::Diagnostics diagnostics;
};

/// What a command loads: one directory or file, or an inventory appliance's desired list
/// (a base and overlays, desired/compose.h) with its variables (`!var NAME`).
struct DesiredSource {
  std::vector<std::filesystem::path> layers;
  std::optional<desired::Variables> variables;  // nullopt: no inventory, every !var is an error
  std::string shown;                            // in messages: the path, or "NAME (a, b)"

  static DesiredSource of_path(const std::string& path);
  /// The directory `!secret file:` sources and saved plans are relative to (desired_root_of
  /// of a single path).
  std::string root;
};

/// Loads the source's layers with secrets from the process environment and files, composes
/// and validates them. Every problem of every layer is reported, sorted by location.
CheckedDesired load_checked_desired(const DesiredSource& source,
                                    desired::SecretResolution resolution = desired::SecretResolution::kRequired);

/// Loads `path` with secrets from the process environment and files, and validates it.
/// `resolution` says whether secret values are needed (apply) or optional (plan, drift) or
/// not read at all (validate without --require-secrets).
CheckedDesired load_checked_desired(const std::filesystem::path& path,
                                    desired::SecretResolution resolution = desired::SecretResolution::kRequired);

/// For commands that go on to talk to an appliance: the checked desired state, or nullopt
/// after printing every problem to io.err with a last line saying the command stopped
/// before contacting the appliance.
std::optional<CheckedDesired> load_desired_or_report(const std::string& path, desired::SecretResolution resolution,
                                                     Io& io);

std::optional<CheckedDesired> load_desired_or_report(const DesiredSource& source, desired::SecretResolution resolution,
                                                     Io& io);

/// The sources of the secrets that were not available ("env:NAME"), sorted, without repeats.
std::vector<std::string> unavailable_secrets(const model::DesiredState& state);

}  // namespace sps::cli
