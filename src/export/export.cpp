#include "export/export.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace sps::exporter {
namespace json = boost::json;

namespace {

/// Secret placeholders by body pointer, for one resource.
using Placeholders = std::map<std::string, std::string>;

bool is_plain_safe(std::string_view s) {
  if (s.empty()) return false;
  const auto first = static_cast<unsigned char>(s.front());
  if (std::isalpha(first) == 0 && s.front() != '_') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '_' && c != '-' && c != '.' && c != '/') return false;
  }
  // Words YAML 1.1 or 1.2 reads as booleans or null (our loader warns about the 1.1 ones).
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kReserved{"true", "false", "null", "yes", "no", "on", "off", "y", "n"};
  return kReserved.count(lower) == 0;
}

std::string scalar(const json::value& v) {
  if (const auto* s = v.if_string()) return yaml_string(*s);
  if (const auto* o = v.if_object(); o && o->empty()) return "{}";
  if (const auto* a = v.if_array(); a && a->empty()) return "[]";
  return json::serialize(v);  // numbers, booleans, null: the same text in JSON and YAML
}

bool is_block(const json::value& v) {
  if (const auto* o = v.if_object()) return !o->empty();
  if (const auto* a = v.if_array()) return !a->empty();
  return false;
}

/// The emitter. `pointer` tracks where we are in the body, so secrets are replaced by their
/// placeholder whatever their value.
class Emitter {
 public:
  Emitter(std::ostringstream& out, const Placeholders& secrets, std::string identity)
      : m_out(out), m_secrets(secrets), m_identity(std::move(identity)) {}

  /// A mapping whose first line starts with `first` (the indentation, or "- " for an item).
  void mapping(const json::object& o, int indent, const std::string& first, const std::string& pointer) {
    std::vector<std::string> keys;
    for (const auto& m : o) keys.emplace_back(m.key());
    std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
      if (pointer.empty() && (a == m_identity) != (b == m_identity)) return a == m_identity;
      return a < b;
    });
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    bool head = true;
    for (const auto& k : keys) {
      m_out << (head ? first : pad) << yaml_string(k) << ":";
      head = false;
      value(o.at(k), indent, core::append_pointer(pointer, k));
    }
  }

  /// A value after "key:" or "-": inline when scalar, else on the next lines.
  void value(const json::value& v, int indent, const std::string& pointer) {
    if (auto it = m_secrets.find(pointer); it != m_secrets.end()) {
      m_out << " " << it->second << "\n";
    } else if (!is_block(v)) {
      m_out << " " << scalar(v) << "\n";
    } else if (const auto* o = v.if_object()) {
      m_out << "\n";
      mapping(*o, indent + 2, std::string(static_cast<std::size_t>(indent + 2), ' '), pointer);
    } else {
      m_out << "\n";
      sequence(v.as_array(), indent + 2, pointer);
    }
  }

  void sequence(const json::array& a, int indent, const std::string& pointer) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = core::append_pointer(pointer, std::to_string(i));
      const auto* o = a[i].if_object();
      if (o != nullptr && !o->empty() && m_secrets.count(p) == 0) {
        mapping(*o, indent + 2, pad + "- ", p);
      } else {
        m_out << pad << "-";
        value(a[i], indent, p);
      }
    }
  }

 private:
  std::ostringstream& m_out;
  const Placeholders& m_secrets;
  std::string m_identity;
};

std::string upper_word(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const char x = std::isalnum(u) != 0 ? static_cast<char>(std::toupper(u)) : '_';
    if (x == '_' && (out.empty() || out.back() == '_')) continue;
    out += x;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

/// The placeholders of one live resource, and the variables they need.
Placeholders secret_placeholders(const catalog::Kind& kind, const model::Resource& r,
                                 std::vector<SecretVariable>& variables) {
  Placeholders out;
  for (const auto& s : kind.secrets) {
    core::for_each_match(r.body, s.pointer, [&](const std::string& ptr, const json::value& v) {
      // An inline secret is a string; a member marked by name that holds a structure is not one.
      if (v.is_null() || (s.mode == catalog::SecretMode::kInline && !v.is_string())) return;
      SecretVariable var;
      var.name = secret_variable(r.address, ptr);
      var.resource = r.address.to_string();
      var.pointer = ptr;
      var.write_only = s.mode != catalog::SecretMode::kInline;
      out[ptr] = "!secret env:" + var.name;
      variables.push_back(std::move(var));
    });
  }
  return out;
}

/// Normalized live bodies leave unset fields out, but a schema may require them to be
/// present as null ("smtp_server": null). Put those back, so the export validates; the diff
/// treats null and absent alike, so the round trip stays a no-op.
json::value with_required_nulls(const catalog::Kind& kind, const json::value& body) {
  json::value out = body;
  const auto* schema = kind.schema.if_object();
  const auto* required = schema ? schema->if_contains("required") : nullptr;
  auto* o = out.if_object();
  if (required == nullptr || !required->is_array() || o == nullptr) return out;
  for (const auto& name : required->get_array()) {
    if (name.is_string() && !o->contains(name.get_string())) (*o)[name.get_string()] = nullptr;
  }
  return out;
}

std::string not_exported(const Export& e) {
  if (e.skipped.empty()) return {};
  std::ostringstream out;
  out << "\n## Not exported\n\n| endpoint | why |\n|---|---|\n";
  for (const auto& s : e.skipped) out << "| `" << s.path << "` | " << s.why << " |\n";
  return out.str();
}

std::string readme(const Export& e) {
  std::ostringstream out;
  out << "# Exported desired state\n\n"
      << "Written by `sps-apply export` from the live appliance. Review it, commit it, and check it with\n"
      << "`sps-apply validate` and `sps-apply plan --detailed-exitcode` (no changes expected).\n\n"
      << "Built-in objects, server-computed fields and fields the schemas do not know are not exported.\n\n"
      << "## Secrets\n\n";
  if (e.secrets.empty()) {
    out << "This export holds no secrets.\n" << not_exported(e);
    return out.str();
  }
  out << "Secret values are never exported. Set these environment variables before `plan` or `apply`:\n\n"
      << "| variable | resource | field | kind of secret |\n|---|---|---|---|\n";
  for (const auto& s : e.secrets) {
    out << "| `" << s.name << "` | `" << s.resource << "` | `" << s.pointer << "` | "
        << (s.write_only ? "write-only (password or key object): the appliance keeps the one it has; "
                           "any value works until you rotate it with --rotate-secrets"
                         : "inline: must hold the value the appliance has, or plan shows a change")
        << " |\n";
  }
  out << not_exported(e);
  return out.str();
}

}  // namespace

