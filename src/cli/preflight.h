#pragma once
// What the CLI checks about the appliance around a plan (apply/preflight.h does the work):
// the firmware and Central Management role shown in plans, and the checks apply runs
// before it opens a transaction. Messages go to io.err.
#include "apply/preflight.h"
#include "cli/cli.h"

#include <chrono>
#include <optional>
#include <string>

namespace sps::cli {

/// GET /api/info (or its answer in `known`), and what the plan header shows: the firmware
/// version, and a note when the node is a managed host of Central Management. nullopt (with
/// a warning) when the appliance did not answer; plan and drift go on without it.
std::optional<apply::ApplianceInfo> describe_appliance(appliance::ApplianceApi& api, plan::Plan* plan, Io& io,
                                                       const appliance::Answers* known = nullptr);

/// The note for a managed host.
std::string managed_host_note();

/// Before apply opens its transaction: the plan's kinds exist on this firmware and the user
/// may send every request it needs (GET /api/user_info, or its answer in `known`). Prints
/// each problem and returns false when apply must not start.
bool preflight_apply(const plan::Plan& plan, appliance::ApplianceApi& api, const apply::ApplianceInfo* info, Io& io,
                     const appliance::Answers* known = nullptr);

}  // namespace sps::cli
