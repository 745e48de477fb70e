#include "model/normalize.h"

#include "catalog/discover.h"
#include "core/json_pointer.h"
#include "schema/validator.h"

#include <boost/json.hpp>

#include <algorithm>
#include <functional>

namespace sps::model {
namespace json = boost::json;

namespace {

bool is_reference_object(const json::object& obj) {
  if (obj.size() != 2 && obj.size() != 1) return false;
  auto key = obj.find("key");
  auto meta = obj.find("meta");
  if (meta == obj.end() || !meta->value().is_object()) return false;
  if (obj.size() == 1) return meta->value().get_object().contains("href");  // {meta:{href}} only
  return key != obj.end() && key->value().is_string();
}

// The key of a reference written {meta: {href: ".../<key>"}} without a key member, as one
// documentation sample shows: the last path segment of the href.
json::string key_from_href(const json::object& meta) {
  auto href = meta.find("href");
  if (href == meta.end() || !href->value().is_string()) return {};
  std::string_view h = href->value().get_string();
  return json::string(h.substr(h.rfind('/') + 1));
}

void drop_nulls(json::value& v) {
  if (auto* obj = v.if_object()) {
    for (auto it = obj->begin(); it != obj->end();) {
      if (it->value().is_null()) {
        it = obj->erase(it);
      } else {
        drop_nulls(it->value());
        ++it;
      }
    }
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr) drop_nulls(e);
  }
}

// Erases every match of a pattern pointer ("*" allowed), deepest/last first so indexes stay valid.
void erase_matches(json::value& root, const std::string& pattern) {
  std::vector<std::string> hits;
  core::for_each_match(root, pattern, [&](const std::string& p, const json::value&) { hits.push_back(p); });
  std::reverse(hits.begin(), hits.end());
  for (const auto& p : hits) core::erase_pointer(root, p);
}

/// key -> name for every fetched collection that has an identity field.
using NameIndex = std::map<std::string, std::map<std::string, std::string>>;

void map_reference_names(const catalog::Catalog& catalog, const catalog::Kind& kind,
                         const NameIndex& names, json::value& body) {
  for (const auto& ref : kind.references) {
    const catalog::Kind* target = catalog.find(ref.target);
    if (target == nullptr || target->identity.empty()) continue;  // keys stay keys
    auto index = names.find(target->path);
    core::for_each_match(body, ref.pointer, [&](const std::string&, json::value& v) {
      if (!v.is_string()) return;
      const std::string key(v.get_string());
      if (index != names.end()) {
        if (auto it = index->second.find(key); it != index->second.end()) {
          v = json::string(it->second);
          return;
        }
      }
      v = json::object{{"key", key}};
    });
  }
}

class UnknownFieldFinder {
 public:
  /// Moves members the kind's schema rejects as additionalProperties into preserved.
  void run(const catalog::Kind& kind, Resource& r, core::Diagnostics& diags) {
    // Resources come kind by kind: the validator is looked up when the kind changes.
    if (&kind != m_kind) {
      auto it = m_validators.find(kind.path);
      if (it == m_validators.end()) {
        auto compiled = schema::Validator::compile_cached(kind.schema);
        if (!compiled) return;  // a broken schema is caught by the catalog's own tests
        it = m_validators.emplace(kind.path, *compiled).first;
      }
      m_kind = &kind;
      m_validator = &it->second;
    }
    const schema::Validator& validator = *m_validator;
    // Most bodies have no undeclared member: a walk of their member names proves it
    // without validating values; a valid body has none either (is_valid builds no messages).
    if (validator.has_only_declared_fields(r.body) || validator.is_valid(r.body)) return;
    std::vector<std::string> unknown;
    for (const auto& e : validator.validate(r.body)) {
      if (e.keyword == "additionalProperties") unknown.push_back(e.instance_pointer);
    }
    std::sort(unknown.begin(), unknown.end());
    unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
    std::reverse(unknown.begin(), unknown.end());
    for (const auto& p : unknown) {
      if (const json::value* v = core::find_pointer(r.body, p)) {
        r.preserved.emplace_back(p, *v);
        core::erase_pointer(r.body, p);
        diags.warning({}, "the appliance returned field " + p + " of " + r.address.to_string() +
                              ", which the " + kind.path + " schema does not declare",
                      "it is ignored by the diff and sent back unchanged; please report it so the "
                      "schema (schemas/" + kind.schema_file + ") can be corrected");
      }
    }
    std::reverse(r.preserved.begin(), r.preserved.end());
  }

