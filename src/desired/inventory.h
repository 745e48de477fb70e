#pragma once
// The inventory of a fleet: the SPS appliances one run manages, and the desired state of
// each. An inventory.yaml is validated against schemas/inventory.json (compiled into the
// binary) with file:line:col, by the desired-state loader's YAML machinery
// (parse_yaml_file) and the project's JSON Schema validator. The smallest one:
//
//   appliances:
//     - name: sps-prod-1
//       url: https://sps-prod-1.example.com
//       ca_file: ca/prod.pem
//       desired: [desired-state/base, desired-state/prod]
//
// An entry may be an SPS cluster managed by Central Management: its url is the central
// management node (where plan, apply and drift go), and `cluster: {nodes: [fqdn, ...]}` names
// the managed hosts that must take each commit (`cluster: {}` accepts whatever hosts the
// central node lists).
//
// Relative paths (ca_file, the desired list, credential files) are relative to the
// inventory file's directory. Credentials are named by their source, never written: without
// a credentials entry the user comes from SPS_USERNAME and the password from SPS_PASSWORD.
// Variables (`vars`, the inventory's for every appliance, overridden by the appliance's own)
// are the values of `!var NAME` in that appliance's desired state; `appliance_name` is
// always defined (the entry's name).
// What this module does not do: connect to anything, read credentials (the CLI does, per
// appliance, when it connects) or load the desired state (desired/compose.h).
#include "core/diagnostics.h"
#include "core/error.h"
#include "desired/loader.h"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace sps::desired {

/// Where an appliance's credentials come from. Names and paths only, never a value.
struct CredentialSources {
  std::string username;                       // a literal user name (not a secret); else username_env
  std::string username_env = "SPS_USERNAME";
  std::string password_env = "SPS_PASSWORD";
  std::string password_file;                  // absolute or relative to the working directory; wins over password_env
  std::string client_cert;                    // PEM certificate + client_key, or client_pkcs12
  std::string client_key;
  std::string client_pkcs12;
  std::string key_passphrase_env = "SPS_CLIENT_KEY_PASSPHRASE";
  std::string key_passphrase_file;
};

/// One appliance of the inventory. Paths are already resolved against the inventory's
/// directory (kept relative when the inventory path was relative).
struct ApplianceEntry {
  std::string name;
  std::string url;
  std::string ca_file;  // "" = SPS_CA_FILE, else the system trust store
  std::string login_method;
  std::vector<std::string> groups;
  std::vector<std::filesystem::path> desired;  // the base first, then overlays
  Variables variables;                         // inventory vars, the appliance's own, appliance_name
  CredentialSources credentials;
  /// `cluster:`: the url is the Central Management node of an SPS cluster. apply refuses the
  /// entry unless the node says it is (GET /api/info roles), and after a commit waits until
  /// every managed host took it (apply/cluster_sync.h).
  bool cluster = false;
  std::vector<std::string> cluster_nodes;  // cluster.nodes: managed hosts (fqdn) that must be listed
  core::SourceLocation location;  // of the entry, for messages
};

/// A loaded inventory; appliances in file order.
struct Inventory {
  std::string file;  // as given
  std::vector<ApplianceEntry> appliances;
  const ApplianceEntry* find(const std::string& name) const;
};

/// The inventory and every problem found in it (file:line:col). Usable only without errors.
struct InventoryLoad {
  Inventory inventory;
  core::Diagnostics diagnostics;
};

/// Parses and validates an inventory's text. `directory` is what relative paths are
/// relative to. Pure (no file is read).
InventoryLoad parse_inventory(const SourceText& source);

/// Reads the inventory file (a regular file, at most 8 MiB) and parses it.
InventoryLoad load_inventory(const std::filesystem::path& file);

/// The appliances --limit selects, in inventory order: each limit is an appliance name or a
/// group; no limit selects every appliance. An unknown name is kInvalidArgument, with the
/// names and groups there are.
core::Result<std::vector<const ApplianceEntry*>> select_appliances(const Inventory& inventory,
                                                                   std::span<const std::string> limits);

/// The inventory's JSON Schema (schemas/inventory.json), compiled into the binary.
std::string_view inventory_schema_text();

}  // namespace sps::desired
