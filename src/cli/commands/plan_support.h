#pragma once
// Saved-plan files for plan and apply: written atomically with owner-only permissions
// (they describe the appliance's configuration), read back with clear errors.
#include "core/error.h"
#include "plan/plan.h"
#include "plan/plan_file.h"

#include <string>
#include <vector>

namespace sps::cli {

/// Writes the plan to path (via a temporary file and rename, mode 0600).
core::Result<void> save_plan_file(const std::string& path, const plan::Plan& plan, const std::string& url,
                                  const std::vector<std::string>& kinds);

/// Reads a saved plan. kInvalidArgument when the file is unreadable or not a saved plan.
core::Result<std::pair<plan::Plan, plan::PlanOrigin>> load_plan_file(const std::string& path);

/// True when path names a file that looks like a saved plan (JSON whose "kind" says so).
bool is_plan_file(const std::string& path);

}  // namespace sps::cli
