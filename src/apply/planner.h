#pragma once
// Planning against a live appliance: read the live state of every kind the desired state
// manages (and the kinds it references), diff, build the plan. Used by plan, apply and
// drift so they agree on what "a change" is. I/O only through appliance::ApplianceApi.
#include "appliance/appliance_api.h"
#include "apply/live_reader.h"
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "core/error.h"
#include "diff/diff.h"
#include "model/model.h"
#include "plan/plan.h"
#include "plan/selection.h"

#include <functional>
#include <string>
#include <vector>

namespace sps::apply {

/// Everything a planning run produced.
struct Planned {
  std::vector<std::string> kinds;  // kinds read from the appliance (the first wave)
  /// The curated catalog plus the kinds discovered on the appliance: pass it on to whatever
  /// reads these changes (drift, rendering of discovered kinds).
  catalog::Catalog catalog;
  /// The desired state with discovered kinds fitted to their live shape (model/discovered.h).
  model::DesiredState desired;
  model::LiveState live;
  diff::ChangeSet changes;
  plan::Plan plan;
  /// The answers to the side paths plan_against was given (read in the same wave).
  appliance::Answers side;
};

/// The kinds a desired state manages: the kinds it mentions, and pruned kinds.
std::set<std::string> managed_kinds(const model::DesiredState& desired);

/// The kinds to read for `managed`: model::kinds_to_fetch for the curated ones, plus the
/// discovered ones (paths the catalog does not have). Sorted.
std::vector<std::string> kinds_to_read(const catalog::Catalog& catalog, const std::set<std::string>& managed);

/// The kinds among `read` whose state a plan of `desired` depends on: the kinds the desired
/// state manages (written, pruned, or left as they are, which the verification after the
/// commit compares too) and the kinds their references point into, whose objects' names and
/// keys the plan's bodies and the diff use. A curated kind without an identity field is left
/// out as a target: references to it stay keys, whatever it holds. Sorted. apply's stale check
/// and its verification read exactly these.
std::vector<std::string> dependency_kinds(const catalog::Catalog& catalog, const model::DesiredState& desired,
                                          const std::vector<std::string>& read);

/// Reads, diffs and plans. Fails when the appliance cannot be read, when a managed endpoint
/// does not exist on this firmware (kNotFound, naming it), when a discovered kind's YAML does
/// not fit what the appliance shows (a field it does not have, a list for an object body) or
/// the desired state refers to objects that exist nowhere (kInvalidConfig; the located
/// problems are added to diags). Nothing is written in any case. Warnings (unknown live
/// fields) and notes (discovered kinds whose fields are unchecked) are added to diags.
/// `side_paths` (GET /api/info, /api/user_info) are read in the same wave as the kinds; their
/// answers, failures included, are in Planned::side and never fail the plan.
/// A partial `selection` (--target/--exclude) restricts changes and plan to the selected
/// resources (plan::select_changes; its errors are returned) and adds the partial-plan warning
/// to the plan's notes. `after_reads` is called once the last answer is in, before the pure
/// work (ReadOptions::after_reads). `reuse` keeps the normalized kinds for later reads
/// (ReadOptions::reuse).
/// `desired` is taken by value: a caller done with its desired state moves it in (Planned::desired
/// keeps it), one that needs it afterwards passes a copy.
core::Result<Planned> plan_against(model::DesiredState desired, appliance::ApplianceApi& api,
                                   const catalog::Catalog& catalog, const diff::DiffOptions& options,
                                   core::Diagnostics& diags, std::vector<std::string> side_paths = {},
                                   const plan::Selection& selection = {}, std::function<void()> after_reads = {},
                                   KindCache* reuse = nullptr);

/// What the post-commit verification found: the appliance compared with the whole desired
/// state the plan was made from, not with the plan's own steps.
struct Verification {
  std::size_t resources = 0;  // desired resources compared
  std::size_t fields = 0;     // fields found as desired
  /// "management/soap/enabled: true on the appliance, desired false"; empty = verified.
  std::vector<std::string> differences;
  /// Write-only secrets (password and private-key objects): the appliance cannot return
  /// them, so only their presence is checked. "policies/...[x]/target/authentication/password"
  std::vector<std::string> unverifiable;
  bool verified() const { return differences.empty(); }
};

/// Compares the whole desired state (secrets resolved) with a live state read after the
/// commit. Pure; secret values never appear in the result.
Verification verify_desired(const model::DesiredState& desired, const model::LiveState& live,
                            const catalog::Catalog& catalog);

}  // namespace sps::apply
