#pragma once
// The combined report of a fleet run (plan, apply or drift over the appliances of an
// inventory): one record per selected appliance, in inventory order, and its views: a text
// table, JSON (schemas/output/fleet-report.schema.json), Markdown for a merge request (a
// section per appliance with changes, appliances in sync collapsed into one line) and JUnit
// XML (one <testsuite> per appliance). Pure: functions of the records, no I/O. Every value
// shown comes from the per-appliance runs, whose renderers already masked secrets.
#include <boost/json/value.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sps::cli {

/// format_version of the fleet report JSON (schemas/output/README.md).
inline constexpr const char* kFleetFormatVersion = "1.1";

/// What happened on one appliance.
struct ApplianceOutcome {
  std::string name;
  std::string url;
  std::vector<std::string> groups;
  /// "not-started" (never contacted: a failure elsewhere stopped the fleet, or a signal),
  /// "failed" (stopped before it had a result: bad desired state, credentials, login, ...),
  /// or the run's result (cli/commands/runs.h RunReport::result).
  std::string result = "not-started";
  int exit_code = 0;  // the appliance's exit code as the single-appliance command returns it
  std::size_t create = 0;
  std::size_t update = 0;
  std::size_t remove = 0;
  std::int64_t duration_ms = 0;
  std::string error;     // the run's first error line ("" when none)
  std::string log;       // everything the run printed (standard output, then standard error)
  std::string markdown;  // the appliance's plan or drift report in Markdown ("" when none)
  boost::json::value details;  // the run's plan / apply result / drift report JSON (null when none)
  std::string plan_file;       // plan --out DIR: the saved plan, relative to DIR
  std::string digest;          // its digest
  /// apply on a Central Management node: how its managed hosts took the commit
  /// (cli/commands/cluster_report.h); null when not waited for.
  boost::json::value cluster_sync;
};

/// A whole fleet run.
struct FleetReport {
  std::string command;    // "plan", "apply", "drift"
  std::string inventory;  // the inventory file as given
  std::vector<ApplianceOutcome> appliances;
  std::string stopped;    // why appliances were not started ("" when all were)
  /// The fleet's exit code: the worst appliance's, where 3 (outcome unknown, a person must
  /// look) is worse than 1 (error), which is worse than 2 (changes, drift), worse than 0.
  int exit_code() const;
};

/// The worst of exit codes, ranked 3 > 1 > 2 > 0.
int worst_exit_code(std::span<const int> codes);

/// A table (appliance, result, create/update/delete, duration, error) and a summary line.
std::string render_fleet_table(const FleetReport& report);
boost::json::value fleet_to_json(const FleetReport& report);
std::string render_fleet_markdown(const FleetReport& report);
std::string render_fleet_junit(const FleetReport& report);

/// Reads back fleet_to_json's documents (`sps-apply report merge`): kInvalidArgument-style
/// message in `error` when the document is not a fleet report of a known major version.
bool fleet_from_json(const boost::json::value& doc, FleetReport& report, std::string& error);

}  // namespace sps::cli
