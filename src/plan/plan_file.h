#pragma once
// Saved plans (`sps-apply plan --out FILE`, `sps-apply apply FILE`): the plan as a JSON
// document that holds the steps, the desired-state digest and the live fingerprints, and
// never a secret value. A secret in a step body is saved as {"$secret": "env:NAME"} and
// resolved again from its source when the plan is applied.
// Pure: (de)serialization only; reading and writing the file is the CLI's job.
#include "core/error.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <functional>
#include <string>

namespace sps::plan {

/// Identifies saved-plan documents and their version.
inline constexpr const char* kPlanFileKind = "sps-apply-plan";
inline constexpr int kPlanFileVersion = 1;

/// Where the plan was made, recorded in the file so apply can refuse another appliance.
struct PlanOrigin {
  std::string appliance_url;    // without credentials
  std::string tool_version;     // "sps-apply 0.1.0"
  std::vector<std::string> kinds;  // the kinds read from the appliance
};

boost::json::value plan_to_file(const Plan& plan, const PlanOrigin& origin);

/// Parses a saved plan. Fails with kInvalidArgument on a document that is not a saved plan
/// of a supported version, naming what is wrong. Secret values stay placeholders until
/// resolve_secrets() is called.
core::Result<std::pair<Plan, PlanOrigin>> plan_from_file(const boost::json::value& doc);

/// Fills every secret placeholder of a loaded plan from its source ("env:NAME",
/// "file:PATH"). Fails naming the source (never a value) when one cannot be resolved.
core::Result<void> resolve_secrets(Plan& plan,
                                   const std::function<core::Result<std::string>(const std::string& source)>& resolve);

}  // namespace sps::plan
