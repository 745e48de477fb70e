#include "model/discovered.h"

#include "catalog/discover.h"
#include "core/json_pointer.h"
#include "model/normalize.h"

#include <boost/json.hpp>

#include <algorithm>

namespace sps::model {
namespace json = boost::json;

namespace {

std::vector<Resource>::iterator find_whole(DesiredState& desired, const std::string& kind) {
  return std::find_if(desired.resources.begin(), desired.resources.end(),
                      [&](const Resource& r) { return r.address.kind == kind && r.address.name.empty(); });
}

/// The pattern of a concrete pointer into `root`: array indices become "*"; for a
/// collection's whole value the leading item index is dropped (patterns are per item).
std::string pattern_of(const json::value& root, const std::string& pointer, bool drop_first) {
  std::string pattern;
  const json::value* at = &root;
  bool first = true;
  for (const std::string& token : core::split_pointer(pointer)) {
    const bool element = at != nullptr && at->is_array();
    if (!(first && drop_first)) pattern = core::append_pointer(pattern, element ? "*" : token);
    first = false;
    at = at != nullptr ? core::find_pointer(*at, core::append_pointer("", token)) : nullptr;
  }
  return pattern;
}

const char* body_name(catalog::BodyType body) {
  switch (body) {
    case catalog::BodyType::kObject: return "a mapping (its body)";
    case catalog::BodyType::kArray: return "a list (its body is an array)";
    case catalog::BodyType::kScalar: return "a single value";
  }
  return "a body";
}

bool fits(catalog::BodyType body, const json::value& v) {
  switch (body) {
    case catalog::BodyType::kObject: return v.is_object();
    case catalog::BodyType::kArray: return v.is_array() || v.is_null();
    case catalog::BodyType::kScalar: return !v.is_object() && !v.is_array();
  }
  return false;
}

void error(core::Diagnostics& diags, const Resource& r, const std::string& pointer, std::string message,
           std::string hint) {
  core::Diagnostic d;
  d.where = r.location_of(pointer);
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.resource = r.address.to_string();
  d.pointer = pointer;
  diags.add(std::move(d));
}

/// Splits a collection's whole value into items. Returns false (after reporting) when the
/// value does not fit.
bool split_items(const catalog::Kind& kind, Resource& whole, std::vector<Resource>& out, core::Diagnostics& diags) {
  if (whole.body.is_null()) return true;  // "kind:" with nothing: declared, no items
  if (!whole.body.is_array()) {
    error(diags, whole, "", "\"" + kind.path + "\" is a collection on the appliance: its value must be a list of items",
          "write each item as a list entry starting with \"- name: ...\"");
    return false;
  }
  if (kind.identity.empty()) {
    error(diags, whole, "", "the appliance's objects of \"" + kind.path + "\" have no \"name\"",
          "sps-apply matches collection items by name, so it cannot manage this collection without a schema");
    return false;
  }
  bool ok = true;
  json::array& items = whole.body.get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = "/" + std::to_string(i);
    const json::value* name = items[i].is_object() ? items[i].get_object().if_contains(kind.identity) : nullptr;
    if (name == nullptr || !name->is_string() || name->get_string().empty()) {
      error(diags, whole, prefix, "item " + std::to_string(i + 1) + " of \"" + kind.path + "\" has no \"" + kind.identity + "\"",
            "every item needs a \"" + kind.identity + "\": sps-apply matches items to the appliance's objects by it");
      ok = false;
      continue;
    }
    Resource item;
    item.address = {kind.path, std::string(name->get_string())};
    if (std::any_of(out.begin(), out.end(), [&](const Resource& r) { return r.address == item.address; })) {
      error(diags, whole, prefix, "duplicate " + item.address.to_string(), "define each item once");
      ok = false;
      continue;
    }
    item.body = std::move(items[i]);
    for (const auto& [pointer, where] : whole.locations) {
      if (pointer == prefix) item.locations[""] = where;
      else if (pointer.starts_with(prefix + "/")) item.locations[pointer.substr(prefix.size())] = where;
    }
    for (const auto& secret : whole.secrets) {
      if (secret.pointer.starts_with(prefix + "/")) item.secrets.push_back({secret.pointer.substr(prefix.size()), secret.description});
    }
    literal_reference_keys(kind, item, diags);
    out.push_back(std::move(item));
  }
  return ok;
}

/// Walks one desired body against the kind's learned field sets.
class FieldGuard {
 public:
  FieldGuard(const catalog::Kind& kind, const Resource& r, core::Diagnostics& diags)
      : m_kind(kind), m_resource(r), m_diags(diags) {}

