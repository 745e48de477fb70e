#pragma once
// Central Management: after a commit on the central management node, the managed hosts of
// its cluster "periodically fetch the configuration of the Central Management node and merge
// it into their own". This module finds out, from GET /api/cluster/status on the central
// node, whether every managed host has taken the commit, and waits for it (bounded).
//
// The documented answer (SPS REST API Reference, "Query the status of all nodes in the
// cluster", https://support.oneidentity.com/technical-documents/safeguard-for-privileged-sessions/6.0.12/rest-api-reference-guide/managing-sps/manage-safeguard-for-privileged-sessions-clusters/query-the-status-of-all-nodes-in-the-cluster/):
//   {"items": [{"key", "fqdn", "last_seen", "health_status": null | {...},
//               "sync_status": "n/a" | "pending" | ...,
//               "configuration_sync": {"last_updated", "last_checked", "downloaded_xml_hash",
//                                      "issues": {} | {"warnings": [{"message", "paths": [...]}]}}}],
//    "meta": {...}}
// The central management node itself reports "sync_status": "n/a" and no configuration_sync.
//
// What a managed host "in sync with the commit" means here, from documented fields only:
//   * its configuration_sync.last_updated (ISO 8601, UTC) is not earlier than the commit,
//     whose time is the Date header of the commit's answer (the central node's clock; the
//     nodes of a cluster share their time, SPS needs synchronised clocks anyway): a node that
//     last updated before the commit has not taken it;
//   * its sync_status is not "pending" (the documentation shows "pending" for a node whose
//     synchronisation has not finished; the value of a finished one is not documented, so
//     no other value is relied on);
//   * configuration_sync.issues has no warnings. A node that took the commit with warnings is
//     settled (waiting longer does not change it) but not in sync: it is reported with the
//     warnings' messages and paths.
// The whole-second resolution of both times means that a node which fetched the previous
// configuration in the very second of the commit counts as updated; the documentation offers
// nothing finer (downloaded_xml_hash is not documented as comparable with anything the
// central node shows).
//
// The evaluation is pure (evaluate_cluster_status); wait_for_cluster_sync does the GETs.
#include "appliance/appliance_api.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sps::apply {

inline constexpr const char* kClusterStatusPath = "/api/cluster/status";

/// One warning of a node's configuration_sync.issues.
struct SyncWarning {
  std::string message;
  std::vector<std::string> paths;  // API paths of the objects involved
};

/// One node of /api/cluster/status, judged against a commit.
struct NodeSync {
  std::string key;
  std::string fqdn;
  std::string sync_status;   // as reported ("" when absent)
  std::string last_updated;  // configuration_sync.last_updated as reported
  bool managed = true;       // false: reports "n/a" and no configuration_sync (the central node)
  bool in_sync = false;      // took the commit, not pending, no warnings
  bool settled = false;      // took the commit (in sync, or with warnings): waiting changes nothing
  std::string reason;        // why not in sync ("" when in sync or not managed)
  std::vector<SyncWarning> warnings;
};

/// A /api/cluster/status answer judged against a commit.
struct ClusterStatus {
  std::vector<NodeSync> nodes;   // in the answer's order
  std::vector<std::string> missing;  // expected node names (fqdn) the answer does not list
  std::size_t managed() const;
  std::size_t in_sync() const;
  /// Every managed node in sync and no expected node missing.
  bool all_in_sync() const;
  /// Nothing left to wait for: every managed node settled and no expected node missing.
  bool settled() const;
};

/// Judges a GET /api/cluster/status document. commit_time: seconds since the epoch (UTC).
/// expected: node names (fqdn) that must be listed. Pure.
ClusterStatus evaluate_cluster_status(const boost::json::value& doc, std::int64_t commit_time,
                                      std::span<const std::string> expected);

/// "Wed, 02 Dec 2026 05:14:46 GMT" (RFC 9110 IMF-fixdate) -> seconds since the epoch.
std::optional<std::int64_t> parse_http_date(std::string_view text);
/// "2018-02-08T09:59:00Z" (also with fractions or "+00:00") -> seconds since the epoch.
std::optional<std::int64_t> parse_iso_utc(std::string_view text);
/// Seconds since the epoch -> "2018-02-08T09:59:00Z".
std::string format_iso_utc(std::int64_t seconds);

/// How waiting for the cluster ended.
enum class ClusterSyncState {
  kInSync,     // every managed node was seen in sync with the commit
  kIssues,     // every node took the commit, some with warnings
  kNotInSync,  // the time was up before every node took the commit
  kUnknown,    // the status could not be read (or the wait was interrupted)
};

std::string_view to_string(ClusterSyncState s);

struct ClusterSyncOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds interval{std::chrono::seconds(5)};  // first pause; doubles up to max_interval
  std::chrono::milliseconds max_interval{std::chrono::seconds(60)};
  std::vector<std::string> expected;  // node names that must be listed (inventory cluster.nodes)
  /// Polled while waiting; true = stop waiting (the result is kUnknown).
  std::function<bool()> cancelled;
  /// After every poll: the status seen (nullptr when the read failed, with its error), and
  /// the pause before the next one (zero when this was the last).
  std::function<void(int poll, const ClusterStatus* status, const std::string& error,
                     std::chrono::milliseconds next, std::chrono::milliseconds left)>
      on_poll;
};

struct ClusterSyncResult {
  ClusterSyncState state = ClusterSyncState::kUnknown;
  std::string commit_time;  // ISO 8601, the time the nodes were compared with
  ClusterStatus last;       // the last status read (empty when none could be read)
  int polls = 0;
  std::chrono::milliseconds waited{0};
  std::string error;        // the last read's error, or why the wait stopped
};

/// Polls GET /api/cluster/status until every managed node is settled or options.timeout has
/// passed (a failed read is retried at the next poll). commit_date: the commit answer's Date
/// header; when empty or unparsable, the Date of the first status answer stands in (later
/// than the commit, so a node is never called in sync too early).
ClusterSyncResult wait_for_cluster_sync(appliance::ApplianceApi& api, const std::string& commit_date,
                                        const ClusterSyncOptions& options);

}  // namespace sps::apply
