#pragma once
// The shape of the simulated /api/configuration tree, learned from the seed rather than from
// any client schema. A seed document {"key", "body"} makes its path a singleton (the body may
// be an object, an array or a scalar), {"items": [...]} a collection; every proper prefix of
// a node path is a directory that lists its children ("ssh", "management/snmp"). A body value
// written in the API's read form {"key": K, "meta": {"href": H}} marks a reference, and H
// names the collection it points to; a few documentation facts the seed cannot show (write-once
// and read-only endpoints, references that are null on a fresh appliance) come from
// documented_facts(). Pure: no I/O, no clock, no sessions (store.h holds the state).
#include "catalog/catalog.h"
#include "core/error.h"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sps::sim {

/// "/api/configuration": the root of the tree; node paths are relative to it.
inline constexpr std::string_view kConfigurationRoot = "/api/configuration";

/// A body location holding a reference and the node path it points to.
struct ReferenceSite {
  std::string pointer;  // pattern, "*" matches every array element
  std::string target;   // node path ("policies/time_policies", "network/nics")

  bool operator==(const ReferenceSite&) const = default;
};

enum class NodeShape { kSingleton, kCollection };

/// One endpoint of the tree that holds objects: a singleton or a collection.
struct NodeSpec {
  std::string path;       // "policies/time_policies"
  std::string rest_path;  // "/api/configuration/policies/time_policies"
  NodeShape shape = NodeShape::kSingleton;
  bool write_once = false;  // passwords, private_keys: POST and GET by key only
  bool read_only = false;   // management/license, aaa/acls: GET only
  std::vector<ReferenceSite> references;
  /// The curated kind of the same path, when there is one: its closed schema says which
  /// unknown members a write silently drops (the appliance ignores unknown fields).
  const catalog::Kind* kind = nullptr;

  bool is_collection() const { return shape == NodeShape::kCollection; }
  /// Adds a site unless it is already known.
  void add_reference(ReferenceSite site);
};

/// What the SPS REST API Reference states about a path that a seed body cannot show.
struct DocumentedFacts {
  bool write_once = false;
  bool read_only = false;
  std::vector<ReferenceSite> references;
};

/// The documentation facts for a node path (all false/empty for paths it says nothing about).
DocumentedFacts documented_facts(std::string_view path);

/// What the appliance makes of a written body where the documentation shows it answering in
/// another form: a backup policy's target.host_key written as an OpenSSH line ("ssh-rsa AAAA...")
/// reads back as {"selection": "rsa", "value": "AAAA..."} ("Backup policies": the read form is
/// always the object). Key types the documentation does not list (ed25519, ECDSA) are kept
/// as written. Bodies of other paths are returned unchanged.
boost::json::value documented_read_form(std::string_view path, boost::json::value body);

/// The node path a reference href points into: "/api/configuration/x509/<uuid>" -> "x509",
/// "/api/configuration/network/nics/nic1#interfaces/a" -> "network/nics". nullopt for an href
/// outside /api/configuration or without an object key.
std::optional<std::string> href_target(std::string_view href);

/// Replaces every read-form reference {"key": K, "meta": {"href": H}} (exactly those members)
/// in body by the bare key K and returns where they were: array indices become "*" so one
/// site covers every element. Sites whose href is not a configuration path are not returned
/// (the value is still collapsed).
std::vector<ReferenceSite> collapse_references(boost::json::value& body);

/// The nodes of a tree and the directories between them. Not copyable: store states point
/// into it.
class NodeTable {
 public:
  NodeTable() = default;
  NodeTable(const NodeTable&) = delete;
  NodeTable& operator=(const NodeTable&) = delete;
  NodeTable(NodeTable&&) = default;
  NodeTable& operator=(NodeTable&&) = default;

  /// The node at path, created with shape when absent (documented facts applied). Fails with
  /// kInvalidArgument when it exists with the other shape.
  core::Result<NodeSpec*> add(std::string_view path, NodeShape shape);
  NodeSpec* find(std::string_view path);
  const NodeSpec* find(std::string_view path) const;
  const std::map<std::string, NodeSpec, std::less<>>& nodes() const { return m_nodes; }

  /// kInvalidArgument when a node lies inside another node ("a/b" and "a/b/c" both nodes).
  core::Result<void> check() const;

  /// The child names of a directory ("" = /api/configuration itself), sorted; empty when
  /// path is not a directory (a node, or nothing).
  std::vector<std::string> children(std::string_view directory) const;

  /// The href of a reference to key in target: "/api/configuration/<target>/<key>", the
  /// target itself for a singleton, and for a dotted sub-object key
  /// "nic1.interfaces.a.addresses.b": "/api/configuration/network/nics/nic1#interfaces/a/addresses/b".
  std::string reference_href(std::string_view target, std::string_view key) const;

 private:
  std::map<std::string, NodeSpec, std::less<>> m_nodes;
};

/// meta navigation links of a node among its siblings (in the parent's order):
/// {"first", "last", "next", "previous"} as hrefs under parent_href, null at the ends (and
/// next/previous null when self is not among them).
boost::json::object sibling_links(const std::vector<std::string>& siblings, std::string_view self,
                                  std::string_view parent_href);

}  // namespace sps::sim
