#pragma once
// Export: turns the live state of an appliance into desired-state YAML that sps-apply loads
// back, for adopting an appliance that was configured by hand (Terraform's
// -generate-config-out, NSO's sync-from). Pure: the live state was read elsewhere
// (apply::read_live) and the caller writes the files.
//
// What is exported: every kind the user writes (not catalog::Kind::builtin), one file per
// area (export_file()), collections as lists of bodies identified by their name, references
// as names (normalized live bodies already hold them). What is not: built-in objects (keys
// starting with "-", such as the default audit policy), server-computed fields (dropped by
// normalization), fields the schema does not know (Resource::preserved: reported as
// warnings), and secret values. Every secret, inline (a Splunk token) or write-only (a
// password object), becomes `!secret env:SPS_<KIND>[_<NAME>]_<FIELD>`; the variables are
// listed in a generated README.md.
//
// Output is deterministic: kinds in path order, items in name order, the identity field
// first and the other keys sorted, so exporting the same appliance twice gives identical
// bytes. The YAML is written by hand, not with yaml-cpp (only src/desired may use it):
// strings are plain only when no YAML schema could read them as anything but a string,
// otherwise JSON-style double-quoted, which is valid YAML.
//
// The namespace is sps::exporter because `export` is a C++ keyword.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "core/error.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sps::exporter {

/// One generated file: its name in the output directory and its text.
struct ExportedFile {
  std::string name;  // "policies.yaml", "README.md"
  std::string text;
};

/// An environment variable a secret placeholder needs.
struct SecretVariable {
  std::string name;      // "SPS_SPLUNK_FORWARDER_TOKEN"
  std::string resource;  // "management/splunk_forwarder"
  std::string pointer;   // "/token"
  bool write_only = false;  // password/private-key object: any value keeps the existing one
};

/// An endpoint `export --all` leaves out, and why.
struct Skipped {
  std::string path;  // relative to /api/configuration
  std::string why;
};

/// Everything an export produced.
struct Export {
  std::vector<ExportedFile> files;       // the YAML files in name order, then README.md
  std::vector<SecretVariable> secrets;   // sorted by name
  core::Diagnostics warnings;            // unknown live fields that were left out
  std::vector<std::string> kinds;        // kinds exported
  std::vector<Skipped> skipped;          // endpoints left out (export --all), listed in README.md
};

/// The kinds `export` writes: every kind that is not builtin, or `only` (in path order).
/// Fails with kInvalidArgument naming a kind in `only` that is unknown or built-in.
core::Result<std::vector<std::string>> export_kinds(const catalog::Catalog& catalog,
                                                    const std::vector<std::string>& only);

/// The file a kind is written to: policies.yaml, local-services.yaml, management.yaml, or
/// forwarders.yaml for the Splunk, universal SIEM and syslog forwarders.
std::string export_file(std::string_view kind);

/// "SPS_<KIND>[_<NAME>]_<FIELD>": the last segment of the kind path, the item's name and the
/// pointer, upper case, every other character as "_".
std::string secret_variable(const model::Address& address, std::string_view pointer);

/// Builds the files for `kinds` from the live state. Kinds the appliance does not have
/// (LiveState::missing_kinds) are skipped with a warning.
/// `skipped` is listed in the README (export --all).
Export build_export(const model::LiveState& live, const catalog::Catalog& catalog,
                    const std::vector<std::string>& kinds, std::vector<Skipped> skipped = {});

/// What `export --all` does with the endpoints a crawl found: curated kinds the user writes
/// are exported as usual; other endpoints become discovered kinds (derived from their GET
/// documents); built-in, write-once, documented read-only endpoints and ones sps-apply
/// cannot write (a directory-like answer, a collection whose objects have no name) are
/// skipped with the reason.
struct Selection {
  std::vector<std::string> kinds;           // to read and export, sorted
  std::vector<catalog::Kind> discovered;    // derived kinds among them
  std::vector<Skipped> skipped;             // sorted by path
};
Selection select_endpoints(const std::map<std::string, boost::json::value>& endpoints,
                           const catalog::Catalog& catalog);

/// Marks members of a discovered kind whose names say they hold a credential (password,
/// passphrase, secret, token, community) as inline secrets, so the export writes a !secret
/// placeholder instead of the value. References (password objects) are already secrets.
void mark_likely_secrets(catalog::Kind& kind);

/// A YAML scalar for a string: plain when unambiguous, else double-quoted.
std::string yaml_string(std::string_view s);

}  // namespace sps::exporter
