#pragma once
// Field-level structural diff between the desired state and the live state. Pure: values
// in, values out, deterministic.
//
// Semantics (what a user of a declarative tool expects):
//   * A singleton or collection item in the desired state is authoritative for its whole
//     body: a field the YAML omits means "not set" (the appliance's explicit null), so
//     removing a line from the YAML shows up as a change, like Terraform.
//   * Collection items are matched by the kind's identity field (name), never by key.
//   * Arrays are ordered unless the catalog lists them in set_lists. An ordered array whose
//     elements are the same but in another order is reported as a reorder. A list on both
//     sides is also compared element by element (list_diff.h): sets as added/removed,
//     ordered lists as added/removed/moved, lists of objects by a natural key ("name") where
//     every element has one, with the nested changes of each changed element.
//   * A tagged union ({"selection": ...}) whose selection changes is replaced whole.
//   * Inline secrets are compared but marked sensitive; one whose desired value was not
//     available (model::SecretSource::available) is not compared (Change::not_compared).
//     Write-only secrets (password or
//     private-key objects) cannot be read back: an existing one is kept unless rotation is
//     requested; a missing one is set.
//   * Live items of a managed collection that the desired state does not mention are
//     reported as unmanaged, or deleted when the collection opts in to pruning
//     ("sps-apply: {prune: [...]}"). Built-in objects are never deleted.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sps::diff {

enum class Action { kNoOp, kCreate, kUpdate, kDelete };

/// "create", "update", "delete", "no-op".
std::string_view to_string(Action a);

struct FieldChange;

/// How the elements of a changed list were paired (FieldChange::list).
enum class ListMatch {
  kNone,      // not a list compared element by element (a scalar, an object, a created list)
  kSet,       // catalog set_lists: order does not matter; elements are added or removed
  kOrdered,   // ordered list: equal elements paired in order (longest common subsequence)
  kKey,       // list of objects paired by a natural key member (ElementChange::key)
  kPosition,  // list of objects without a natural key: equal ones paired, others by position
};

/// "set", "ordered", "key", "position" ("" for kNone).
std::string_view to_string(ListMatch m);

/// What happened to one element of a changed list. Unchanged elements in place are not
/// listed (FieldChange::unchanged_elements counts them).
///   added:   after_index and after are set
///   removed: before_index and before are set
///   moved:   both indexes (they differ) and both values (equal)
///   changed: both indexes (equal unless it also moved), both values, and the nested
///            changes in fields, pointers relative to the element ("/port")
struct ElementChange {
  enum class Op { kAdded, kRemoved, kMoved, kChanged };
  Op op = Op::kAdded;
  std::optional<std::size_t> before_index;  // position in the live list
  std::optional<std::size_t> after_index;   // position in the desired list
  std::string key;                          // the natural key's value (ListMatch::kKey)
  std::optional<boost::json::value> before;
  std::optional<boost::json::value> after;
  bool sensitive = false;  // the element holds a secret: never render its values
  std::vector<FieldChange> fields;  // changed: nested changes, sorted by pointer
};

/// "added", "removed", "moved", "changed".
std::string_view to_string(ElementChange::Op op);

/// One changed leaf or subtree of a body.
///   create: before is empty, after is the new value
///   delete: before is the old value, after is empty
///   update: both set, or one empty when the field is added or removed
/// A list present on both sides is also compared element by element (list != kNone): before
/// and after stay the whole lists (saved plans and drift keep them), elements says which
/// elements differ and how, so renderers can show only those.
struct FieldChange {
  std::string pointer;  // JSON pointer inside the body
  std::optional<boost::json::value> before;
  std::optional<boost::json::value> after;
  bool sensitive = false;   // inline secret: never render the values
  bool write_only = false;  // password/private-key object: values are keys or plaintext, never render
  bool reorder = false;     // same elements in a new order
  bool reference = false;   // the value names another object
  ListMatch list = ListMatch::kNone;
  std::string list_key;                 // ListMatch::kKey: the member that identifies elements ("name")
  std::vector<ElementChange> elements;  // sorted by after position (removed ones at their old place)
  std::size_t unchanged_elements = 0;   // elements equal and in place (or, for sets, present on both sides)
};

/// What happens to one resource.
struct Change {
  model::Address address;
  Action action = Action::kNoOp;
  std::string key;  // the live server key (update, delete, no-op); empty for create
  /// Normalized live body (update, delete; empty for no-op). Never rendered directly (secrets).
  std::optional<boost::json::value> before;
  /// Desired body with references as names and secrets resolved (create, update; empty for
  /// no-op). Never rendered directly (secrets): renderers use fields.
  std::optional<boost::json::value> after;
  std::vector<FieldChange> fields;  // sorted by pointer; empty for no-op
  std::size_t unchanged_fields = 0; // leaves that did not change (update)
  core::SourceLocation where;       // the resource in the YAML (create, update, no-op)
  bool builtin = false;
  /// Inline secrets set on the appliance whose desired value was not available (a read-only
  /// run without secrets): not compared, so neither a change nor known to be in sync.
  std::vector<std::string> not_compared;  // body pointers, sorted
};

/// Options that change what counts as a change.
struct DiffOptions {
  bool rotate_secrets = false;  // re-send write-only secrets even when one is set
};

/// The result of comparing desired and live.
struct ChangeSet {
  std::vector<Change> changes;            // one per managed resource, sorted by address
  std::vector<model::Address> unmanaged;  // live, not desired, not pruned; sorted
  core::Diagnostics diagnostics;          // references to names that exist nowhere, ...
  bool has_changes() const;
};

ChangeSet compute_changes(const model::DesiredState& desired, const model::LiveState& live,
                          const catalog::Catalog& catalog, const DiffOptions& options = {});

}  // namespace sps::diff
