#pragma once
// A small catalog for the desired module's unit tests, so they do not depend on the real
// schemas/ (which change as endpoints are researched). Test-only header.
#include "catalog/catalog.h"

#include <string>
#include <utility>
#include <vector>

namespace sps::desired::testing {

/// Seven kinds covering every shape the loader and validator distinguish: collections
/// with and without builtin names, singletons with a reference, an inline secret and a
/// password-object secret, and built-in kinds (passwords, NICs without an identity field).
inline const catalog::Catalog& test_catalog() {
  static const catalog::Catalog catalog = [] {
    const std::vector<std::pair<std::string, std::string>> files{
        {"passwords.json", R"({"type": "object", "x-sps": {"path": "passwords", "shape": "collection",
            "write_once": true, "builtin": true}})"},
        {"network/nics.json", R"({"type": "object", "x-sps": {"path": "network/nics", "shape": "collection",
            "builtin": true}})"},
        {"policies/backup_policies.json", R"({"type": "object",
            "properties": {"name": {"type": "string"},
              "start_times": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$"}},
              "target": {"type": "object", "additionalProperties": false, "properties": {
                "type": {"enum": ["nfs", "smb"]}, "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                "authentication": {"type": "object", "properties": {"password": {"type": "string", "minLength": 64}}}}}},
            "required": ["name"], "additionalProperties": false,
            "x-sps": {"path": "policies/backup_policies", "shape": "collection", "identity": "name",
              "references": [{"pointer": "/target/authentication/password", "target": "passwords"}],
              "secrets": [{"pointer": "/target/authentication/password", "mode": "password-object"}]}})"},
        {"policies/audit_policies.json", R"({"type": "object",
            "properties": {"name": {"type": "string"}}, "additionalProperties": false,
            "x-sps": {"path": "policies/audit_policies", "shape": "collection", "identity": "name",
              "builtin_names": ["default"]}})"},
        {"management/system_backup.json", R"({"type": "object",
            "properties": {"backup_policy": {}, "audit": {}}, "additionalProperties": false,
            "x-sps": {"path": "management/system_backup", "shape": "singleton",
              "references": [{"pointer": "/backup_policy", "target": "policies/backup_policies"},
                             {"pointer": "/audit", "target": "policies/audit_policies"}]}})"},
        {"management/splunk_forwarder.json", R"({"type": "object",
            "properties": {"enabled": {"type": "boolean"}, "port": {"type": "integer"}, "token": {"type": "string"},
              "host": {"type": "object", "properties": {"selection": {"enum": ["ip", "fqdn"]}, "value": {"type": "string"}},
                       "additionalProperties": false}},
            "additionalProperties": false,
            "x-sps": {"path": "management/splunk_forwarder", "shape": "singleton",
              "secrets": [{"pointer": "/token", "mode": "inline"}]}})"},
        {"local_services/user_web.json", R"({"type": "object",
            "properties": {"listen": {"type": "array", "items": {"type": "object",
              "properties": {"address": {}, "http_port": {"type": "integer"}, "https_port": {"type": "integer"}},
              "additionalProperties": false}}},
            "additionalProperties": false,
            "x-sps": {"path": "local_services/user_web", "shape": "singleton",
              "references": [{"pointer": "/listen/*/address", "target": "network/nics"}]}})"},
    };
    auto parsed = catalog::Catalog::parse(files);
    if (!parsed) throw std::runtime_error("test catalog: " + parsed.error().message);
    return std::move(*parsed);
  }();
  return catalog;
}

}  // namespace sps::desired::testing
