#pragma once
// The resource catalog: what sps-apply knows about each managed SPS endpoint. It is data,
// not code: one JSON Schema (draft 7) per endpoint under schemas/, each with an "x-sps"
// annotation, embedded into the binary at build time. Adding an endpoint = adding a file.
//
// The x-sps annotation (all pointers are RFC 6901 pointers into the body; "*" matches every
// array element):
//   "x-sps": {
//     "path": "policies/backup_policies",   // relative to /api/configuration
//     "shape": "collection",                 // "singleton" | "collection"
//     "body": "object",                      // "object" (default) | "array" | "scalar"
//     "identity": "name",                    // collections: natural key inside the body
//     "ordered": false,                      // collections: does item order matter?
//     "references": [{"pointer": "/target/auth_key", "target": "private_keys"},
//                    {"pointer": "/policies/channel_policy", "target": "ssh/channel_policies",
//                     "target_tier": "discovered"}],  // a target without a schema
//     "secrets": [{"pointer": "/token", "mode": "inline"},           // returned by GET
//                 {"pointer": "/target/authentication/password",
//                  "mode": "password-object"}],                       // write-only object
//     "set_lists": ["/start_times"],         // arrays compared as sets, not in order
//     "server_computed": ["/encryption/gpg_public_key/fingerprint"],
//     "ssh_host_keys": ["/target/host_key"], // written as an OpenSSH line, read as {selection, value}
//     "write_once": false,                   // passwords/private_keys: POST + GET item only
//     "provisional": false,                  // field table not documented; report unknown live fields
//     "available": "6.9+",                   // firmware versions, free text
//     "builtin": false,                      // kinds the user never writes (passwords, nics)
//     "builtin_names": ["default"]           // collections: objects the appliance ships with
//   }
// Unknown x-sps members are rejected, so a typo in a schema file fails the tests. A schema
// file must be named "<path>.json". Reference targets must be kinds of the same catalog, and
// the reference graph between kinds must be acyclic (a kind referring to itself is allowed).
// A pointer may be both a reference and a secret: password-object and private-key-object
// secrets are references to "passwords" / "private_keys" as well.
//
// Two tiers. *Curated* kinds come from those schema files. Any other path under
// /api/configuration is a *discovered* kind: its Kind is derived from the appliance's own
// answer (catalog/discover.h) and joined to the curated ones with Catalog::with_kinds, so
// diff, plan, drift and export treat both tiers alike.
// This module does not validate bodies (schema/ does) and does no I/O.
#include "core/error.h"

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sps::catalog {

enum class Shape { kSingleton, kCollection };
enum class BodyType { kObject, kArray, kScalar };
enum class SecretMode {
  kInline,          // the secret is a string in the body; GET returns it
  kPasswordObject,  // the body holds a reference to a write-once /api/configuration/passwords object
  kPrivateKeyObject // likewise for /api/configuration/private_keys
};

/// A body location that refers to another object by key. target is the kind path of the
/// referenced collection ("policies/backup_policies", "x509", "network/nics").
/// discovered_target: the target has no schema ("target_tier": "discovered" in x-sps); it is
/// read and derived at plan time (catalog/discover.h) instead of being in this catalog.
struct ReferenceSpec {
  std::string pointer;
  std::string target;
  bool discovered_target = false;
};

/// A body location that holds a secret.
struct SecretSpec {
  std::string pointer;
  SecretMode mode = SecretMode::kInline;
};

/// One managed endpoint.
struct Kind {
  std::string path;       // "policies/backup_policies"
  std::string rest_path;  // "/api/configuration/policies/backup_policies"
  Shape shape = Shape::kSingleton;
  BodyType body = BodyType::kObject;
  std::string identity;  // collections: "name"; empty for singletons
  bool ordered = false;
  bool write_once = false;
  bool provisional = false;
  bool builtin = false;
  std::string available;
  std::vector<std::string> builtin_names;  // names of objects the appliance ships with ("default")
  std::vector<ReferenceSpec> references;
  std::vector<SecretSpec> secrets;
  std::vector<std::string> set_lists;
  std::vector<std::string> server_computed;
  std::vector<std::string> ssh_host_keys;
  boost::json::value schema;  // the whole JSON Schema document, x-sps included
  std::string schema_file;    // "policies/backup_policies.json"; empty for discovered kinds
  /// Derived from the appliance's answer, not from a schema file: `schema` accepts any body,
  /// and `fields` says which members the appliance showed (the typo guard).
  bool discovered = false;
  /// Discovered kinds: object pattern -> member names the appliance returned there (nulls
  /// included). The pattern is a body pointer with "*" for array elements; for a tagged union
  /// it is suffixed with "|selection=<value>" so each variant has its own field set. Empty
  /// when nothing could be learned (an empty collection).
  std::map<std::string, std::set<std::string>> fields;

  bool is_collection() const { return shape == Shape::kCollection; }
  /// The secret spec whose pointer pattern matches a concrete pointer, or nullptr.
  const SecretSpec* secret_at(std::string_view pointer) const;
  /// The reference spec whose pointer pattern matches a concrete pointer, or nullptr.
  const ReferenceSpec* reference_at(std::string_view pointer) const;
};

/// All kinds, sorted by path. Immutable after construction.
class Catalog {
 public:
  /// The catalog compiled into this binary (schemas/ at build time). Parsed once.
  static const Catalog& builtin();

  /// Parses schema documents ({file name, JSON text}). Fails with kInternal naming the file
  /// on malformed JSON or a malformed x-sps annotation (so a bad schema fails the tests).
  static core::Result<Catalog> parse(std::span<const std::pair<std::string, std::string>> files);

  /// This catalog plus `extra` kinds (discovered ones), dependency order recomputed. Fails
  /// like parse() when a path is defined twice, a reference targets a kind that is in
  /// neither, or the references form a cycle.
  core::Result<Catalog> with_kinds(std::vector<Kind> extra) const;

  const Kind* find(std::string_view path) const;
  const std::vector<Kind>& kinds() const { return m_data->kinds; }

  /// Kinds in dependency order: every kind comes after the kinds it references. Kinds that
  /// are not ordered relative to each other come in path order, so the result is deterministic.
  std::vector<const Kind*> dependency_order() const;

 private:
  /// The kinds and their order. Immutable once built, so copies of a catalog share them:
  /// a plan's catalog without discovered kinds is the built-in one, not a copy of it (a fleet
  /// plans many appliances with it).
  struct Data {
    std::vector<Kind> kinds;
    std::vector<std::size_t> order;  // indices into kinds, in dependency order
    /// Sorts kinds and computes order (shared by parse and with_kinds).
    core::Result<void> finish();
  };
  std::shared_ptr<const Data> m_data = std::make_shared<const Data>();
};

}  // namespace sps::catalog
