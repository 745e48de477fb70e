#pragma once
// What makes a saved plan data rather than a program: before apply contacts the appliance,
// the steps of a loaded plan must be exactly what the pure planner derives from the desired
// and live states the file carries, so the change a reviewer saw and the requests apply
// sends cannot diverge. And inside apply's transaction, the appliance must still be what the
// plan saw: every resource read, changed or not (compare_live).
//
// A digest (plan_file.h) detects accidents; these checks hold against a deliberate edit that
// recomputes the digest: an injected request (PUT /api/transaction, a path outside
// /api/configuration, a method the change does not imply), a body other than the carried
// desired state implies, or a secret source the desired state does not declare, are refused.
// What they cannot stop is an edit of the carried desired state itself: that is a different
// plan, and the digest printed by `plan` (compare it with the one apply prints) is how a
// reviewer ties the applied file to the reviewed one.
// Pure.
#include "catalog/catalog.h"
#include "core/error.h"
#include "model/model.h"
#include "plan/plan_file.h"

#include <string>
#include <vector>

namespace sps::plan {

/// Environment variables a secret source of a saved plan may never name: sps-apply's own
/// credentials (a plan naming them could write the password into a readable field).
inline constexpr const char* kCredentialVariables[] = {"SPS_PASSWORD", "SPS_USERNAME"};

/// Checks one secret source ("env:NAME" or "file:PATH"). Fails with kInvalidArgument naming
/// it when it is malformed or names a credential variable.
core::Result<void> check_secret_source(const std::string& source);

/// Checks a loaded saved plan against the curated catalog plus the discovered kinds it
/// carries (saved_catalog) and re-derives its steps from its basis.
/// Returns the re-derived plan (secrets as placeholders, fingerprints of every carried live
/// resource) or kInvalidArgument naming the first step, resource or member that does not
/// follow from the carried states.
core::Result<Plan> check_saved_plan(const SavedPlan& saved, const catalog::Catalog& catalog);

/// A resource that differs between the live state a plan saw and the appliance now.
struct StaleResource {
  std::string address;              // "management/soap", or a kind for a missing endpoint
  std::vector<std::string> fields;  // "/enabled", "(added)", "(removed)", "(key)", ...
};

/// Every difference between two live states of the same kinds (both as returned by
/// live_without_secrets). Empty when the appliance is as planned.
std::vector<StaleResource> compare_live(const model::LiveState& planned, const model::LiveState& now);

/// Pointers at which two JSON values differ (objects by member, same-length arrays by
/// element), at most `limit` of them.
std::vector<std::string> differing_pointers(const boost::json::value& a, const boost::json::value& b,
                                            std::size_t limit = 20);

}  // namespace sps::plan
