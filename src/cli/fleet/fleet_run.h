#pragma once
// plan, apply and drift over the appliances of an inventory, in one process: `--inventory
// FILE [--limit NAME|GROUP]... [--max-parallel N]`. Each appliance runs the single-appliance
// command (cli/commands/runs.h) on a thread of its own, with its own connection, its own
// transaction (apply) and its own output buffer; at most --max-parallel at a time (default
// min(8, appliances)), in inventory order. One progress line per finished appliance goes to
// stderr; the combined report (cli/fleet/fleet_report.h) to stdout and --fleet-report files.
//
// apply: --max-failed N (default 0) stops starting appliances once more than N have failed;
// running ones finish (their transactions commit or roll back as they would alone), committed
// ones stay committed and are named, the others are reported as not started. Before any
// appliance starts, every selected appliance's credentials are checked (the variables set,
// the files readable): one that fails counts as failed, before any transaction.
// Saved fleet plans: `plan --inventory FILE --out DIR` writes DIR/<name>.json per appliance and
// DIR/index.json with their digests; `apply --inventory FILE DIR` applies exactly those, each
// refused when its file's digest differs from the index or when its appliance changed since
// (stale, per appliance).
#include "cli/cli.h"
#include "cli/commands/runs.h"

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sps::cli {

/// Connections the whole fleet reads with at a time: each appliance gets
/// min(--parallel, kFleetConnections / appliances at a time), at least one.
inline constexpr std::size_t kFleetConnections = 64;

/// The fleet options of plan, apply and drift.
struct FleetFlags {
  std::string inventory;
  std::vector<std::string> limits;
  unsigned parallel = 0;    // 0: min(8, selected appliances)
  unsigned max_failed = 0;  // apply only
  std::vector<std::string> reports;  // FORMAT=FILE: text, json, markdown, junit
  int index = -1;           // --index N: only the N-th selected appliance (0-based; a Job's completion index)
};

/// Adds --inventory, --limit, --index, --max-parallel, --fleet-report (and for apply --max-failed).
void add_fleet_options(CLI::App& app, FleetFlags& flags, bool apply);

int run_fleet_plan(const PlanOptions& options, const FleetFlags& flags, Io& io);
int run_fleet_apply(const ApplyOptions& options, const FleetFlags& flags, Io& io);
int run_fleet_drift(const DriftOptions& options, const FleetFlags& flags, Io& io);

}  // namespace sps::cli