 private:
  std::map<std::string, schema::Validator> m_validators;
  const catalog::Kind* m_kind = nullptr;  // the kind of the last body, and its validator
  const schema::Validator* m_validator = nullptr;
};

// Whether a live body has the type the kind's bodies have (objects for every curated kind;
// a discovered kind records the type its first answer had).
bool has_body_type(const catalog::Kind& kind, const json::value& body) {
  switch (kind.body) {
    case catalog::BodyType::kObject: return body.is_object();
    case catalog::BodyType::kArray: return body.is_array();
    case catalog::BodyType::kScalar: return !body.is_object() && !body.is_array();
  }
  return false;
}

std::string type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "an array";
    case json::kind::string: return "a string";
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    default: return "a number";
  }
}

// The document of one collection item: from the listing, or fetched separately.
json::value* item_body(json::object& item, RawLive& raw, const std::string& rest_path) {
  if (auto b = item.find("body"); b != item.end()) return &b->value();
  auto key = item.find("key");
  if (key == item.end() || !key->value().is_string()) return nullptr;
  auto doc = raw.items.find(rest_path + "/" + std::string(key->value().get_string()));
  if (doc == raw.items.end() || !doc->second.is_object()) return nullptr;
  auto b = doc->second.get_object().find("body");
  return b == doc->second.get_object().end() ? nullptr : &b->value();
}

// Resources come kind by kind, each kind's items in the appliance's order, which is often
// already by name. Sorting positions and then moving each resource once costs far less than
// std::sort's moves of whole resources (a tenth of normalizing 10,000 objects). Equal
// addresses keep the appliance's order.
void sort_by_address(std::vector<Resource>& resources) {
  const auto less = [&](std::size_t a, std::size_t b) { return resources[a].address < resources[b].address; };
  std::vector<std::size_t> order(resources.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (std::is_sorted(order.begin(), order.end(), less)) return;
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<Resource> sorted;
  sorted.reserve(resources.size());
  for (const std::size_t i : order) sorted.push_back(std::move(resources[i]));
  resources = std::move(sorted);
}

}  // namespace

void collapse_references(json::value& v) {
  if (auto* obj = v.if_object()) {
    if (is_reference_object(*obj)) {
      auto key = obj->find("key");
      v = key != obj->end() ? key->value().get_string()
                            : key_from_href(obj->at("meta").get_object());
      return;
    }
    for (auto& m : *obj) collapse_references(m.value());
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr) collapse_references(e);
  }
}

void literal_reference_keys(const catalog::Kind& kind, Resource& r, core::Diagnostics& diags) {
  for (const auto& ref : kind.references) {
    core::for_each_match(r.body, ref.pointer, [&](const std::string& pointer, json::value& v) {
      const json::object* o = v.if_object();
      if (o == nullptr || !is_reference_object(*o)) return;
      const json::value* href = o->at("meta").get_object().if_contains("href");
      if (href != nullptr && href->is_string() && catalog::kind_of_href(href->get_string()) != ref.target) {
        core::Diagnostic d;
        d.where = r.location_of(pointer);
        d.message = "this reference's href is not an object of \"" + ref.target + "\"";
        d.hint = "a reference here names an object of " + ref.target + ": write its name, {key: ...}, or the href " +
                 "/api/configuration/" + ref.target + "/<key>";
        d.resource = r.address.to_string();
        d.pointer = pointer;
        diags.add(std::move(d));
        return;
      }
      const json::value* key = o->if_contains("key");
      v = json::object{{"key", key != nullptr ? key->get_string() : key_from_href(o->at("meta").get_object())}};
    });
  }
}

void desired_read_form(const catalog::Kind& kind, json::value& body) {
  for (const auto& pattern : kind.ssh_host_keys) {
    core::for_each_match(body, pattern, [](const std::string&, json::value& v) {
      if (!v.is_string()) return;
      const std::string_view line = v.get_string();
      const std::size_t space = line.find(' ');
      if (space == std::string_view::npos) return;
      const std::string_view type = line.substr(0, space);
      const char* selection = type == "ssh-rsa" ? "rsa" : type == "ssh-dss" ? "dss" : nullptr;
      std::string_view blob = line.substr(space + 1);
      blob = blob.substr(0, blob.find(' '));  // the comment is not part of the key
      if (selection == nullptr || blob.empty()) return;
      v = json::object{{"selection", selection}, {"value", blob}};
    });
  }
}

void normalize_body(const catalog::Kind& kind, json::value& body) {
  drop_nulls(body);
  for (const auto& p : kind.server_computed) erase_matches(body, p);
}

std::vector<std::string> kinds_to_fetch(const catalog::Catalog& catalog, const std::set<std::string>& managed) {
  std::set<std::string> out;
  std::vector<std::string> todo(managed.begin(), managed.end());
  while (!todo.empty()) {
    const std::string path = todo.back();
    todo.pop_back();
    const catalog::Kind* kind = catalog.find(path);
    if (kind == nullptr || kind->write_once || !out.insert(path).second) continue;
    for (const auto& ref : kind->references) {
      // A target without a schema is read too: the reader derives it (catalog/discover.h).
      if (ref.discovered_target && catalog.find(ref.target) == nullptr) out.insert(ref.target);
      else todo.push_back(ref.target);
    }
  }
  return {out.begin(), out.end()};
}

