#include "desired/validate.h"

#include "core/json_pointer.h"
#include "desired/suggest.h"
#include "model/ignore_rule.h"
#include "schema/validator.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace sps::desired {
namespace json = boost::json;
using core::Diagnostic;
using core::Severity;
using core::SourceLocation;

namespace {

/// Shared state of one validation run.
class Checker {
 public:
  Checker(const model::DesiredState& state, const catalog::Catalog& catalog) : m_state(state), m_catalog(catalog) {}

  core::Diagnostics run() {
    for (const auto& resource : m_state.resources) {
      const catalog::Kind* kind = m_catalog.find(resource.address.kind);
      if (kind == nullptr) continue;
      check_schema(*kind, resource);
      check_references(*kind, resource);
      check_plain_secrets(*kind, resource);
    }
    check_prune();
    check_ignore();
    return std::move(m_diagnostics);
  }

 private:
  void add(const model::Resource& resource, const std::string& pointer, std::string message,
           std::string hint = {}) {
    m_diagnostics.add(Diagnostic{Severity::kError, resource.location_of(pointer), std::move(message),
                                 std::move(hint), resource.address.to_string(), pointer});
  }

  const schema::Validator* validator_for(const catalog::Kind& kind, const model::Resource& resource) {
    if (auto it = m_validators.find(kind.path); it != m_validators.end()) {
      return it->second ? &*it->second : nullptr;
    }
    auto compiled = schema::Validator::compile_cached(kind.schema);
    auto& slot = m_validators[kind.path];
    if (!compiled) {
      // A schema that does not compile is a bug in the catalog, not in the user's YAML;
      // report it once so validation of everything else still happens.
      add(resource, "", "internal error: the schema of \"" + kind.path + "\" does not compile: " +
                            compiled.error().message);
      return nullptr;
    }
    slot = std::move(*compiled);
    return &*slot;
  }

  // True when the pointer is a secret or lies inside one: its value must not be quoted.
  static bool touches_secret(const catalog::Kind& kind, const model::Resource& resource, const std::string& pointer) {
    auto inside = [&](const std::string& secret) {
      return pointer == secret || (pointer.size() > secret.size() && pointer.starts_with(secret) &&
                                   pointer[secret.size()] == '/');
    };
    for (const auto& s : resource.secrets) {
      if (inside(s.pointer)) return true;
    }
    if (kind.secret_at(pointer) != nullptr) return true;
    std::string p = pointer;
    while (!p.empty()) {
      p.resize(p.rfind('/'));
      if (!p.empty() && kind.secret_at(p) != nullptr) return true;
    }
    return false;
  }

  // Allowed member names of the schema object that rejected an unknown member: the schema
  // node holding the failing "additionalProperties" keyword.
  static std::vector<std::string> allowed_fields(const catalog::Kind& kind, const std::string& schema_pointer) {
    std::vector<std::string> names;
    std::string parent = schema_pointer;
    if (parent.ends_with("/additionalProperties")) parent.resize(parent.size() - std::string_view("/additionalProperties").size());
    const json::value* node = core::find_pointer(kind.schema, parent);
    if (node == nullptr || !node->is_object()) return names;
    if (const auto* props = node->as_object().if_contains("properties"); props && props->is_object()) {
      for (const auto& member : props->as_object()) names.emplace_back(member.key());
    }
    return names;
  }

  // YAML habits that produce the wrong JSON type: YAML 1.1 booleans and quoted numbers.
  static std::string type_hint(const schema::ValidationError& e, const json::value& body) {
    if (e.keyword != "type") return {};
    const json::value* value = core::find_pointer(body, e.instance_pointer);
    const json::string* text = value == nullptr ? nullptr : value->if_string();
    if (text == nullptr) return {};
    static const std::vector<std::string_view> yaml11_booleans{"yes", "no", "on", "off", "Yes", "No", "On", "Off",
                                                                "YES", "NO", "ON", "OFF", "y", "n"};
    if (std::find(yaml11_booleans.begin(), yaml11_booleans.end(), std::string_view(*text)) != yaml11_booleans.end()) {
      return "YAML 1.2 reads \"" + std::string(*text) + "\" as a string; write true or false";
    }
    if (!text->empty() && std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "remove the quotes to write a number";
    }
    return {};
  }

