// The parts of Store that look inside bodies: normalising write bodies (unknown members,
// reference forms), commit validation (referential integrity) and the changelog.
#include "core/json_pointer.h"
#include "schema/regex.h"
#include "sim/store.h"

#include <map>
#include <optional>

namespace sps::sim {
namespace json = boost::json;

namespace {

constexpr int kMaxSchemaDepth = 32;

/// Collects a schema node and every node it is combined with ($ref, allOf, anyOf, oneOf,
/// then, else), so a member declared in any branch of a union is kept.
void flatten(const json::value& node, const json::value& root,
             std::vector<const json::object*>& out, int depth = 0) {
  const json::object* obj = node.if_object();
  if (obj == nullptr || depth > kMaxSchemaDepth) return;
  if (const auto* ref = obj->if_contains("$ref"); ref && ref->is_string()) {
    const std::string_view target = ref->get_string();
    if (target.starts_with("#")) {
      if (const json::value* resolved = core::find_pointer(root, target.substr(1))) {
        flatten(*resolved, root, out, depth + 1);
      }
    }
  }
  out.push_back(obj);
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    if (const auto* branches = obj->if_contains(combinator); branches && branches->is_array()) {
      for (const auto& branch : branches->get_array()) flatten(branch, root, out, depth + 1);
    }
  }
  for (const char* conditional : {"then", "else"}) {
    if (const auto* branch = obj->if_contains(conditional)) flatten(*branch, root, out, depth + 1);
  }
}

bool pattern_matches(const std::string& pattern, std::string_view name) {
  // The catalog's patterns are few; each is compiled once per thread (RE2, linear time).
  thread_local std::map<std::string, std::optional<schema::Regex>, std::less<>> compiled;
  auto it = compiled.find(pattern);
  if (it == compiled.end()) {
    auto re = schema::compile_regex(pattern);
    it = compiled.emplace(pattern, re ? std::optional<schema::Regex>(*re) : std::nullopt).first;
  }
  return it->second && it->second->search(name);  // a bad pattern matches nothing, as before
}

/// Removes members that a closed schema does not declare, recursively (the appliance
/// silently ignores unknown fields on write, sps-api.md §2.6).
void strip(json::value& value, const std::vector<const json::value*>& schemas,
           const json::value& root, int depth = 0) {
  if (depth > kMaxSchemaDepth) return;
  std::vector<const json::object*> nodes;
  for (const json::value* s : schemas) flatten(*s, root, nodes);
  if (nodes.empty()) return;

  if (json::object* obj = value.if_object()) {
    bool closed = false;
    for (const auto* n : nodes) {
      if (const auto* ap = n->if_contains("additionalProperties"); ap && ap->is_bool() &&
                                                                    !ap->get_bool()) {
        closed = true;
      }
    }
    std::vector<std::string> unknown;
    for (auto& [name, member] : *obj) {
      std::vector<const json::value*> sub;
      bool declared = false;
      for (const auto* n : nodes) {
        if (const auto* props = n->if_contains("properties"); props && props->is_object()) {
          if (const auto* s = props->get_object().if_contains(name)) {
            sub.push_back(s);
            declared = true;
          }
        }
        if (const auto* pats = n->if_contains("patternProperties"); pats && pats->is_object()) {
          for (const auto& [pattern, s] : pats->get_object()) {
            if (pattern_matches(std::string(pattern), name)) {
              sub.push_back(&s);
              declared = true;
            }
          }
        }
      }
      if (!declared) {
        if (closed) {
          unknown.emplace_back(name);
          continue;
        }
        for (const auto* n : nodes) {
          if (const auto* ap = n->if_contains("additionalProperties"); ap && ap->is_object()) {
            sub.push_back(ap);
          }
        }
      }
      if (!sub.empty()) strip(member, sub, root, depth + 1);
    }
    for (const auto& name : unknown) obj->erase(name);
  } else if (json::array* arr = value.if_array()) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      std::vector<const json::value*> sub;
      for (const auto* n : nodes) {
        const auto* items = n->if_contains("items");
        if (items == nullptr) continue;
        if (items->is_array()) {
          if (i < items->get_array().size()) sub.push_back(&items->get_array()[i]);
        } else {
          sub.push_back(items);
        }
      }
      if (!sub.empty()) strip((*arr)[i], sub, root, depth + 1);
    }
  }
}

}  // namespace

