#include "cli/fleet/inventory_input.h"

#include "cli/commands/plan_support.h"
#include "cli/views/diagnostics_view.h"

#include <filesystem>
#include <ostream>

namespace sps::cli {

std::unique_ptr<FleetSelection> load_fleet_or_report(const std::string& inventory_file,
                                                     const std::vector<std::string>& limits, Io& io) {
  auto selection = std::make_unique<FleetSelection>();
  desired::InventoryLoad loaded = desired::load_inventory(inventory_file);
  if (loaded.diagnostics.has_errors()) {
    loaded.diagnostics.sort();
    render_diagnostics_text(loaded.diagnostics, io.err, false);
    io.err << "error: the inventory " << inventory_file << " is invalid; nothing was sent to any appliance\n";
    return nullptr;
  }
  selection->inventory = std::move(loaded.inventory);
  auto selected = desired::select_appliances(selection->inventory, limits);
  if (!selected) {
    print_error(selected.error(), io);
    return nullptr;
  }
  selection->appliances = std::move(*selected);
  return selection;
}

DesiredSource desired_source_of(const desired::ApplianceEntry& appliance, const std::string& inventory_file) {
  DesiredSource source;
  source.layers = appliance.desired;
  source.variables = appliance.variables;
  std::string layers;
  for (const auto& l : appliance.desired) layers += (layers.empty() ? "" : ", ") + l.generic_string();
  source.shown = appliance.name + " (" + layers + ")";
  const std::filesystem::path directory = std::filesystem::path(inventory_file).parent_path();
  source.root = desired_root_of(directory.empty() ? std::string(".") : directory.string());
  return source;
}

ConnectionOptions connection_of(const desired::ApplianceEntry& appliance, const ConnectionOptions& command_line) {
  ConnectionOptions options = command_line;
  const desired::CredentialSources& c = appliance.credentials;
  options.url = appliance.url;
  options.ca_file = appliance.ca_file;
  options.login_method = appliance.login_method;
  options.username = c.username;
  options.username_env = c.username_env;
  options.password_env = c.password_env;
  options.password_file = c.password_file;
  options.client_cert = c.client_cert;
  options.client_key = c.client_key;
  options.client_pkcs12 = c.client_pkcs12;
  options.passphrase_env = c.key_passphrase_env;
  options.client_key_passphrase_file = c.key_passphrase_file;
  options.keep_stop_request = true;
  return options;
}

std::string per_appliance_flag(const ConnectionOptions& o) {
  const std::pair<const std::string*, const char*> flags[] = {
      {&o.url, "--url"},
      {&o.username, "--username"},
      {&o.password_file, "--password-file"},
      {&o.ca_file, "--ca-file"},
      {&o.login_method, "--login-method"},
      {&o.client_cert, "--client-cert"},
      {&o.client_key, "--client-key"},
      {&o.client_pkcs12, "--client-pkcs12"},
      {&o.client_key_passphrase_file, "--client-key-passphrase-file"}};
  for (const auto& [value, flag] : flags) {
    if (!value->empty()) return flag;
  }
  return {};
}

}  // namespace sps::cli
