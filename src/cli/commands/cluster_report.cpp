#include "cli/commands/cluster_report.h"

#include "cli/connection.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <tuple>

namespace sps::cli {
namespace json = boost::json;

namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

std::string text_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t number_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

/// The nodes of a document that are not in sync: "name: reason" plus its warnings.
std::vector<std::pair<std::string, std::vector<std::string>>> not_in_sync(const json::object& sync) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  if (const json::value* nodes = sync.if_contains("nodes"); nodes != nullptr && nodes->is_array()) {
    for (const auto& n : nodes->get_array()) {
      const json::object* node = n.if_object();
      if (node == nullptr || node->if_contains("in_sync") == nullptr || node->at("in_sync") == json::value(true)) continue;
      std::string name = text_at(*node, "fqdn");
      if (name.empty()) name = text_at(*node, "key");
      std::vector<std::string> warnings;
      if (const json::value* list = node->if_contains("warnings"); list != nullptr && list->is_array()) {
        for (const auto& w : list->get_array()) {
          if (!w.is_object()) continue;
          std::string line = text_at(w.get_object(), "message");
          std::string paths;
          if (const json::value* p = w.get_object().if_contains("paths"); p != nullptr && p->is_array()) {
            for (const auto& path : p->get_array()) {
              if (path.is_string()) paths += (paths.empty() ? "" : ", ") + std::string(path.get_string());
            }
          }
          if (!paths.empty()) line += " (" + paths + ")";
          warnings.push_back(std::move(line));
        }
      }
      out.emplace_back(name + ": " + text_at(*node, "reason"), std::move(warnings));
    }
  }
  if (const json::value* missing = sync.if_contains("missing"); missing != nullptr && missing->is_array()) {
    for (const auto& m : missing->get_array()) {
      if (m.is_string()) {
        out.emplace_back(std::string(m.get_string()) + ": not listed by GET /api/cluster/status (the inventory's "
                                                       "cluster.nodes names it)",
                         std::vector<std::string>{});
      }
    }
  }
  return out;
}

/// The one-sentence verdict of a document.
std::string headline(const json::object& sync) {
  const std::string state = text_at(sync, "state");
  const std::string hosts = std::to_string(number_at(sync, "managed_hosts"));
  const std::string looked = std::to_string(number_at(sync, "polls")) + " look" + (number_at(sync, "polls") == 1 ? "" : "s") +
                             " at GET /api/cluster/status in " + seconds_text(std::chrono::milliseconds(number_at(sync, "waited_ms")));
  const std::string since = text_at(sync, "commit_time").empty() ? "" : " (committed at " + text_at(sync, "commit_time") + ")";
  if (state == "in-sync") {
    return "Cluster in sync: all " + hosts + " managed hosts took the commit" + since + ", without issues; " + looked + ".";
  }
  if (state == "issues") {
    return "ATTENTION: cluster synchronised with issues: every managed host took the commit" + since +
           ", but some report warnings (" + looked + "); a person must look:";
  }
  if (state == "not-in-sync") {
    return "ATTENTION: cluster not in sync: " + std::to_string(number_at(sync, "in_sync")) + " of " + hosts +
           " managed hosts took the commit" + since + " within --cluster-sync-timeout " + text_at(sync, "timeout") +
           " (" + looked + "). The commit stays on the central management node; a person must look at these nodes:";
  }
  return "ATTENTION: whether the cluster's managed hosts took the commit is unknown (" + text_at(sync, "error") +
         "). The commit stays on the central management node; check GET /api/cluster/status.";
}

}  // namespace

void add_cluster_options(CLI::App& app, ApplyOptions& options) {
  const auto is_wait = [](const std::string& text) {
    auto d = parse_wait(text);
    return d ? std::string() : d.error().message + " (" + d.error().detail + ")";
  };
  app.add_option("--cluster-sync-timeout", options.cluster_sync_timeout,
                 "On a Central Management node: after the commit, wait up to DURATION (250ms, 90s, 5m; 0 = look "
                 "once) until every managed host took it (GET /api/cluster/status); exit 3 when not")
      ->type_name("DURATION")
      ->check(is_wait)
      ->capture_default_str();
  app.add_option("--cluster-poll-interval", options.cluster_poll_interval,
                 "First pause between looks at the cluster's status; it doubles up to 60 s")
      ->type_name("DURATION")
      ->check(is_wait)
      ->capture_default_str();
}

