#pragma once
// Saved plans (`sps-apply plan --out FILE`, `sps-apply apply FILE`): the plan as a JSON
// document, and never a secret value. A saved plan is data, not a program: besides the
// steps (what a reviewer reads) it carries what the steps were derived from, and loading
// it refuses any step the carried inputs do not imply.
//
// Format 3.2 (a top-level "format_version"; schemas/output/saved-plan.schema.json) holds the
// members of version 2 ("version": 2, before the members were named alike in every JSON
// output), which is still read, since 3.1 the "context" of the plan's header and since 3.2
// the "selection" of a partial plan (selection.h):
//   * "desired": the whole desired state the plan was made from, secret values replaced by
//     {"$secret": "env:NAME" | "file:PATH"} (PATH relative to the desired-state root);
//   * "live": every resource read from the appliance, normalized, inline secret values
//     replaced by {"$sensitive": "same"} (it was equal to the desired value) or
//     {"$sensitive": "differs"}; apply re-reads the appliance inside its transaction and
//     refuses the plan as stale when any of them changed, naming the resources and fields;
//   * "steps", "unmanaged", "no_change", "fingerprints" (sha256 of each carried live resource)
//     and "desired_digest", as the pure planner derives them from "desired" and "live";
//   * "digest": "sha256:<hex>" of the canonical JSON of everything else, so a truncated or
//     edited file is refused before apply logs in.
// The digest only detects accidents: whoever edits a plan can recompute it. What makes the
// plan data is check_saved_plan() (plan_check.h): the steps must be exactly what the planner
// derives from the carried desired and live states, and the carried desired state may only
// use secret sources that cannot reach sps-apply's own credentials.
// Pure: (de)serialization only; reading and writing the file is the CLI's job.
#include "core/error.h"
#include "diff/diff.h"
#include "model/model.h"
#include "plan/plan.h"
#include "plan/selection.h"

#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <vector>

namespace sps::plan {

/// Identifies saved-plan documents and their format: written as "format_version" "3.2"; read
/// are every 3.x (minor versions only add members) and the previous format, "version": 2.
inline constexpr const char* kPlanFileKind = "sps-apply-plan";
inline constexpr const char* kPlanFileFormatVersion = "3.2";  // 3.1: "context"; 3.2: "selection"
inline constexpr int kPlanFileMajor = 3;
inline constexpr int kLegacyPlanFileVersion = 2;

/// Where the plan was made, recorded in the file so apply can refuse another appliance.
struct PlanOrigin {
  std::string appliance_url;    // without credentials
  std::string tool_version;     // "sps-apply 0.1.0"
  std::vector<std::string> kinds;  // the kinds read from the appliance
  /// The desired-state directory as given to `plan`, relative to the directory plan ran in
  /// when possible: `!secret file:` paths are relative to it.
  std::string desired_root = ".";
  /// What the plan's header shows (render::PlanHeader), recorded so `show` prints the same:
  /// who planned, when (UTC, ISO 8601), the desired state's Git revision and the firmware
  /// planned against; "" when unknown.
  std::string user = {};
  std::string created_at = {};
  std::string git_revision = {};
  std::string firmware_version = {};
};

/// What the steps were derived from, without secret values.
struct PlanBasis {
  model::DesiredState desired;  // secrets as {"$secret": source}
  model::LiveState live;        // inline secrets as {"$sensitive": "same" | "differs"}
  diff::DiffOptions options;
  /// Discovered kinds (no schema) the plan was made with, as derived from the appliance.
  std::vector<catalog::Kind> discovered;
  /// --target/--exclude of a partial plan (format 3.2; none before).
  Selection selection;
};

/// A loaded saved plan.
struct SavedPlan {
  Plan plan;  // secrets as placeholders until resolve_secrets()
  PlanOrigin origin;
  PlanBasis basis;
  std::string digest;  // "sha256:<hex>", verified against the content
};

/// The desired state with every secret value replaced by {"$secret": source}.
model::DesiredState desired_without_secrets(const model::DesiredState& desired);

/// The live state with every secret value (inline secrets of the catalog, and fields the
/// desired state takes from a !secret) replaced by {"$sensitive": "same"} when it equals the
/// (resolved) desired value at that pointer, else {"$sensitive": "differs"}.
model::LiveState live_without_secrets(const model::LiveState& live, const model::DesiredState& desired,
                                      const catalog::Catalog& catalog);

/// True for a secret masked by live_without_secrets ({"$sensitive": "same" | "differs"}).
bool is_masked(const boost::json::value& v);

/// Calls fn(pointer, value) for every masked secret in a body.
void for_each_masked(boost::json::value& body,
                     const std::function<void(const std::string& pointer, boost::json::value& value)>& fn,
                     const std::string& pointer = "");

/// The discovered kinds of a planning catalog (the ones without a schema).
std::vector<catalog::Kind> discovered_kinds(const catalog::Catalog& catalog);

/// The catalog a saved plan was made with: `curated` plus its carried discovered kinds.
/// Fails with kInvalidArgument when a carried kind is not a discovered configuration path.
core::Result<catalog::Catalog> saved_catalog(const SavedPlan& saved, const catalog::Catalog& curated);

/// Fingerprint of every resource of a live state (as returned by live_without_secrets).
std::map<std::string, std::string> fingerprints_of(const model::LiveState& live);

/// The saved-plan document, with its "digest". plan must have been built from basis (with
/// secrets), basis holds no secret values (desired_without_secrets/live_without_secrets).
boost::json::value plan_to_file(const Plan& plan, const PlanOrigin& origin, const PlanBasis& basis);

/// "sha256:<hex>" of a saved-plan document's content: everything but its "digest" member.
std::string content_digest(const boost::json::value& doc);

/// Parses a saved plan and checks its digest. Fails with kInvalidArgument on a document that
/// is not a saved plan of this version, or whose digest does not match, naming what is
/// wrong. Does not check that the steps follow from the basis: check_saved_plan() does.
core::Result<SavedPlan> plan_from_file(const boost::json::value& doc);

/// The body of a step as saved: secret values replaced by {"$secret": source}.
boost::json::value step_to_json(const Step& step);

/// Fills every secret placeholder of a loaded plan from its source ("env:NAME",
/// "file:PATH"). Fails naming the source (never a value) when one cannot be resolved.
core::Result<void> resolve_secrets(Plan& plan,
                                   const std::function<core::Result<std::string>(const std::string& source)>& resolve);

/// Fills every {"$secret": source} placeholder of a desired state (desired_without_secrets).
core::Result<void> resolve_secrets(model::DesiredState& desired,
                                   const std::function<core::Result<std::string>(const std::string& source)>& resolve);

}  // namespace sps::plan
