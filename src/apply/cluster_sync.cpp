#include "apply/cluster_sync.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <thread>

namespace sps::apply {
namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

std::optional<std::int64_t> to_epoch(int year, int month, int day, int hour, int minute, int second) {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::vector<SyncWarning> warnings_of(const json::object& sync) {
  std::vector<SyncWarning> out;
  const json::value* issues = sync.if_contains("issues");
  const json::value* list = issues != nullptr && issues->is_object() ? issues->get_object().if_contains("warnings")
                                                                     : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& w : list->get_array()) {
    SyncWarning warning;
    if (const json::object* o = w.if_object()) {
      warning.message = text_of(*o, "message");
      if (const json::value* paths = o->if_contains("paths"); paths != nullptr && paths->is_array()) {
        for (const auto& p : paths->get_array()) {
          if (p.is_string()) warning.paths.emplace_back(p.get_string());
        }
      }
    } else if (w.is_string()) {
      warning.message = std::string(w.get_string());
    }
    if (warning.message.empty()) warning.message = json::serialize(w);
    out.push_back(std::move(warning));
  }
  return out;
}

NodeSync judge(const json::object& item, std::int64_t commit_time) {
  NodeSync node;
  node.key = text_of(item, "key");
  node.fqdn = text_of(item, "fqdn");
  node.sync_status = text_of(item, "sync_status");
  const json::value* sync_value = item.if_contains("configuration_sync");
  const json::object* sync = sync_value != nullptr ? sync_value->if_object() : nullptr;
  if (sync == nullptr) {
    if (node.sync_status == "n/a") {
      node.managed = false;  // the central management node (or a node that takes no configuration)
      return node;
    }
    node.reason = "reports no configuration_sync";
    return node;
  }
  node.last_updated = text_of(*sync, "last_updated");
  node.warnings = warnings_of(*sync);
  const std::optional<std::int64_t> updated = parse_iso_utc(node.last_updated);
  if (!updated) {
    node.reason = node.last_updated.empty() ? "reports no configuration_sync.last_updated"
                                            : "configuration_sync.last_updated '" + node.last_updated +
                                                  "' is not an ISO 8601 time";
    return node;
  }
  if (*updated < commit_time) {
    node.reason = "last updated its configuration at " + node.last_updated + ", before the commit (" +
                  format_iso_utc(commit_time) + ")";
    return node;
  }
  if (node.sync_status == "pending") {
    node.reason = "sync_status is pending";
    return node;
  }
  node.settled = true;
  if (!node.warnings.empty()) {
    node.reason = "took the commit with " + std::to_string(node.warnings.size()) + " warning" +
                  (node.warnings.size() == 1 ? "" : "s");
    return node;
  }
  node.in_sync = true;
  return node;
}

}  // namespace

std::size_t ClusterStatus::managed() const {
  return static_cast<std::size_t>(std::count_if(nodes.begin(), nodes.end(), [](const auto& n) { return n.managed; }));
}

std::size_t ClusterStatus::in_sync() const {
  return static_cast<std::size_t>(std::count_if(nodes.begin(), nodes.end(), [](const auto& n) { return n.in_sync; }));
}

bool ClusterStatus::all_in_sync() const {
  return missing.empty() && std::all_of(nodes.begin(), nodes.end(), [](const auto& n) { return !n.managed || n.in_sync; });
}

bool ClusterStatus::settled() const {
  return missing.empty() && std::all_of(nodes.begin(), nodes.end(), [](const auto& n) { return !n.managed || n.settled; });
}

ClusterStatus evaluate_cluster_status(const json::value& doc, std::int64_t commit_time,
                                      std::span<const std::string> expected) {
  ClusterStatus status;
  const json::object* o = doc.if_object();
  const json::value* items = o != nullptr ? o->if_contains("items") : nullptr;
  if (items != nullptr && items->is_array()) {
    for (const auto& item : items->get_array()) {
      if (const json::object* node = item.if_object()) status.nodes.push_back(judge(*node, commit_time));
    }
  }
  for (const auto& name : expected) {
    const bool listed = std::any_of(status.nodes.begin(), status.nodes.end(),
                                    [&](const NodeSync& n) { return n.fqdn == name || n.key == name; });
    if (!listed) status.missing.push_back(name);
  }
  return status;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the form RFC 9110 servers must send).
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
  int day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  if (month == kMonths.end() || !digits(text, 5, 2, day) || !digits(text, 12, 4, year) || !digits(text, 17, 2, hour) ||
      !digits(text, 20, 2, minute) || !digits(text, 23, 2, second) || text[22] != ':' || text[19] != ':') {
    return std::nullopt;
  }
  return to_epoch(year, static_cast<int>(month - kMonths.begin()) + 1, day, hour, minute, second);
}