std::optional<ClusterWait> cluster_wait_of(const ApplyOptions& options, Io& io) {
  ClusterWait wait{{}, {}, options.cluster_sync_timeout, options.cluster_nodes};
  for (auto [text, flag, into] : {std::tuple{&options.cluster_sync_timeout, "--cluster-sync-timeout", &wait.timeout},
                                  std::tuple{&options.cluster_poll_interval, "--cluster-poll-interval", &wait.interval}}) {
    auto parsed = parse_wait(*text);
    if (!parsed) {
      io.err << "error: " << flag << " " << *text << " is not a duration; write 250ms, 90s, 5m or 1h\n";
      return std::nullopt;
    }
    *into = *parsed;
  }
  return wait;
}

apply::ClusterSyncResult wait_for_cluster(appliance::ApplianceApi& api, const apply::ApplyResult& result,
                                          const ClusterWait& wait, Io& io) {
  apply::ClusterSyncOptions options;
  options.timeout = wait.timeout;
  options.interval = wait.interval;
  options.max_interval = std::max(wait.interval, std::chrono::milliseconds(std::chrono::seconds(60)));
  options.expected = wait.expected;
  options.cancelled = [] { return stop_requested(); };
  options.on_poll = [&](int poll, const apply::ClusterStatus* status, const std::string& error,
                        std::chrono::milliseconds next, std::chrono::milliseconds left) {
    io.err << "sps-apply: cluster sync, look " << poll << ": ";
    if (status == nullptr) {
      io.err << "GET /api/cluster/status failed: " << error;
    } else {
      io.err << status->in_sync() << " of " << status->managed() << " managed hosts in sync";
      std::string waiting;
      for (const auto& n : status->nodes) {
        if (n.managed && !n.settled) waiting += (waiting.empty() ? "" : ", ") + (n.fqdn.empty() ? n.key : n.fqdn);
      }
      for (const auto& m : status->missing) waiting += (waiting.empty() ? "" : ", ") + m + " (not listed)";
      if (!waiting.empty()) io.err << "; waiting for " << waiting;
    }
    if (next.count() > 0) {
      io.err << "; next look in " << seconds_text(next) << " (giving up in " << seconds_text(left)
             << ", --cluster-sync-timeout " << wait.timeout_text << ")";
    }
    io.err << '\n';
  };
  io.err << "sps-apply: this node is the central management node of a cluster: waiting for its managed hosts to "
            "take the commit\n";
  return apply::wait_for_cluster_sync(api, result.commit_date, options);
}

json::value cluster_sync_to_json(const apply::ClusterSyncResult& result, const std::string& timeout_text) {
  json::array nodes;
  for (const auto& n : result.last.nodes) {
    if (!n.managed) continue;
    json::array warnings;
    for (const auto& w : n.warnings) warnings.push_back({{"message", w.message}, {"paths", json::value_from(w.paths)}});
    json::object node{{"fqdn", n.fqdn},       {"key", n.key},         {"sync_status", n.sync_status},
                      {"last_updated", n.last_updated}, {"in_sync", n.in_sync}, {"warnings", std::move(warnings)}};
    if (!n.reason.empty()) node["reason"] = n.reason;
    nodes.push_back(std::move(node));
  }
  json::object o{{"state", apply::to_string(result.state)},
                 {"commit_time", result.commit_time},
                 {"timeout", timeout_text},
                 {"polls", result.polls},
                 {"waited_ms", result.waited.count()},
                 {"managed_hosts", result.last.managed()},
                 {"in_sync", result.last.in_sync()},
                 {"nodes", std::move(nodes)},
                 {"missing", json::value_from(result.last.missing)}};
  if (!result.error.empty()) o["error"] = result.error;
  return o;
}

std::string cluster_sync_headline(const json::value& sync) {
  const json::object* o = sync.if_object();
  return o != nullptr ? headline(*o) : std::string();
}

bool cluster_in_sync(const json::value& sync) {
  const json::object* o = sync.if_object();
  return o != nullptr && text_at(*o, "state") == "in-sync";
}

std::string render_cluster_sync_text(const json::value& sync) {
  const json::object* o = sync.if_object();
  if (o == nullptr) return {};
  std::string out = headline(*o) + '\n';
  for (const auto& [line, warnings] : not_in_sync(*o)) {
    out += "  " + line + '\n';
    for (const auto& w : warnings) out += "    warning: " + w + '\n';
  }
  return out;
}

std::string render_cluster_sync_markdown(const json::value& sync) {
  const json::object* o = sync.if_object();
  if (o == nullptr) return {};
  std::string out = "#### Cluster sync: " + text_at(*o, "state") + "\n\n" + headline(*o) + "\n";
  const auto nodes = not_in_sync(*o);
  if (!nodes.empty()) out += '\n';
  for (const auto& [line, warnings] : nodes) {
    out += "* " + line + '\n';
    for (const auto& w : warnings) out += "  * warning: " + w + '\n';
  }
  return out;
}

}  // namespace sps::cli
