#include "apply/preflight.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace sps::apply {
namespace json = boost::json;

namespace {

constexpr const char* kTransaction = "/api/transaction";

/// "7.5.0" -> {7, 5}; nullopt when it does not start with two numbers.
std::optional<std::pair<int, int>> major_minor(std::string_view text) {
  int parts[2] = {0, 0};
  std::size_t pos = 0;
  for (int i = 0; i < 2; ++i) {
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      parts[i] = parts[i] * 10 + (text[pos] - '0');
      if (parts[i] > 100000) return std::nullopt;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    if (i == 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
  }
  return std::pair{parts[0], parts[1]};
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

/// Whether the endpoint list lets the user send method to path: the longest url that is
/// path itself or one of its ancestors decides.
bool allowed(const json::array& endpoints, const std::string& method, const std::string& path) {
  const json::object* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& e : endpoints) {
    const json::object* o = e.if_object();
    if (o == nullptr) continue;
    std::string url = text_of(*o, "url");
    while (url.size() > 1 && url.back() == '/') url.pop_back();
    const bool covers = path == url || (path.starts_with(url) && path.size() > url.size() && path[url.size()] == '/');
    if (covers && (best == nullptr || url.size() > best_length)) {
      best = o;
      best_length = url.size();
    }
  }
  if (best == nullptr) return false;
  const json::value* methods = best->if_contains("methods");
  if (methods == nullptr || !methods->is_array()) return false;
  return std::any_of(methods->get_array().begin(), methods->get_array().end(),
                     [&](const json::value& m) { return m.is_string() && m.get_string() == method; });
}

}  // namespace

bool ApplianceInfo::managed_host() const {
  return std::find(roles.begin(), roles.end(), "managed-host") != roles.end() && !central_management();
}

bool ApplianceInfo::central_management() const {
  return std::find(roles.begin(), roles.end(), "central-management") != roles.end();
}

namespace {

/// The answer to GET path: from `known` when it holds one, else from the appliance.
core::Result<appliance::Response> get_or_known(appliance::ApplianceApi& api, const appliance::Answers* known,
                                               std::string_view path) {
  if (known != nullptr) {
    if (auto it = known->find(path); it != known->end()) return it->second;
  }
  return api.get(path);
}

}  // namespace

core::Result<ApplianceInfo> read_appliance_info(appliance::ApplianceApi& api, const appliance::Answers* known) {
  auto r = get_or_known(api, known, kInfoPath);
  if (!r) return r.error();
  ApplianceInfo info;
  const json::object* doc = r->body.if_object();
  const json::value* body = doc != nullptr ? doc->if_contains("body") : nullptr;
  if (body == nullptr || !body->is_object()) return info;
  info.firmware_version = text_of(body->get_object(), "firmware_version");
  if (const json::value* roles = body->get_object().if_contains("roles"); roles && roles->is_array()) {
    for (const auto& role : roles->get_array()) {
      if (role.is_string()) info.roles.emplace_back(role.get_string());
    }
  }
  return info;
}

bool firmware_at_least(const std::string& firmware, const std::string& available) {
  if (!available.ends_with('+')) return true;
  const auto need = major_minor(std::string_view(available).substr(0, available.size() - 1));
  const auto have = major_minor(firmware);
  if (!need || !have) return true;
  return *have >= *need;
}

namespace {

/// The kinds an apply of the plan writes: the steps' kinds and the secret objects created.
std::set<std::string> written_kinds(const plan::Plan& plan) {
  std::set<std::string> kinds;
  for (const auto& s : plan.steps) {
    kinds.insert(s.address.kind);
    for (const auto& slot : s.secrets) {
      kinds.insert(slot.mode == catalog::SecretMode::kPrivateKeyObject ? "private_keys" : "passwords");
    }
  }
  return kinds;
}

}  // namespace

std::vector<std::string> firmware_problems(const plan::Plan& plan, const catalog::Catalog& catalog,
                                           const std::string& firmware) {
  std::vector<std::string> out;
  if (firmware.empty()) return out;
  for (const auto& name : written_kinds(plan)) {
    const catalog::Kind* kind = catalog.find(name);
    if (kind == nullptr || kind->available.empty() || firmware_at_least(firmware, kind->available)) continue;
    out.push_back(name + " is available from SPS " + kind->available + " on, and the appliance runs " + firmware);
  }
  return out;
}

std::vector<MissingPrivilege> missing_privileges(const plan::Plan& plan, const catalog::Catalog& catalog,
                                                 const json::value& user_info) {
  const json::object* doc = user_info.if_object();
  const json::value* list = doc != nullptr ? doc->if_contains("endpoints") : nullptr;
  static const json::array kNone;
  const json::array& endpoints = list != nullptr && list->is_array() ? list->get_array() : kNone;
  // Every request an apply sends, in the order it sends them, once each.
  std::vector<MissingPrivilege> needed{{"POST", kTransaction}};
  for (const auto& s : plan.steps) {
    for (const auto& slot : s.secrets) {
      const catalog::Kind* kind =
          catalog.find(slot.mode == catalog::SecretMode::kPrivateKeyObject ? "private_keys" : "passwords");
      if (kind != nullptr) needed.push_back({"POST", kind->rest_path});
    }
    needed.push_back({s.method, s.path});
  }
  needed.push_back({"PUT", kTransaction});
  std::vector<MissingPrivilege> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& n : needed) {
    if (!seen.insert({n.method, n.path}).second) continue;
    if (!allowed(endpoints, n.method, n.path)) out.push_back(std::move(n));
  }
  return out;
}

core::Result<std::optional<json::value>> read_user_endpoints(appliance::ApplianceApi& api,
                                                            const appliance::Answers* known) {
  for (const char* path : {kUserInfoPath, "/api/endpoints"}) {
    auto r = get_or_known(api, known, path);
    if (r) return std::optional<json::value>(std::move(r->body));
    if (r.error().code != core::ErrorCode::kNotFound) return r.error();
  }
  return std::optional<json::value>();
}

}  // namespace sps::apply
