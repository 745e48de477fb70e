#pragma once
// Turns a ChangeSet into an ordered, executable plan. Pure and deterministic: the same
// inputs give the same steps in the same order, byte for byte.
//
// Order (design.md §5):
//   1. creates and updates, in dependency order: an object is created before any step
//      whose body references it (its server key is only known after its POST);
//   2. deletes last, referrers before the objects they reference, so the appliance never
//      sees a reference to a deleted object.
// Ties are broken by the catalog's kind dependency order, then by address.
//
// A step's body is the whole object in the API's write form. References to objects that
// already exist carry their key already; references to objects created by an earlier step
// are ReferenceSlots filled in at apply time. Write-only secrets (password objects) are
// SecretSlots: apply POSTs the secret to /api/configuration/passwords first and writes the
// returned key into the body. Secret values live only in memory; a saved plan holds where
// they come from ("env:NAME"), never the values.
//
// Example:
//   auto changes = diff::compute_changes(desired, live, catalog);
//   auto plan = plan::build_plan(changes, desired, live, catalog);
//   if (!plan) report(plan.error());
//   for (const Step& s : plan->steps) std::cout << s.method << ' ' << s.path << '\n';
#include "catalog/catalog.h"
#include "core/error.h"
#include "diff/diff.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <vector>

namespace sps::plan {

/// A reference in a step's body whose key is only known once an earlier step created the
/// target.
struct ReferenceSlot {
  std::string pointer;    // inside the body
  model::Address target;  // the object created by an earlier step
};

/// A write-only secret in a step's body: a password (or private key) object must be created
/// first and its key written at pointer.
struct SecretSlot {
  std::string pointer;
  catalog::SecretMode mode = catalog::SecretMode::kPasswordObject;
  std::string source;  // "env:NAME" / "file:PATH": how to obtain the value again; never the value
};

/// One request of the plan.
struct Step {
  std::size_t index = 0;  // 1-based position in the plan
  diff::Action action = diff::Action::kNoOp;
  model::Address address;
  std::string method;  // "POST" (create), "PUT" (update), "DELETE"
  std::string path;    // POST: the collection; PUT/DELETE: the object
  /// POST/PUT: the whole body in write form. May hold secret values (in memory only).
  boost::json::value body;
  std::vector<ReferenceSlot> references;
  std::vector<SecretSlot> secrets;
  /// Body pointers that hold inline secrets (and their sources), for redaction.
  std::vector<SecretSlot> inline_secrets;
  diff::Change change;  // what the step changes, for rendering
};

/// An inline secret that was not compared because its value was not available in this
/// run (plan without secrets). Apply reads the value again; a plan that changes nothing
/// else for the resource does not write it.
struct NotCompared {
  model::Address address;
  std::string pointer;
  std::string source;  // "env:NAME" / "file:PATH"
};

/// An ordered plan plus what the user must know about it.
struct Plan {
  std::vector<Step> steps;
  std::vector<model::Address> unmanaged;  // left untouched
  std::vector<model::Address> no_change;  // managed and already as desired
  /// Fingerprint of each live resource the plan depends on (the objects it changes and the
  /// existing objects it references); "absent" for objects it creates. Apply recomputes
  /// these inside its transaction and refuses a stale plan.
  std::map<std::string, std::string> fingerprints;
  std::string desired_digest;  // sha256 of the desired state, secret values excluded
  std::vector<NotCompared> not_compared;  // sorted by address, then pointer
  /// What the preflight learnt about the appliance, for the plan's header: its firmware
  /// version ("" when unknown) and notes the reader must see (a held configuration lock,
  /// a managed host). Not part of the saved plan.
  std::string firmware_version;
  std::vector<std::string> notes;

  std::size_t count(diff::Action a) const;
  bool empty() const { return steps.empty(); }
};

/// Builds the plan. Fails with kInvalidConfig when a reference cannot be resolved (names
/// an object that is neither on the appliance nor created by the plan) or when the
/// references form a cycle among objects to create.
core::Result<Plan> build_plan(const diff::ChangeSet& changes, const model::DesiredState& desired,
                              const model::LiveState& live, const catalog::Catalog& catalog);

/// Fingerprint of a live resource (key, normalized body, preserved fields), or "absent".
std::string fingerprint(const model::Resource* live);

/// sha256 over the canonical desired resources, with secret values replaced by their
/// sources, so the digest changes when the YAML changes but reveals nothing about secrets.
std::string desired_digest(const model::DesiredState& desired);

}  // namespace sps::plan