std::optional<std::int64_t> parse_iso_utc(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::string_view zone = text.substr(19);
  if (zone.starts_with('.')) {
    std::size_t end = 1;
    while (end < zone.size() && zone[end] >= '0' && zone[end] <= '9') ++end;
    if (end == 1) return std::nullopt;
    zone.remove_prefix(end);  // fractions of the second: the whole second is enough
  }
  if (zone != "Z" && zone != "+00:00" && zone != "+0000") return std::nullopt;  // the API documents UTC only
  return to_epoch(year, month, day, hour, minute, second);
}

std::string format_iso_utc(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string_view to_string(ClusterSyncState s) {
  switch (s) {
    case ClusterSyncState::kInSync: return "in-sync";
    case ClusterSyncState::kIssues: return "issues";
    case ClusterSyncState::kNotInSync: return "not-in-sync";
    case ClusterSyncState::kUnknown: return "unknown";
  }
  return "unknown";
}

ClusterSyncResult wait_for_cluster_sync(appliance::ApplianceApi& api, const std::string& commit_date,
                                        const ClusterSyncOptions& options) {
  using namespace std::chrono;
  ClusterSyncResult result;
  const auto start = steady_clock::now();
  const auto deadline = start + options.timeout;
  std::optional<std::int64_t> commit_time = parse_http_date(commit_date);
  milliseconds interval = std::max(options.interval, milliseconds(1));
  bool seen = false;  // a status was read at least once
  for (;;) {
    ++result.polls;
    auto answer = api.get(kClusterStatusPath);
    if (answer) {
      if (!commit_time) {
        // No Date on the commit's answer: this answer's Date (or the local clock) is later
        // than the commit, so no node is called in sync before it took the commit.
        commit_time = parse_http_date(answer->date);
        if (!commit_time) commit_time = static_cast<std::int64_t>(std::time(nullptr));
      }
      result.last = evaluate_cluster_status(answer->body, *commit_time, options.expected);
      result.error.clear();
      seen = true;
    } else {
      result.error = answer.error().message;
    }
    const auto now = steady_clock::now();
    result.waited = duration_cast<milliseconds>(now - start);
    const bool done = seen && answer && result.last.settled();
    const milliseconds left = now >= deadline ? milliseconds(0) : duration_cast<milliseconds>(deadline - now);
    const milliseconds pause = done || left.count() == 0 ? milliseconds(0) : std::min(interval, left);
    if (options.on_poll) options.on_poll(result.polls, answer ? &result.last : nullptr, result.error, pause, left);
    if (done) break;
    if (pause.count() == 0) {
      if (!seen) break;  // never read: unknown
      result.state = ClusterSyncState::kNotInSync;
      if (commit_time) result.commit_time = format_iso_utc(*commit_time);
      return result;
    }
    // Sleep in small steps so that a stop request is not delayed by a long pause.
    const auto until = steady_clock::now() + pause;
    while (steady_clock::now() < until) {
      if (options.cancelled && options.cancelled()) {
        result.error = "interrupted while waiting for the cluster";
        result.state = ClusterSyncState::kUnknown;
        if (commit_time) result.commit_time = format_iso_utc(*commit_time);
        return result;
      }
      std::this_thread::sleep_for(std::min(milliseconds(20), duration_cast<milliseconds>(until - steady_clock::now())));
    }
    interval = std::min(interval * 2, std::max(options.max_interval, options.interval));
  }
  if (commit_time) result.commit_time = format_iso_utc(*commit_time);
  if (!seen) {
    result.state = ClusterSyncState::kUnknown;
  } else {
    result.state = result.last.all_in_sync() ? ClusterSyncState::kInSync : ClusterSyncState::kIssues;
  }
  result.waited = duration_cast<milliseconds>(steady_clock::now() - start);
  return result;
}

}  // namespace sps::apply
