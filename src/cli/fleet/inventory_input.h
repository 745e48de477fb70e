#pragma once
// The CLI side of an inventory (desired/inventory.h): loading it for a command, --limit, and
// what one appliance's run needs: its desired state (layers and variables) and its connection
// options (URL, CA file, login method, credential sources). Shared by validate, plan, apply
// and drift with --inventory.
#include "cli/cli.h"
#include "cli/connection.h"
#include "cli/desired_input.h"
#include "desired/inventory.h"

#include <optional>
#include <string>
#include <vector>

namespace sps::cli {

/// A loaded inventory and the appliances selected by --limit, in inventory order.
struct FleetSelection {
  desired::Inventory inventory;
  std::vector<const desired::ApplianceEntry*> appliances;
};

/// Loads and validates the inventory and applies --limit. On a problem, prints every
/// diagnostic (file:line:col) or the --limit error to io.err and returns nullopt.
/// The returned value owns the entries the pointers point to: do not copy it.
std::unique_ptr<FleetSelection> load_fleet_or_report(const std::string& inventory_file,
                                                     const std::vector<std::string>& limits, Io& io);

/// The desired state of one appliance: its layers, its variables, the inventory's directory
/// as the root of `!secret file:` sources and saved plans.
DesiredSource desired_source_of(const desired::ApplianceEntry& appliance, const std::string& inventory_file);

/// The connection options of one appliance: the inventory's URL, CA file, login method and
/// credential sources; the command line's timeouts, deadline, size limit and --verbose.
ConnectionOptions connection_of(const desired::ApplianceEntry& appliance, const ConnectionOptions& command_line);

/// Connection flags that name one appliance and so make no sense with --inventory (--url,
/// --username, --password-file, --ca-file, --login-method, --client-*): the first one given,
/// or "" when none is.
std::string per_appliance_flag(const ConnectionOptions& command_line);

}  // namespace sps::cli
