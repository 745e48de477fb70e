#pragma once
// Central Management in apply: after a commit on a central management node, wait until its
// managed hosts took it (apply/cluster_sync.h), with one progress line per look on stderr,
// and report how they did. The report is one JSON document (`cluster_sync` in the apply
// result and in a fleet report, schemas/output/apply-result.schema.json); the text, Markdown
// and JUnit views are rendered from it, so `report merge` shows what the run showed.
//
// The apply's own outcome stays what was proven (committed); the cluster's sync is a
// separate result. Anything but "in-sync" makes the exit code 3: a person must look.
#include "apply/cluster_sync.h"
#include "apply/executor.h"
#include "cli/cli.h"
#include "cli/commands/runs.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sps::cli {

/// What wait_for_cluster needs.
struct ClusterWait {
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds interval{0};
  std::string timeout_text;  // as given, for messages ("5m")
  std::vector<std::string> expected;
};

/// Adds apply's --cluster-sync-timeout and --cluster-poll-interval.
void add_cluster_options(CLI::App& app, ApplyOptions& options);

/// The wait an apply's options ask for; nullopt (with the error on io.err) when a duration
/// is not one.
std::optional<ClusterWait> cluster_wait_of(const ApplyOptions& options, Io& io);

/// Waits for the cluster of the central management node `api` talks to after the commit of
/// `result`, printing one line per look on io.err.
apply::ClusterSyncResult wait_for_cluster(appliance::ApplianceApi& api, const apply::ApplyResult& result,
                                          const ClusterWait& wait, Io& io);

/// The JSON document of a wait (`cluster_sync`).
boost::json::value cluster_sync_to_json(const apply::ClusterSyncResult& result, const std::string& timeout_text);

/// Whether a cluster_sync document says every managed host was seen in sync.
bool cluster_in_sync(const boost::json::value& sync);

/// The one-sentence verdict of a cluster_sync document.
std::string cluster_sync_headline(const boost::json::value& sync);

/// Text lines (each ending in a newline) of a cluster_sync document.
std::string render_cluster_sync_text(const boost::json::value& sync);
/// A Markdown section of a cluster_sync document.
std::string render_cluster_sync_markdown(const boost::json::value& sync);

}  // namespace sps::cli