  void walk(const json::value& v, const std::string& pointer, const std::string& pattern) {
    if (m_kind.reference_at(pattern) != nullptr) {
      check_plain_secret(v, pointer, pattern);
      return;
    }
    if (const json::object* object = v.if_object()) {
      auto known = m_kind.fields.find(catalog::field_set_key(pattern, *object));
      for (const auto& member : *object) {
        const std::string child = core::append_pointer(pointer, member.key());
        if (known != m_kind.fields.end() && known->second.count(std::string(member.key())) == 0) {
          unknown(std::string(member.key()), child, pattern, known->second);
          continue;
        }
        walk(member.value(), child, core::append_pointer(pattern, member.key()));
      }
    } else if (const json::array* array = v.if_array()) {
      for (std::size_t i = 0; i < array->size(); ++i) walk((*array)[i], pointer + "/" + std::to_string(i), pattern + "/*");
    }
  }

 private:
  void unknown(const std::string& name, const std::string& pointer, const std::string& pattern,
               const std::set<std::string>& fields) {
    std::string have;
    for (const auto& f : fields) have += (have.empty() ? "" : ", ") + f;
    const std::string where = pattern.empty() ? "" : " (in " + pattern + ")";
    error(m_diags, m_resource, pointer,
          m_resource.address.to_string() + ": the appliance has no field \"" + name + "\"" + where,
          "the appliance has: " + have + ". It silently ignores unknown fields, so a misspelt field would never "
          "take effect; fix the name (or add a schema for " + m_kind.path + " to check it offline)");
  }

  void check_plain_secret(const json::value& v, const std::string& pointer, const std::string& pattern) {
    const catalog::SecretSpec* secret = m_kind.secret_at(pattern);
    if (secret == nullptr || secret->mode == catalog::SecretMode::kInline || !v.is_string()) return;
    const bool tagged = std::any_of(m_resource.secrets.begin(), m_resource.secrets.end(),
                                    [&](const SecretSource& s) { return s.pointer == pointer; });
    if (tagged) return;
    error(m_diags, m_resource, pointer,
          m_resource.address.to_string() + pointer + " is a write-only " +
              (secret->mode == catalog::SecretMode::kPasswordObject ? "password" : "private key") +
              " and must not be written in plain text",
          "write it as !secret env:NAME or !secret file:PATH, or refer to an existing object as {key: \"...\"}");
  }

  const catalog::Kind& m_kind;
  const Resource& m_resource;
  core::Diagnostics& m_diags;
};

bool has_objects(const json::value& v) {
  if (v.is_object()) return true;
  if (const json::array* a = v.if_array()) return std::any_of(a->begin(), a->end(), has_objects);
  return false;
}

}  // namespace

void mark_desired_secrets(catalog::Kind& kind, const DesiredState& desired) {
  auto whole = std::find_if(desired.resources.begin(), desired.resources.end(), [&](const Resource& r) {
    return r.address.kind == kind.path && r.address.name.empty();
  });
  if (whole == desired.resources.end()) return;
  for (const SecretSource& secret : whole->secrets) {
    const std::string pattern = pattern_of(whole->body, secret.pointer, kind.is_collection());
    if (pattern.empty() || kind.secret_at(pattern) != nullptr) continue;
    kind.secrets.push_back({pattern, catalog::SecretMode::kInline});
  }
}

void bind_discovered(DesiredState& desired, const catalog::Catalog& catalog, core::Diagnostics& diags) {
  std::vector<Resource> bound;
  for (const std::string& path : desired.discovered) {
    const catalog::Kind* kind = catalog.find(path);
    if (kind == nullptr || !kind->discovered) continue;
    auto it = find_whole(desired, path);
    if (it == desired.resources.end()) continue;
    Resource whole = std::move(*it);
    desired.resources.erase(it);
    if (kind->is_collection()) {
      split_items(*kind, whole, bound, diags);
      continue;
    }
    if (!fits(kind->body, whole.body)) {
      error(diags, whole, "", "\"" + path + "\" is a singleton on the appliance: its value must be " + body_name(kind->body),
            "write the body as the appliance returns it (GET " + kind->rest_path + ")");
      continue;
    }
    literal_reference_keys(*kind, whole, diags);
    bound.push_back(std::move(whole));
  }
  for (Resource& r : bound) desired.resources.push_back(std::move(r));
  std::sort(desired.resources.begin(), desired.resources.end(),
            [](const Resource& a, const Resource& b) { return a.address < b.address; });
}

void check_discovered_fields(const DesiredState& desired, const catalog::Catalog& catalog, core::Diagnostics& diags) {
  std::set<std::string> noted;
  for (const Resource& r : desired.resources) {
    const catalog::Kind* kind = catalog.find(r.address.kind);
    if (kind == nullptr || !kind->discovered) continue;
    if (kind->fields.empty() && has_objects(r.body)) {
      if (noted.insert(kind->path).second) {
        core::Diagnostic d;
        d.severity = core::Severity::kNote;
        d.where = r.location_of("");
        d.message = "the fields of " + kind->path + " are unchecked: the appliance has no object of this kind to learn them from";
        d.hint = "check the field names against the SPS REST API Reference; the appliance silently ignores unknown fields";
        d.resource = r.address.to_string();
        diags.add(std::move(d));
      }
    }
    FieldGuard(*kind, r, diags).walk(r.body, "", "");
  }
}

}  // namespace sps::model
