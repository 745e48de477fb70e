// Parsing of the simulator's textual options (--fault, --user) and journal formatting.
#include "sim/sim.h"

#include <algorithm>
#include <charconv>

namespace sps::sim {
namespace json = boost::json;

namespace {

core::Error bad_fault(std::string_view spec, std::string_view why) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "invalid --fault '" + std::string(spec) + "': " + std::string(why),
                     "examples: status=500,method=PUT,path=/api/configuration/**,nth=3,"
                     "type=InternalError | drop=before,nth=2 | drop=after,method=PUT | "
                     "stall,path=/api/transaction | expire,method=PUT | lock-held-by=alice | "
                     "reject-commit[=N] | cluster-never-syncs=NODE | cluster-issue=NODE; see sim/README.md");
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string_view> split_items(std::string_view spec) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  for (;;) {
    const auto comma = spec.find(',', start);
    items.push_back(spec.substr(start, comma - start));
    if (comma == std::string_view::npos) return items;
    start = comma + 1;
  }
}

}  // namespace

core::Result<Fault> Fault::parse(std::string_view spec) {
  Fault fault;
  bool has_action = false;
  // body= takes the rest of the spec (a body may contain commas).
  std::string_view items = spec;
  if (const auto at = spec.find("body="); at != std::string_view::npos && (at == 0 || spec[at - 1] == ',')) {
    fault.body = std::string(spec.substr(at + 5));
    items = spec.substr(0, at == 0 ? 0 : at - 1);
  }
  for (std::string_view item : split_items(items)) {
    const auto eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (name == "stall" || name == "expire") {
      fault.action = name == "stall" ? FaultAction::kStall : FaultAction::kExpireTransaction;
      has_action = true;
    } else if (name == "drop") {
      if (value != "before" && value != "after") return bad_fault(spec, "drop must be before or after");
      fault.action = value == "before" ? FaultAction::kDropBefore : FaultAction::kDropAfter;
      has_action = true;
    } else if (name == "status") {
      if (!parse_number(value, fault.status) || fault.status < 100 || fault.status > 599) {
        return bad_fault(spec, "status must be an HTTP status code");
      }
      fault.action = FaultAction::kStatus;
      has_action = true;
    } else if (name == "cut") {
      fault.action = FaultAction::kCut;
      has_action = true;
    } else if (name == "rewrite") {
      if (!parse_number(value, fault.status) || fault.status < 100 || fault.status > 599) {
        return bad_fault(spec, "rewrite must be an HTTP status code");
      }
      fault.action = FaultAction::kRewrite;
      has_action = true;
    } else if (name == "method") {
      fault.method = std::string(value);
      for (auto& c : fault.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (name == "path") {
      fault.path = std::string(value);
    } else if (name == "nth") {
      if (!parse_number(value, fault.nth) || fault.nth == 0) {
        return bad_fault(spec, "nth must be a positive integer");
      }
    } else if (name == "type") {
      if (value.empty()) return bad_fault(spec, "type must not be empty");
      fault.error_type = std::string(value);
    } else if (name == "message") {
      fault.message = std::string(value);
    } else {
      return bad_fault(spec, "unknown item '" + std::string(name) + "'");
    }
  }
  if (!has_action) return bad_fault(spec, "no action (status=N, drop=before|after, stall, expire, cut, rewrite=N)");
  return fault;
}

core::Result<void> apply_fault_spec(std::string_view spec, Options& options) {
  if (spec.starts_with("lock-held-by=")) {
    options.lock_held_by = std::string(spec.substr(13));
    if (options.lock_held_by.empty()) return bad_fault(spec, "lock-held-by needs a name");
    return {};
  }
  if (spec == "reject-commit") {
    options.reject_commits = 1;
    return {};
  }
  if (spec.starts_with("reject-commit=")) {
    if (!parse_number(spec.substr(14), options.reject_commits) || options.reject_commits < 1) {
      return bad_fault(spec, "reject-commit=N needs a positive count");
    }
    return {};
  }
  for (const std::string_view prefix : {"cluster-never-syncs=", "cluster-issue="}) {
    if (!spec.starts_with(prefix)) continue;
    const std::string_view fqdn = spec.substr(prefix.size());
    auto node = std::find_if(options.cluster_nodes.begin(), options.cluster_nodes.end(),
                             [&](const ClusterNode& n) { return n.fqdn == fqdn; });
    if (node == options.cluster_nodes.end()) {
      return bad_fault(spec, "no cluster node '" + std::string(fqdn) +
                                 "'; --cluster-nodes N names them node-1.cluster.example ... node-N.cluster.example");
    }
    (prefix == "cluster-issue=" ? node->issues : node->never_syncs) = true;
    return {};
  }
  auto fault = Fault::parse(spec);
  if (!fault) return fault.error();
  options.faults.push_back(std::move(*fault));
  return {};
}

std::vector<ClusterNode> cluster_of(unsigned n) {
  std::vector<ClusterNode> nodes;
  for (unsigned i = 1; i <= n; ++i) nodes.push_back({"node-" + std::to_string(i) + ".cluster.example"});
  return nodes;
}

core::Result<LoginMethod> parse_login_method(std::string_view spec) {
  LoginMethod method;
  const auto items = [&] {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
      const auto colon = spec.find(':', start);
      out.push_back(spec.substr(start, colon - start));
      if (colon == std::string_view::npos) return out;
      start = colon + 1;
    }
  }();
  const auto bad = [&](std::string_view why) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "invalid --login-method '" + std::string(spec) + "': " + std::string(why),
                       "expected NAME:local|ldap[:x509][:nopassword], e.g. corp-ldap:ldap or local:local:x509");
  };
  if (items.size() < 2 || items[0].empty()) return bad("needs a name and an authentication backend");
  method.name = std::string(items[0]);
  if (items[1] != "local" && items[1] != "ldap") return bad("the backend must be local or ldap");
  method.authentication = std::string(items[1]);
  method.x509 = false;
  for (std::size_t i = 2; i < items.size(); ++i) {
    if (items[i] == "x509") method.x509 = true;
    else if (items[i] == "nopassword") method.password = false;
    else return bad("unknown flag '" + std::string(items[i]) + "'");
  }
  return method;
}

core::Result<User> parse_user(std::string_view spec) {
  User user;
  std::string_view rest = spec;
  if (const auto at = rest.rfind(":method="); at != std::string_view::npos) {
    user.login_method = std::string(rest.substr(at + 8));
    rest = rest.substr(0, at);
  }
  if (rest.ends_with(":readonly")) {
    user.read_only = true;
    rest.remove_suffix(9);
  }
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() || user.login_method.empty()) {
    // Never echo the spec: it contains a password.
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "invalid --user value: expected NAME:PASSWORD[:readonly][:method=LOGIN_METHOD]");
  }
  user.name = std::string(rest.substr(0, colon));
  user.password = std::string(rest.substr(colon + 1));
  return user;
}

std::string JournalEntry::to_string() const {
  std::string out = method + " " + path + " " + std::to_string(status);
  if (!fault.empty()) out += " [" + fault + "]";
  return out;
}

json::object JournalEntry::to_json() const {
  return json::object{{"sequence", sequence}, {"method", method}, {"path", path},
                      {"user", user},         {"status", status}, {"applied", applied},
                      {"fault", fault}};
}

}  // namespace sps::sim
