#pragma once
// A small inline catalog for the pure-core unit tests, independent of the real schemas/.
#include "catalog/catalog.h"
#include "model/model.h"

#include <boost/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace sps::testing {

inline const catalog::Catalog& test_catalog() {
  static const catalog::Catalog catalog = [] {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"passwords.json", R"({"x-sps": {"path": "passwords", "shape": "collection", "write_once": true,
           "builtin": true}, "type": "object", "properties": {"plain": {"type": "string"}},
           "additionalProperties": false})"},
        {"policies/backup_policies.json", R"({"x-sps": {"path": "policies/backup_policies",
           "shape": "collection", "identity": "name",
           "references": [{"pointer": "/target/password", "target": "passwords"}],
           "secrets": [{"pointer": "/target/password", "mode": "password-object"}],
           "set_lists": ["/start_times"]},
           "type": "object", "additionalProperties": false,
           "properties": {"name": {"type": "string"}, "start_times": {"type": "array"},
             "listen": {"type": "array"},
             "target": {"type": "object", "additionalProperties": false, "properties": {
               "type": {"type": "string"}, "path": {"type": "string"}, "password": {"type": "string"},
               "server": {"type": "object"}}}}})"},
        {"policies/audit_policies.json", R"({"x-sps": {"path": "policies/audit_policies",
           "shape": "collection", "identity": "name", "builtin_names": ["default"],
           "references": [{"pointer": "/backup", "target": "policies/backup_policies"}]},
           "type": "object", "properties": {"name": {"type": "string"}, "backup": {},
           "interval": {"type": "integer"}}, "additionalProperties": false})"},
        {"management/system_backup.json", R"({"x-sps": {"path": "management/system_backup",
           "shape": "singleton", "references": [{"pointer": "/backup_policy",
           "target": "policies/backup_policies"}]}, "type": "object",
           "properties": {"backup_policy": {}}, "additionalProperties": false})"},
        {"management/splunk_forwarder.json", R"({"x-sps": {"path": "management/splunk_forwarder",
           "shape": "singleton", "secrets": [{"pointer": "/token", "mode": "inline"}],
           "server_computed": ["/status"]}, "type": "object", "additionalProperties": false,
           "properties": {"enabled": {"type": "boolean"}, "token": {"type": "string"},
           "port": {"type": "integer"}, "host": {"type": "object"}, "sender": {}}})"},
    };
    auto parsed = catalog::Catalog::parse(files);
    if (!parsed) throw std::runtime_error(parsed.error().message);
    return *parsed;
  }();
  return catalog;
}

/// A desired resource from inline JSON.
inline model::Resource desired_resource(std::string kind, std::string name, std::string_view body_json) {
  model::Resource r;
  r.address = {std::move(kind), std::move(name)};
  r.body = boost::json::parse(body_json);
  return r;
}

/// A live (normalized) resource from inline JSON.
inline model::Resource live_resource(std::string kind, std::string name, std::string key, std::string_view body_json) {
  model::Resource r = desired_resource(std::move(kind), std::move(name), body_json);
  r.key = std::move(key);
  r.builtin = !r.key.empty() && r.key.front() == '-';
  return r;
}

inline model::DesiredState desired_state(std::vector<model::Resource> resources) {
  model::DesiredState d;
  d.resources = std::move(resources);
  std::sort(d.resources.begin(), d.resources.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  return d;
}

inline model::LiveState live_state(std::vector<model::Resource> resources) {
  model::LiveState l;
  l.resources = std::move(resources);
  std::sort(l.resources.begin(), l.resources.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  for (const auto& r : l.resources) l.kinds.insert(r.address.kind);
  return l;
}

}  // namespace sps::testing