  void check_schema(const catalog::Kind& kind, const model::Resource& resource) {
    const schema::Validator* validator = validator_for(kind, resource);
    if (validator == nullptr) return;
    // Most bodies are valid: is_valid stops at the first failure and builds no messages
    // (failing union branches would each build theirs).
    if (validator->is_valid(resource.body)) return;
    const std::string address = resource.address.to_string();
    // The validator hides values at secret pointers itself; we also reword its messages
    // there (below), so a secret stays hidden even in a message about a parent object.
    schema::ValidateOptions options;
    options.is_secret = [&](std::string_view pointer) { return touches_secret(kind, resource, std::string(pointer)); };
    for (const auto& e : validator->validate(resource.body, options)) {
      const std::string& pointer = e.instance_pointer;
      if (e.keyword == "additionalProperties") {
        const auto tokens = core::split_pointer(pointer);
        const std::string field = tokens.empty() ? std::string() : tokens.back();
        const std::string parent = pointer.substr(0, pointer.rfind('/') == std::string::npos ? 0 : pointer.rfind('/'));
        const auto allowed = allowed_fields(kind, e.schema_pointer);
        std::string hint = did_you_mean(field, allowed);
        if (hint.empty() && !allowed.empty()) {
          hint = "allowed fields here:";
          for (const auto& name : allowed) hint += " " + name;
        }
        add(resource, pointer, "unknown field \"" + field + "\" in " + address + parent, std::move(hint));
        continue;
      }
      if (const model::SecretSource* secret = resource.secret_at(pointer); secret != nullptr && !secret->available) {
        continue;  // a stand-in for a value not read (validate without --require-secrets)
      }
      if (touches_secret(kind, resource, pointer)) {
        // The validator may quote the offending value; for a secret that would leak it.
        add(resource, pointer, address + pointer + ": the secret value does not satisfy the schema (" + e.keyword + ")");
        continue;
      }
      add(resource, pointer, address + pointer + ": " + e.message, type_hint(e, resource.body));
    }
  }

  void check_references(const catalog::Kind& kind, const model::Resource& resource) {
    for (const auto& spec : kind.references) {
      const catalog::Kind* target = m_catalog.find(spec.target);
      core::for_each_match(resource.body, spec.pointer, [&](const std::string& pointer, const json::value& value) {
        // Password and private-key secrets are references too, but the desired state holds
        // the secret itself; the appliance creates the object at apply time.
        if (kind.secret_at(pointer) != nullptr) return;
        if (value.is_null()) return;
        if (const auto* object = value.if_object()) {
          const auto* key = object->if_contains("key");
          if (object->size() != 1 || key == nullptr || !key->is_string()) {
            add(resource, pointer,
                resource.address.to_string() + pointer + ": a reference is written as the target's name or as {key: \"...\"}");
          }
          return;
        }
        const auto* name = value.if_string();
        if (name == nullptr || target == nullptr || !target->is_collection() || target->identity.empty()) return;
        const std::string wanted(*name);
        if (m_state.find({target->path, wanted}) != nullptr) return;
        if (std::find(target->builtin_names.begin(), target->builtin_names.end(), wanted) != target->builtin_names.end()) return;
        std::vector<std::string> names = target->builtin_names;
        for (const auto& r : m_state.resources) {
          if (r.address.kind == target->path) names.push_back(r.address.name);
        }
        std::string hint = did_you_mean(wanted, names);
        if (hint.empty()) {
          hint = "define it under \"" + target->path + "\", or write {key: \"...\"} for an object that exists only on the appliance";
        }
        add(resource, pointer,
            "dangling reference: " + resource.address.to_string() + pointer + " names \"" + wanted +
                "\", which is not a " + target->path + " defined in the desired state or built into the appliance",
            std::move(hint));
      });
    }
  }

  void check_plain_secrets(const catalog::Kind& kind, const model::Resource& resource) {
    for (const auto& spec : kind.secrets) {
      core::for_each_match(resource.body, spec.pointer, [&](const std::string& pointer, const json::value& value) {
        if (!value.is_string()) return;  // null (unset) or {key: ...} to an existing password object
        const bool tagged = std::any_of(resource.secrets.begin(), resource.secrets.end(),
                                        [&](const model::SecretSource& s) { return s.pointer == pointer; });
        if (tagged) return;
        add(resource, pointer, resource.address.to_string() + pointer + " is a secret written in plain text",
            "write it as !secret env:NAME or !secret file:PATH so the secret stays out of Git");
      });
    }
  }

