#pragma once
// The simulated Central Management cluster: the simulator is the central management node,
// and Options::cluster_nodes are its managed hosts, which "periodically fetch the
// configuration of the Central Management node and merge it into their own". Each node takes
// every commit Options::cluster_sync_delay after it (a fault keeps one on the configuration
// it started with, another gives it a warning). GET /api/cluster/status renders the nodes in
// the shape of the SPS REST API Reference's sample answer ("Query the status of all nodes in
// the cluster",
// https://support.oneidentity.com/technical-documents/safeguard-for-privileged-sessions/6.0.12/rest-api-reference-guide/managing-sps/manage-safeguard-for-privileged-sessions-clusters/query-the-status-of-all-nodes-in-the-cluster/);
// where the documentation is silent (the sync_status of a node that took the configuration,
// the health figures) sim/README.md says what is chosen here.
// Pure: times are given by the caller (wall clock, whole seconds in the answer).
#include "sim/sim.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace sps::sim {

using WallTime = std::chrono::system_clock::time_point;

class ClusterState {
 public:
  ClusterState() = default;
  ClusterState(std::vector<ClusterNode> nodes, std::chrono::milliseconds delay, std::string central_fqdn);

  bool enabled() const { return !m_nodes.empty(); }
  /// The configuration the nodes start with (its digest), taken at `at`.
  void set_initial(WallTime at, std::string digest);
  /// A commit on the central node at `at`; the digest of the committed configuration.
  void record_commit(WallTime at, std::string digest);
  /// The GET /api/cluster/status document at `now`.
  boost::json::value status(WallTime now) const;

 private:
  struct Commit {
    WallTime at;
    std::string digest;
  };
  std::vector<ClusterNode> m_nodes;
  std::chrono::milliseconds m_delay{0};
  std::string m_central_fqdn;
  std::vector<Commit> m_commits;  // the initial configuration first
};

/// "Wed, 02 Dec 2026 05:14:46 GMT": the Date header of an answer (RFC 9110 IMF-fixdate).
std::string http_date(WallTime at);

}  // namespace sps::sim
