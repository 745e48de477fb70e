#pragma once
// The values the pure core works on: resources with bodies, as desired (from YAML) or as
// live (from the appliance, normalized). No I/O here.
//
// A body is written exactly as the SPS API documents it, with two differences that make
// desired and live comparable:
//   * references hold the target's *name* (identity) for collections, or its key when
//     the target has no name (NIC addresses, x509); a literal key written by the user as
//     {"key": "..."} stays a key;
//   * write-only secrets (password objects) are not readable: live bodies hold the
//     password object's key, desired bodies hold the resolved secret (never printed).
#include "core/diagnostics.h"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sps::model {

/// Identifies a resource: its kind path and, for collection items, its identity value.
/// Rendered as "management/email" or "policies/backup_policies[nightly]".
struct Address {
  std::string kind;
  std::string name;  // empty for singletons

  std::string to_string() const;
  friend auto operator<=>(const Address&, const Address&) = default;
};

/// Where a secret value came from, for messages ("env:SMB_PASSWORD"). Never the value.
struct SecretSource {
  std::string pointer;      // inside the body
  std::string description;  // "env:NAME" or "file:PATH"
  /// False when the value was not resolved (read-only commands run without secrets, see
  /// desired::SecretResolution): the body then holds a stand-in that must never be sent
  /// or compared.
  bool available = true;
};

/// One resource (a singleton body or one collection item).
struct Resource {
  Address address;
  boost::json::value body;
  std::string key;  // live only: the server key ("-100", "7f2c...", "email"); empty in desired
  bool builtin = false;  // live only: built-in object (negative key), cannot be deleted
  /// desired only: body pointer -> location in the YAML ("" = the resource itself).
  std::map<std::string, core::SourceLocation> locations;
  /// desired only: pointers whose values came from !secret tags.
  std::vector<SecretSource> secrets;
  /// live only: fields the appliance returned that the kind's schema does not know. They
  /// are left out of comparisons and sent back unchanged on writes, never dropped.
  std::vector<std::pair<std::string, boost::json::value>> preserved;

  /// Best location for a body pointer: the pointer itself, else its nearest ancestor.
  core::SourceLocation location_of(const std::string& pointer) const;
  /// The secret source at a body pointer, or nullptr when the value is not from !secret.
  const SecretSource* secret_at(const std::string& pointer) const;
};

/// Desired-state settings from the reserved top-level key "sps-apply".
struct Settings {
  std::set<std::string> prune;                // kinds whose unmanaged items are deleted
  std::vector<std::string> ignore;            // "kind[name]/pointer" or "kind/pointer" rules
  std::map<std::string, core::SourceLocation> kind_locations;  // where each kind's key is
  std::map<std::string, core::SourceLocation> prune_locations;  // prune entry -> where it is written
  std::vector<core::SourceLocation> ignore_locations;           // parallel to ignore
};

/// Everything the YAML files declare, merged.
struct DesiredState {
  std::vector<Resource> resources;  // sorted by address
  Settings settings;
  std::vector<std::string> files;   // files read, in order
  /// Discovered kinds (no schema file; catalog/discover.h) the YAML declares. Until
  /// bind_discovered() (model/discovered.h) learns their shape from the appliance, each is
  /// one resource {kind, ""} holding the whole YAML value (a body, or a list of them).
  std::set<std::string> discovered;
  const Resource* find(const Address& a) const;
};

/// Everything read from the appliance for the managed kinds, normalized.
struct LiveState {
  std::vector<Resource> resources;  // sorted by address
  std::set<std::string> kinds;      // kinds that were fetched
  std::set<std::string> missing_kinds;  // kinds the appliance does not have (404)
  /// Per kind, the raw item order as the appliance listed it (identity values).
  std::map<std::string, std::vector<std::string>> order;
  const Resource* find(const Address& a) const;
};

}  // namespace sps::model