  void settings_error(const SourceLocation& where, std::string message, std::string hint, std::string pointer) {
    m_diagnostics.add(Diagnostic{Severity::kError, where, std::move(message), std::move(hint), "sps-apply", std::move(pointer)});
  }

  std::vector<std::string> user_kinds(bool collections_only) const {
    std::vector<std::string> paths;
    for (const auto& k : m_catalog.kinds()) {
      if (!k.builtin && (!collections_only || k.is_collection())) paths.push_back(k.path);
    }
    return paths;
  }

  void check_prune() {
    for (const auto& kind_path : m_state.settings.prune) {
      auto it = m_state.settings.prune_locations.find(kind_path);
      const SourceLocation where = it == m_state.settings.prune_locations.end() ? SourceLocation{} : it->second;
      const catalog::Kind* kind = m_catalog.find(kind_path);
      if (kind == nullptr && m_state.discovered.count(kind_path) != 0) continue;  // its shape is known at plan time
      if (kind == nullptr) {
        settings_error(where, "unknown kind \"" + kind_path + "\" in sps-apply/prune", did_you_mean(kind_path, user_kinds(true)),
                       "/prune");
      } else if (!kind->is_collection() || kind->builtin) {
        settings_error(where, "\"" + kind_path + "\" cannot be pruned: prune applies to collections the desired state manages",
                       {}, "/prune");
      }
    }
  }

  // Parsed by model::parse_ignore_rule, as drift parses them; an unknown kind and a field the
  // kind's schema does not have get a "did you mean" hint, which only the offline check can
  // afford to compute. Rules about discovered kinds are checked once the appliance tells
  // their shape (which they do not constrain: nothing to say).
  void check_ignore() {
    const auto& rules = m_state.settings.ignore;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const std::string& rule = rules[i];
      model::SchemaMiss miss;
      auto parsed = model::parse_ignore_rule(rule, m_catalog, &miss);
      if (parsed || names_discovered_kind(rule)) continue;
      const SourceLocation where = i < m_state.settings.ignore_locations.size() ? m_state.settings.ignore_locations[i] : SourceLocation{};
      std::string hint = parsed.error().code == core::ErrorCode::kNotFound ? unknown_kind_hint(rule) : parsed.error().detail;
      // A field the kind's schema does not have: the closest one it has there.
      if (std::string closest = did_you_mean(miss.token, miss.allowed); !closest.empty()) hint = std::move(closest);
      settings_error(where, parsed.error().message, std::move(hint), "/ignore/" + std::to_string(i));
    }
  }

  // A rule about a kind the desired state declares without a schema (checked at plan time).
  bool names_discovered_kind(const std::string& rule) const {
    return std::any_of(m_state.discovered.begin(), m_state.discovered.end(), [&](const std::string& kind) {
      return rule == kind || rule.starts_with(kind + "/") || rule.starts_with(kind + "[");
    });
  }

  // The kind the rule most likely meant: the part before "[", else the first one or two
  // path segments.
  std::string unknown_kind_hint(const std::string& rule) const {
    if (const auto bracket = rule.find('['); bracket != std::string::npos) {
      return did_you_mean(rule.substr(0, bracket), user_kinds(true));
    }
    std::string hint;
    const auto candidates = user_kinds(false);
    for (std::size_t end = rule.find('/'); hint.empty(); end = rule.find('/', end + 1)) {
      hint = did_you_mean(rule.substr(0, end), candidates);
      if (end == std::string::npos) break;
    }
    return hint;
  }

  const model::DesiredState& m_state;
  const catalog::Catalog& m_catalog;
  std::map<std::string, std::optional<schema::Validator>> m_validators;
  core::Diagnostics m_diagnostics;
};

}  // namespace

core::Diagnostics validate_desired(const model::DesiredState& state, const catalog::Catalog& catalog) {
  return Checker(state, catalog).run();
}

}  // namespace sps::desired
