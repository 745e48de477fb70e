#pragma once
// Partial plans: `plan` and `apply` with --target ADDRESS and --exclude ADDRESS (repeatable).
// An ADDRESS is a kind ("policies/backup_policies") or one resource of it
// ("policies/backup_policies[nightly-nfs]"; a singleton's address is its kind), the syntax
// plans print. The plan then covers only the selected resources: those a --target names (all
// when there is none) that no --exclude names. Resources outside the selection are neither
// compared nor written, so a partial plan is for emergencies, not for routine use (the warning
// says so, as Terraform's -target does). A selected resource that refers to an object which
// an unselected change would create cannot be planned: select_changes names both.
// Pure.
#include "catalog/catalog.h"
#include "core/error.h"
#include "diff/diff.h"
#include "model/model.h"

#include <string>
#include <string_view>
#include <vector>

namespace sps::plan {

/// The --target and --exclude addresses as given (well-formed: parse_address).
struct Selection {
  std::vector<std::string> targets;
  std::vector<std::string> excludes;

  bool partial() const { return !targets.empty() || !excludes.empty(); }
  /// Whether the plan covers the resource at `address`.
  bool selects(const model::Address& address) const;
};

/// "kind" or "kind[name]" -> Address (name empty for a kind). kInvalidArgument, with the
/// expected syntax, when the text is not an address.
core::Result<model::Address> parse_address(std::string_view text);

/// Whether `pattern` (an address of a kind or of one resource) names `address`.
bool address_matches(const model::Address& pattern, const model::Address& address);

/// The warning every partial plan carries: what it covers, and that the rest was not compared.
std::string partial_warning(const Selection& selection);

/// The change set restricted to the selection (changes, unmanaged objects; diagnostics kept).
/// Fails with kInvalidConfig when an address of the selection names no resource of the
/// change set, or when a selected change refers (by name, through the catalog's references)
/// to an object that an unselected change would create; the message names both.
core::Result<diff::ChangeSet> select_changes(const diff::ChangeSet& changes, const model::DesiredState& desired,
                                             const catalog::Catalog& catalog, const Selection& selection);

/// The desired resources the selection covers (what apply verifies after a partial commit).
model::DesiredState select_desired(const model::DesiredState& desired, const Selection& selection);

}  // namespace sps::plan
