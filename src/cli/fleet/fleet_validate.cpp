// `sps-apply validate --inventory FILE [--limit NAME|GROUP]...`: every selected appliance's
// desired state (its layers composed, its variables), checked offline as `validate` checks
// one directory. A base shared by many appliances is reported once per problem, not once per
// appliance; the summary says which appliances are invalid.
#include "cli/commands/validate.h"
#include "cli/exit_codes.h"
#include "cli/fleet/inventory_input.h"
#include "cli/views/diagnostics_view.h"

#include <boost/json.hpp>

#include <ostream>
#include <set>
#include <tuple>

namespace sps::cli {
namespace json = boost::json;

int run_validate_inventory(const ValidateOptions& options, Io& io) {
  const auto fleet = load_fleet_or_report(options.inventory, options.limits, io);
  if (!fleet) return kExitError;
  const auto resolution =
      options.require_secrets ? desired::SecretResolution::kRequired : desired::SecretResolution::kSyntaxOnly;
  core::Diagnostics all;
  std::set<std::tuple<std::string, int, int, std::string>> seen;
  json::array appliances;
  std::vector<std::string> lines;
  std::size_t invalid = 0;
  for (const desired::ApplianceEntry* appliance : fleet->appliances) {
    const CheckedDesired checked = load_checked_desired(desired_source_of(*appliance, options.inventory), resolution);
    for (const auto& d : checked.diagnostics.items()) {
      if (seen.emplace(d.where.file, d.where.line, d.where.column, d.message).second) all.add(d);
    }
    const std::size_t errors = checked.diagnostics.error_count();
    invalid += errors > 0 ? 1 : 0;
    const std::string counts = std::to_string(checked.state.resources.size()) + " resources in " +
                               std::to_string(checked.state.files.size()) + " files";
    lines.push_back(appliance->name + ": " +
                    (errors == 0 ? counts + " valid" : std::to_string(errors) + " errors (" + counts + ")"));
    appliances.push_back({{"name", appliance->name},
                          {"valid", errors == 0},
                          {"resources", checked.state.resources.size()},
                          {"files", checked.state.files.size()},
                          {"errors", errors}});
  }
  all.sort();
  const std::size_t count = fleet->appliances.size();
  const std::string summary = options.inventory + ": " +
                              (invalid == 0 ? "the desired states of " + std::to_string(count) + " appliances are valid"
                                            : std::to_string(invalid) + " of " + std::to_string(count) +
                                                  " appliances have an invalid desired state");
  if (options.format == "json") {
    json::object report{{"format_version", kValidateReportVersion},
                        {"valid", invalid == 0},
                        {"inventory", options.inventory},
                        {"appliances", std::move(appliances)},
                        {"diagnostics", diagnostics_to_json(all)},
                        {"summary", summary},
                        {"secrets_resolved", options.require_secrets}};
    io.out << json::serialize(report) << '\n';
  } else {
    render_diagnostics_text(all, io.out, io.color);
    for (const auto& line : lines) io.out << line << '\n';
    io.out << summary << '\n';
  }
  return invalid == 0 ? kExitOk : kExitError;
}

}  // namespace sps::cli
