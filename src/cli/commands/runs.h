#pragma once
// The commands that talk to one appliance (plan, apply, drift), callable from code. A fleet
// (cli/fleet/fleet_run.h) runs them once per appliance of an inventory, concurrently, with
// exactly the semantics of the command: the options are the command's, the desired state
// comes from the appliance's layers (DesiredSource), and a RunReport receives what the
// combined report needs. Each writes only to its Io.
#include "cli/cli.h"
#include "cli/connection.h"
#include "cli/desired_input.h"
#include "plan/selection.h"

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sps::cli {

/// What one run established, for a fleet's combined report. Filled only as far as the run
/// got: a run that stopped before it had a plan leaves result empty.
struct RunReport {
  /// plan: "changes" or "in-sync"; apply: the outcome (apply::to_string: "applied",
  /// "nothing-to-do", "rolled-back", "commit-unknown", ...); drift: "drift" or "in-sync".
  std::string result;
  std::size_t create = 0;
  std::size_t update = 0;
  std::size_t remove = 0;  // deletes
  std::string markdown;    // the plan's (plan, apply) or the drift report's Markdown
  boost::json::value json; // the plan's, the apply result's or the drift report's JSON
  std::string digest;      // plan --out: the saved plan's digest
  /// apply on a Central Management node: how its cluster's managed hosts took the commit
  /// (cli/commands/cluster_report.h); null when there was nothing to wait for.
  boost::json::value cluster_sync;
};

/// Parsed options of `plan`.
struct PlanOptions {
  std::string path = "desired-state/";
  std::optional<DesiredSource> source;  // set by a fleet: wins over path
  std::string out_file;
  std::string format = "text";
  bool detailed_exitcode = false;
  bool rotate_secrets = false;
  std::vector<std::string> reports;  // --report FORMAT=PATH
  plan::Selection selection;  // --target, --exclude
  ConnectionOptions connection;
  RunReport* report = nullptr;  // filled when set
};
int run_plan(const PlanOptions& options, Io& io);

/// Parsed options of `apply`.
struct ApplyOptions {
  std::string path = "desired-state/";
  std::optional<DesiredSource> source;  // set by a fleet: wins over path (a desired state, not a plan file)
  std::string expected_digest;          // a fleet's saved plan: the digest its index.json records
  bool auto_approve = false;
  std::string format = "text";
  std::string record_file;
  std::string commit_message;
  bool rotate_secrets = false;
  std::string lock_timeout;  // DURATION to wait for another administrator's lock; "" = fail at once
  /// After a commit on a Central Management node: how long to wait for its managed hosts
  /// (0 = look once), and the first pause between looks (doubling up to 60 s).
  std::string cluster_sync_timeout = "5m";
  std::string cluster_poll_interval = "5s";
  bool cluster = false;                    // an inventory's cluster entry: the node must be the central one
  std::vector<std::string> cluster_nodes;  // managed hosts that must be listed (inventory cluster.nodes)
  bool install_signal_handlers = true;  // a fleet installs them once for all its appliances
  plan::Selection selection;  // --target, --exclude (a saved plan carries its own)
  ConnectionOptions connection;
  RunReport* report = nullptr;  // filled when set
};
int run_apply(const ApplyOptions& options, Io& io);

/// Parsed options of `drift`.
struct DriftOptions {
  std::string path = "desired-state/";
  std::optional<DesiredSource> source;  // set by a fleet: wins over path
  std::string format = "text";
  std::string output;
  std::vector<std::string> ignore;
  std::vector<std::string> reports;  // --report FORMAT=PATH
  ConnectionOptions connection;
  RunReport* report = nullptr;  // filled when set
};
int run_drift(const DriftOptions& options, Io& io);

/// The source a command loads: options.source when set, else the path.
inline DesiredSource desired_source(const std::optional<DesiredSource>& source, const std::string& path) {
  return source ? *source : DesiredSource::of_path(path);
}

}  // namespace sps::cli