namespace {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = text.find(sep, start);
    out.emplace_back(text.substr(start, pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

/// Walks tokens into a body: object members by name, array elements by index.
bool walk(const json::value& body, const std::vector<std::string>& tokens, std::size_t from) {
  const json::value* at = &body;
  for (std::size_t i = from; i < tokens.size(); ++i) {
    if (const auto* obj = at->if_object()) {
      at = obj->if_contains(tokens[i]);
    } else if (const auto* arr = at->if_array()) {
      std::size_t index = 0;
      try {
        index = std::stoul(tokens[i]);
      } catch (const std::exception&) {
        return false;
      }
      at = index < arr->size() ? &(*arr)[index] : nullptr;
    } else {
      return false;
    }
    if (at == nullptr) return false;
  }
  return true;
}

}  // namespace

bool reference_resolves(const Config& config, std::string_view target, std::string_view key) {
  const std::vector<std::string> tokens = split(key, '.');
  if (auto it = config.find(target); it != config.end()) {
    const KindState& state = it->second;
    if (!state.node->is_collection()) {
      return !state.items.empty() && state.items[0].key == tokens[0] &&
             walk(state.items[0].body, tokens, 1);
    }
    const StoredObject* item = state.find(tokens[0]);
    return item != nullptr && walk(item->body, tokens, 1);
  }
  // A target that is a directory of singletons ("network/nics" -> "network/nics/nic1").
  auto it = config.find(std::string(target) + "/" + tokens[0]);
  return it != config.end() && !it->second.items.empty() &&
         walk(it->second.items[0].body, tokens, 1);
}

json::value Store::written(const NodeSpec& node, json::value body) const {
  // References are accepted as bare keys or as {key, ...} (the read form); store keys.
  for (const auto& site : node.references) {
    core::for_each_match(body, site.pointer, [](const std::string&, json::value& v) {
      if (const auto* obj = v.if_object()) {
        if (const auto* key = obj->if_contains("key"); key && key->is_string()) {
          json::value bare = *key;
          v = std::move(bare);
        }
      }
    });
  }
  // Only a documented field table says what is unknown; a provisional schema is a guess.
  if (node.kind != nullptr && !node.kind->provisional) {
    strip(body, {&node.kind->schema}, node.kind->schema);
  }
  return documented_read_form(node.path, std::move(body));
}

json::value Store::normalize_body(NodeSpec& node, json::value body) {
  // A body echoed back from a GET carries its references in read form, also where neither
  // the seed nor the documentation showed one (null on a fresh appliance): learn the site.
  for (auto& site : collapse_references(body)) {
    if (m_nodes.find(site.target) != nullptr) node.add_reference(std::move(site));
  }
  return written(node, std::move(body));
}

std::vector<Problem> Store::validate_write_once(const NodeSpec& node, const json::value& body) const {
  // "The body of the POST request must contain a JSON object" ("Passwords stored on SPS",
  // "Private keys stored on SPS").
  std::vector<Problem> problems;
  if (!body.is_object() || body.get_object().empty()) {
    problems.push_back({"", "", "the body of a " + node.path + " object must be a JSON object "
                                "with its parameters"});
  }
  return problems;
}

std::vector<Problem> Store::validate(const Config& config) const {
  // The documentation states referential rules only ("Delete an object": referenced and
  // built-in objects cannot be deleted; "Passwords stored on SPS": a password object is
  // referenced once). Field rules are the client's business: a commit is never rejected
  // for the shape of a body.
  std::vector<Problem> problems;
  check_references(config, problems);
  return problems;
}

void Store::check_references(const Config& config, std::vector<Problem>& problems) const {
  // "target/key" -> path of the first object referencing it (write-once targets only).
  std::map<std::string, std::string> once;
  for (const auto& [path, state] : config) {
    const auto& sites = state.node->references;
    if (sites.empty()) continue;
    for (const auto& item : state.items) {
      const std::string where = object_path(*state.node, item.key);
      for (const auto& site : sites) {
        core::for_each_match(item.body, site.pointer, [&](const std::string& pointer,
                                                          const json::value& v) {
          if (v.is_null()) return;
          if (!v.is_string()) {
            problems.push_back({where, pointer, "a reference must be the key of a " +
                                                    site.target + " object (a string)"});
            return;
          }
          const std::string key(v.get_string());
          const std::string href = m_nodes.reference_href(site.target, key);
          if (!reference_resolves(config, site.target, key)) {
            if (reference_resolves(m_committed, site.target, key)) {
              problems.push_back({where, pointer,
                                  "references " + href +
                                      ", which this transaction deletes; change or delete "
                                      "the referring object first"});
            } else {
              problems.push_back({where, pointer, "references " + href + ", which does not exist"});
            }
            return;
          }
          const NodeSpec* target = m_nodes.find(site.target);
          if (target != nullptr && target->write_once) {
            auto [it, fresh] = once.emplace(site.target + "/" + key, where + "#" + pointer);
            if (!fresh) {
              problems.push_back({where, pointer,
                                  href + " is already referenced by " + it->second +
                                      "; each " + site.target +
                                      " object can be referenced only once, create a new one"});
            }
          }
        });
      }
    }
  }
}

json::array Store::changes() const {
  json::array out;
  if (!m_transaction) return out;
  for (const auto& [kind_path, key] : m_transaction->touched) {
    auto before_it = m_committed.find(kind_path);
    auto after_it = m_transaction->pending.find(kind_path);
    if (before_it == m_committed.end() || after_it == m_transaction->pending.end()) continue;
    const NodeSpec& kind = *before_it->second.node;
    if (key == "@order") {
      json::array old_order, new_order;
      for (const auto& item : before_it->second.items) old_order.push_back(json::value(item.key));
      for (const auto& item : after_it->second.items) new_order.push_back(json::value(item.key));
      if (old_order != new_order) {
        out.push_back(json::object{{"type", "reorder"}, {"path", kind.rest_path},
                                   {"old_order", old_order}, {"new_order", new_order}});
      }
      continue;
    }
    const StoredObject* before = before_it->second.find(key);
    const StoredObject* after = after_it->second.find(key);
    const std::string path = object_path(kind, key);
    if (before == nullptr && after != nullptr) {
      out.push_back(json::object{{"type", "create"}, {"path", path}, {"new_value", after->body}});
    } else if (before != nullptr && after == nullptr) {
      out.push_back(json::object{{"type", "delete"}, {"path", path}, {"old_value", before->body}});
    } else if (before != nullptr && after != nullptr && before->body != after->body) {
      out.push_back(json::object{{"type", "replace"}, {"path", path},
                                 {"old_value", before->body}, {"new_value", after->body}});
    }
  }
  return out;
}

}  // namespace sps::sim
