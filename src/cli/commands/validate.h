#pragma once
// `sps-apply validate [PATH] [--format text|json]`: offline checks of the desired state
// (YAML syntax, schemas, references, secrets, settings). Never contacts an appliance.
#include "cli/cli.h"

#include <string>
#include <vector>

namespace sps::cli {

/// format_version of `validate --format json` (schemas/output/README.md).
inline constexpr const char* kValidateReportVersion = "1.0";

/// Parsed options of `validate`.
struct ValidateOptions {
  std::string path = "desired-state/";  // a directory of *.yaml files or one file
  std::string format = "text";          // "text" or "json"
  bool require_secrets = false;         // resolve !secret values (else check their syntax)
  std::string inventory;                // validate every appliance of this inventory instead of path
  std::vector<std::string> limits;      // --limit NAME|GROUP: only these appliances
};

/// Adds the "validate" subcommand to app, binding its options to `options` (which must
/// outlive app). Split from setup_validate so tests can check parsing alone.
CLI::App* add_validate_options(CLI::App& app, ValidateOptions& options);

/// Registers "validate" (see commands/command_list.h).
Command setup_validate(CLI::App& app);

/// With --inventory: loads the inventory and checks every selected appliance's composed
/// desired state offline; each problem is printed once however many appliances share it.
int run_validate_inventory(const ValidateOptions& options, Io& io);

/// Loads and validates options.path, prints every problem and a summary line.
/// Returns kExitOk when valid, kExitError when any error was found.
int run_validate(const ValidateOptions& options, Io& io);

}  // namespace sps::cli
