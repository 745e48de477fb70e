#include "sim/cluster.h"

#include "core/sha256.h"
#include "sim/router.h"

#include <ctime>

namespace sps::sim {
namespace json = boost::json;

namespace {

std::string iso(WallTime at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

/// A stable node id in the documented form (8-4-4-4-12 hex), derived from the node's name.
std::string node_key(const std::string& fqdn) {
  const std::string h = core::sha256_hex(fqdn);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

json::object meta_of(const std::string& key) {
  return {{"configuration", "/api/cluster/nodes/" + key}, {"href", "/api/cluster/status/" + key}};
}

}  // namespace

std::string http_date(WallTime at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

ClusterState::ClusterState(std::vector<ClusterNode> nodes, std::chrono::milliseconds delay, std::string central_fqdn)
    : m_nodes(std::move(nodes)), m_delay(delay), m_central_fqdn(std::move(central_fqdn)) {}

void ClusterState::set_initial(WallTime at, std::string digest) {
  if (m_commits.empty()) {
    m_commits.push_back({at, std::move(digest)});
  } else {
    m_commits.front() = {at, std::move(digest)};
  }
}

void ClusterState::record_commit(WallTime at, std::string digest) { m_commits.push_back({at, std::move(digest)}); }

json::value ClusterState::status(WallTime now) const {
  json::array items;
  // The central node: as in the documentation's sample, no health figures and "n/a".
  const std::string central_key = node_key(m_central_fqdn);
  items.push_back(json::object{{"key", central_key},
                               {"fqdn", m_central_fqdn},
                               {"health_status", nullptr},
                               {"sync_status", "n/a"},
                               {"meta", meta_of(central_key)}});
  for (const auto& node : m_nodes) {
    // The latest commit the node has taken: every commit reaches it `delay` later, except
    // on a node that never syncs, which keeps the initial configuration.
    std::size_t taken = 0;
    if (!node.never_syncs) {
      for (std::size_t i = 0; i < m_commits.size(); ++i) {
        if (m_commits[i].at + m_delay <= now) taken = i;
      }
    }
    const bool pending = !m_commits.empty() && taken + 1 < m_commits.size();
    const WallTime updated = m_commits.empty() ? now : m_commits[taken].at + (taken == 0 ? std::chrono::milliseconds(0) : m_delay);
    json::object issues;
    if (node.issues && !pending) {
      // The documentation's sample warning.
      issues["warnings"] = json::array{json::object{
          {"message", "Connection 'simple_ssh_connection' and local service 'SSH' conflict on 10.30.42.42:22"},
          {"paths", json::array{"/api/configuration/ssh/connections/12345", "/api/configuration/local_services/ssh"}}}};
    }
    const std::string key = node_key(node.fqdn);
    items.push_back(json::object{
        {"key", key},
        {"last_seen", iso(now)},
        {"fqdn", node.fqdn},
        {"health_status", json::object{{"memory", 62.5},
                                       {"disk", 1.9},
                                       {"swap", 0},
                                       {"load1", 0.53},
                                       {"load5", 0.68},
                                       {"load15", 0.37},
                                       {"sessions", json::object{{"ssh", 0}, {"rdp", 0}}},
                                       {"total_sessions", 0}}},
        {"sync_status", pending ? "pending" : "synced"},
        {"configuration_sync", json::object{{"last_updated", iso(updated)},
                                            {"last_checked", iso(now)},
                                            {"downloaded_xml_hash", m_commits.empty() ? "" : m_commits[taken].digest},
                                            {"issues", std::move(issues)}}},
        {"meta", meta_of(key)}});
  }
  return json::object{{"items", std::move(items)},
                      {"meta", json::object{{"href", "/api/cluster/status"}, {"parent", "/api/cluster"}}}};
}

Response Router::cluster_status(Context& ctx) {
  if (ctx.request.method != "GET") return method_not_allowed(ctx.request.method, ctx.path);
  const ClusterState& cluster = m_store.cluster();
  if (!cluster.enabled()) {
    // A node that is not the central management node of a cluster.
    return not_found(ctx.path);
  }
  return json_response(200, cluster.status(std::chrono::system_clock::now()));
}

}  // namespace sps::sim
