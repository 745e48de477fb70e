#pragma once
// Loads the desired state: a directory of *.yaml files (or one file) -> model::DesiredState,
// with every body pointer mapped to file:line:column. This is the only module that includes
// yaml-cpp; no yaml-cpp type or exception leaves it.
//
// What it checks: YAML syntax, tabs in indentation, unterminated quotes, duplicate mapping
// keys, unknown top-level keys (with "did you mean"), the shape of each kind (a singleton's
// value is its body, a collection's value is a list of bodies each with its identity field),
// duplicate resources across files (naming both places), the "sps-apply" settings block, and
// !secret tags (source syntax, unset environment variables, unreadable files).
// A top-level key that is a well-formed path under /api/configuration but has no schema is a
// discovered kind (catalog/discover.h): its value is kept whole in DesiredState::discovered,
// with a note that its fields are checked against the appliance at plan time.
// What it does not check: bodies against their JSON Schemas, references, plain-text secrets
// and the kinds named in settings; validate_desired() (validate.h) does those, offline.
//
// Scalars are typed by the YAML 1.2 core schema: plain true/false, null/~/empty, integers
// (decimal, 0x, 0o) and floats become JSON booleans, nulls and numbers; quoted scalars
// stay strings. `!secret env:NAME` and `!secret file:PATH` (PATH relative to the YAML
// file's directory) are resolved in memory through a SecretResolver; the value never
// appears in a diagnostic.
//
// Example:
//   const desired::SystemSecretResolver secrets;
//   auto loaded = desired::load_desired("desired-state/", catalog::Catalog::builtin(), secrets);
//   loaded.diagnostics.append(desired::validate_desired(loaded.state, catalog::Catalog::builtin()));
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "core/error.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sps::desired {

/// Where !secret values come from. Tests inject fixed values; production reads the
/// process environment and the file system. Implementations never log what they return.
class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  /// The value of environment variable `name`, or nullopt when it is not set.
  virtual std::optional<std::string> env(const std::string& name) const = 0;
  /// The contents of a file; on failure an Error whose message says why (no contents).
  virtual core::Result<std::string> read_file(const std::filesystem::path& path) const = 0;
};

/// The real environment (getenv) and file system.
class SystemSecretResolver final : public SecretResolver {
 public:
  std::optional<std::string> env(const std::string& name) const override;
  core::Result<std::string> read_file(const std::filesystem::path& path) const override;
};

/// When !secret values are read. Commands that only read the appliance (validate, plan,
/// drift) must work where no production secret is held: a pre-commit hook, a merge-request
/// pipeline, a nightly drift job.
enum class SecretResolution {
  kRequired,     // resolve every secret; an unset variable or unreadable file is an error
  kIfAvailable,  // resolve what can be; the rest is recorded as unavailable, not an error
  kSyntaxOnly,   // check the sources' syntax only; resolve nothing
};

/// One YAML document to load: its name as shown in diagnostics ("desired-state/policies.yaml"),
/// its text, and the directory that !secret file: paths are relative to.
struct SourceText {
  std::string name;
  std::string text;
  std::filesystem::path directory;
};

/// Values of `!var NAME` tags: the variables an inventory defines for one appliance
/// (desired/inventory.h). Scalars only (string, number, boolean). A `!var` value is plain
/// configuration, shown in plans like any value: it is never a secret source, so a `!var` in
/// a secret field is reported by validation as a plain-text secret.
using Variables = std::map<std::string, boost::json::value, std::less<>>;

/// The outcome of loading: the best-effort state (resources with errors left out) and every
/// problem found. The state is only meaningful when diagnostics has no errors.
struct LoadResult {
  model::DesiredState state;
  core::Diagnostics diagnostics;
  /// "sps-apply: remove:" entries ("kind[name]" or "kind") with their locations: an overlay
  /// of an inventory's desired list takes resources of earlier directories out
  /// (desired/compose.h). Empty once composed.
  std::vector<std::pair<std::string, core::SourceLocation>> removals;
  /// Body pointers whose `!var` could not be resolved (already an error), per resource
  /// address ("policies/backup_policies[nightly]"): their stand-in null is not the user's
  /// value, so validation problems there are not reported a second time.
  std::vector<std::pair<std::string, std::string>> unresolved_variables;
};

/// Reads `path` (a *.yaml/*.yml file, or a directory whose *.yaml/*.yml files, those of its
/// subdirectories included but not of hidden ones, are read in path order: find_yaml_files)
/// and loads it. A missing path, an unreadable file or a
/// directory without YAML files is reported as a diagnostic, never thrown.
/// With kIfAvailable or kSyntaxOnly an unresolved secret has SecretSource::available false
/// and a stand-in value in the body.
/// `variables` are the values of `!var NAME`; nullptr (no inventory) makes every `!var` an
/// error that says where variables come from.
LoadResult load_desired(const std::filesystem::path& path, const catalog::Catalog& catalog,
                        const SecretResolver& secrets,
                        SecretResolution resolution = SecretResolution::kRequired,
                        const Variables* variables = nullptr);

/// Loads already-read documents, merged in the given order (tests use it with inline YAML).
LoadResult load_desired_sources(std::span<const SourceText> sources, const catalog::Catalog& catalog,
                                const SecretResolver& secrets,
                                SecretResolution resolution = SecretResolution::kRequired,
                                const Variables* variables = nullptr);

/// Parses one YAML file that is not a desired state (the inventory) into JSON, with the same
/// text checks, limits and scalar typing, and every pointer located in `resource.locations`
/// ("" = the document). Tags are refused: such a file holds neither secrets nor variables.
/// nullopt when the text does not parse or holds more than one document (errors in
/// diagnostics); an empty document is a null body.
std::optional<model::Resource> parse_yaml_file(const SourceText& source, core::Diagnostics& diagnostics);

/// The reserved top-level key that holds settings instead of resources.
inline constexpr std::string_view kSettingsKey = "sps-apply";

}  // namespace sps::desired