std::string yaml_string(std::string_view s) {
  if (is_plain_safe(s)) return std::string(s);
  return json::serialize(json::string(s));
}

core::Result<std::vector<std::string>> export_kinds(const catalog::Catalog& catalog,
                                                    const std::vector<std::string>& only) {
  std::vector<std::string> out;
  std::string writable;
  for (const auto& k : catalog.kinds()) {
    if (k.builtin) continue;
    writable += (writable.empty() ? "" : ", ") + k.path;
    if (only.empty() || std::find(only.begin(), only.end(), k.path) != only.end()) out.push_back(k.path);
  }
  for (const auto& o : only) {
    const catalog::Kind* k = catalog.find(o);
    if (k == nullptr || k->builtin) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "--only " + o + ": " + (k == nullptr ? "no such kind" : "a built-in kind cannot be exported"),
                         "choose from " + writable);
    }
  }
  return out;
}

std::string export_file(std::string_view kind) {
  static const std::set<std::string, std::less<>> kForwarders{
      "management/splunk_forwarder", "management/universal_siem_forwarder", "management/syslog"};
  if (kForwarders.count(kind) != 0) return "forwarders.yaml";
  std::string area(kind.substr(0, kind.find('/')));
  std::replace(area.begin(), area.end(), '_', '-');
  return area + ".yaml";
}

std::string secret_variable(const model::Address& address, std::string_view pointer) {
  const std::string_view kind = address.kind;
  std::string name = "SPS_" + upper_word(kind.substr(kind.rfind('/') + 1));
  if (!address.name.empty()) name += "_" + upper_word(address.name);
  return name + "_" + upper_word(pointer);
}

Export build_export(const model::LiveState& live, const catalog::Catalog& catalog,
                    const std::vector<std::string>& kinds, std::vector<Skipped> skipped) {
  Export e;
  e.skipped = std::move(skipped);
  std::map<std::string, std::ostringstream> files;
  for (const auto& path : kinds) {
    const catalog::Kind* kind = catalog.find(path);
    if (kind == nullptr) continue;
    if (live.missing_kinds.count(path) != 0 || live.kinds.count(path) == 0) {
      e.warnings.warning({}, "the appliance has no " + kind->rest_path + " endpoint; " + path + " was not exported",
                         kind->available.empty() ? std::string() : "the endpoint exists on SPS " + kind->available);
      continue;
    }
    e.kinds.push_back(path);
    std::ostringstream& out = files[export_file(path)];
    out << "\n" << yaml_string(path) << ":";
    std::vector<const model::Resource*> items;
    for (const auto& r : live.resources) {
      if (r.address.kind == path && !r.builtin) items.push_back(&r);
    }
    if (kind->is_collection() && items.empty()) out << " []\n";
    if (kind->is_collection() && !items.empty()) out << "\n";
    for (const model::Resource* r : items) {
      const Placeholders secrets = secret_placeholders(*kind, *r, e.secrets);
      const json::value body = with_required_nulls(*kind, r->body);
      Emitter emit(out, secrets, kind->identity);
      if (kind->is_collection()) {
        if (const auto* o = body.if_object(); o != nullptr && !o->empty()) {
          emit.mapping(*o, 4, "  - ", "");
        } else {
          out << "  -";
          emit.value(body, 2, "");
        }
      } else {
        emit.value(body, 0, "");
      }
      if (!r->preserved.empty()) {
        std::string fields;
        for (const auto& [pointer, value] : r->preserved) fields += (fields.empty() ? "" : ", ") + pointer;
        core::Diagnostic d;
        d.severity = core::Severity::kWarning;
        d.resource = r->address.to_string();
        d.message = "not exported: " + r->address.to_string() + " has fields the " + path +
                    " schema does not declare: " + fields;
        d.hint = "apply keeps them as they are; please report them so schemas/" + kind->schema_file + " can be corrected";
        e.warnings.add(std::move(d));
      }
    }
    if (!kind->is_collection() && items.empty()) out << " {}\n";
  }
  for (auto& [name, text] : files) {
    e.files.push_back({name, "# Exported by sps-apply export: review, then commit.\n" + text.str()});
  }
  std::sort(e.secrets.begin(), e.secrets.end(),
            [](const SecretVariable& a, const SecretVariable& b) { return a.name < b.name; });
  e.files.push_back({"README.md", readme(e)});
  return e;
}

}  // namespace sps::exporter