LiveState normalize_live(const catalog::Catalog& catalog, const std::vector<std::string>& kinds,
                         RawLive raw, core::Diagnostics& diags) {
  LiveState live;
  // Pass 1: split documents into resources with collapsed references, and index the names
  // of the kinds a fetched kind refers to (the only ones pass 2 looks up).
  NameIndex names;
  std::set<std::string_view> referenced;
  for (const auto& path : kinds) {
    if (const catalog::Kind* kind = catalog.find(path)) {
      for (const auto& ref : kind->references) referenced.insert(ref.target);
    }
  }
  for (const auto& path : kinds) {
    const catalog::Kind* kind = catalog.find(path);
    if (kind == nullptr) continue;
    if (raw.missing.count(path) != 0) {
      live.missing_kinds.insert(path);
      continue;
    }
    auto doc_it = raw.documents.find(path);
    if (doc_it == raw.documents.end()) continue;
    live.kinds.insert(path);
    json::value& doc = doc_it->second;
    json::object* obj = doc.if_object();
    if (!kind->is_collection()) {
      json::value* body = obj != nullptr && obj->contains("body") ? &obj->at("body") : nullptr;
      if (body == nullptr || !has_body_type(*kind, *body)) {
        diags.error({}, "the appliance's answer for " + kind->rest_path +
                            (body == nullptr ? " has no body" : " has a body of the wrong type (" + type_name(*body) + ")"),
                    "expected {\"key\", \"body\", \"meta\"} as the SPS REST API documents for a singleton, with "
                    "the body's type unchanged");
        continue;
      }
      Resource r;
      r.address = {path, ""};
      r.body = std::move(*body);
      if (auto k = obj->find("key"); k != obj->end() && k->value().is_string()) r.key = k->value().get_string();
      collapse_references(r.body);
      live.resources.push_back(std::move(r));
      continue;
    }
    json::value* items = obj != nullptr && obj->contains("items") ? &obj->at("items") : nullptr;
    if (items == nullptr || !items->is_array()) {
      diags.error({}, "the appliance's answer for " + kind->rest_path + " is not a collection listing",
                  "expected {\"items\": [...]} as the SPS REST API documents for a collection");
      continue;
    }
    auto& order = live.order[path];
    auto* index = referenced.count(path) != 0 ? &names[path] : nullptr;
    for (auto& item_value : items->get_array()) {
      json::object* item = item_value.if_object();
      const json::value* item_key = item != nullptr ? item->if_contains("key") : nullptr;
      if (item_key == nullptr || !item_key->is_string() || item_key->get_string().empty()) {
        diags.error({}, "an item of the appliance's listing of " + kind->rest_path + " has no key",
                    "expected {\"items\": [{\"key\": \"...\", \"body\": {...}}]} as the SPS REST API documents");
        continue;
      }
      json::value* body = item_body(*item, raw, kind->rest_path);
      if (body == nullptr || !has_body_type(*kind, *body)) {
        diags.error({}, "item " + std::string(item_key->get_string()) + " of " + kind->rest_path +
                            (body == nullptr ? " has no body" : " has a body of the wrong type (" + type_name(*body) + ")"),
                    "expected {\"key\", \"body\"} for every item, as the SPS REST API documents");
        continue;
      }
      Resource r;
      r.body = std::move(*body);
      if (auto k = item->find("key"); k != item->end() && k->value().is_string()) r.key = k->value().get_string();
      r.builtin = !r.key.empty() && r.key.front() == '-';
      std::string name = r.key;
      if (!kind->identity.empty()) {
        if (const json::value* id = core::find_pointer(r.body, "/" + kind->identity); id && id->is_string()) {
          name = id->get_string();
        }
      }
      r.address = {path, name};
      collapse_references(r.body);
      if (index != nullptr) (*index)[r.key] = name;
      order.push_back(name);
      live.resources.push_back(std::move(r));
    }
  }
  // Pass 2: references to names, canonical form, unknown fields.
  UnknownFieldFinder unknown;
  const catalog::Kind* kind = nullptr;
  for (auto& r : live.resources) {
    if (kind == nullptr || kind->path != r.address.kind) kind = catalog.find(r.address.kind);
    map_reference_names(catalog, *kind, names, r.body);
    normalize_body(*kind, r.body);
    unknown.run(*kind, r, diags);
  }
  sort_by_address(live.resources);
  return live;
}

}  // namespace sps::model
