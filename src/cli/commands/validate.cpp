#include "cli/commands/validate.h"

#include "cli/desired_input.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/views/diagnostics_view.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <memory>
#include <ostream>

namespace sps::cli {
namespace json = boost::json;

namespace {

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "desired-state/: 17 resources in 6 files are valid" or
// "desired-state/: 3 errors, 1 warning (17 resources in 6 files)".
std::string summary_line(const ValidateOptions& options, const CheckedDesired& checked) {
  const std::size_t errors = checked.diagnostics.error_count();
  const std::size_t warnings = checked.diagnostics.count(core::Severity::kWarning);
  const std::string counts = plural(checked.state.resources.size(), "resource") + " in " +
                             plural(checked.state.files.size(), "file");
  if (errors == 0) {
    std::string line = options.path + ": " + counts + (checked.state.resources.size() == 1 ? " is" : " are") + " valid";
    if (warnings > 0) line += " (" + plural(warnings, "warning") + ")";
    return line;
  }
  return options.path + ": " + plural(errors, "error") + ", " + plural(warnings, "warning") + " (" + counts + ")";
}

}  // namespace

CLI::App* add_validate_options(CLI::App& app, ValidateOptions& options) {
  CLI::App* sub = app.add_subcommand("validate", "Check the desired state offline: YAML, schemas, references, secrets");
  sub->add_option("PATH", options.path, "Directory of *.yaml files (subdirectories too), or one file")->type_name("DIR|FILE")->capture_default_str();
  sub->add_option("--format", options.format, "Output format: text or json")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  sub->add_flag("--require-secrets", options.require_secrets,
                "Also read every !secret value (environment variable or file) and fail when one is missing");
  sub->add_option("--inventory", options.inventory,
                  "Check every appliance of this inventory (its desired list and variables) instead of PATH")
      ->type_name("FILE");
  sub->add_option("--limit", options.limits, "With --inventory: only these appliances or groups (repeatable)")
      ->type_name("NAME|GROUP");
  sub->footer(
      "Offline: needs no appliance and no secret values. Secret sources (`!secret env:NAME`,\n"
      "`!secret file:PATH`) are checked for syntax only, unless --require-secrets is given\n"
      "(use it in the job that applies, which holds the secrets).\n"
      "Reports every problem with file:line:column and a hint, all in one run.\n"
      "Examples:\n"
      "  sps-apply validate desired-state/\n"
      "  sps-apply validate policies.yaml --format json   # machine-readable diagnostics\n"
      "  sps-apply validate --inventory inventory.yaml    # every appliance of a fleet");
  return sub;
}

Command setup_validate(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* sub = add_validate_options(app, *options);
  return {sub, [options](Io& io) { return run_validate(*options, io); }};
}

int run_validate(const ValidateOptions& options, Io& io) {
  if (!options.inventory.empty()) return run_validate_inventory(options, io);
  const CheckedDesired checked =
      load_checked_desired(options.path, options.require_secrets ? desired::SecretResolution::kRequired
                                                                 : desired::SecretResolution::kSyntaxOnly);
  const std::size_t unread = unavailable_secrets(checked.state).size();
  const bool valid = !checked.diagnostics.has_errors();
  const std::string summary = summary_line(options, checked);
  if (options.format == "json") {
    const std::size_t errors = checked.diagnostics.error_count();
    json::object report;
    report["format_version"] = kValidateReportVersion;
    report["valid"] = valid;
    report["path"] = options.path;
    report["diagnostics"] = diagnostics_to_json(checked.diagnostics);
    report["summary"] = summary;
    report["resources"] = checked.state.resources.size();
    report["files"] = checked.state.files.size();
    report["errors"] = errors;
    report["warnings"] = checked.diagnostics.count(core::Severity::kWarning);
    report["secrets_resolved"] = options.require_secrets;
    io.out << json::serialize(report) << '\n';
  } else {
    render_diagnostics_text(checked.diagnostics, io.out, io.color);
    io.out << summary << '\n';
    if (unread > 0) {
      io.out << plural(unread, "secret source") << " checked for syntax only; --require-secrets also reads "
             << (unread == 1 ? "it" : "them") << '\n';
    }
  }
  return valid ? kExitOk : kExitError;
}

}  // namespace sps::cli
