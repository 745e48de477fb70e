// Turns a schema document into the Node graph of compiled.h. Three steps:
//  1. walk every schema location reachable through keywords, parsing and checking each
//     keyword once and registering "$id" base URIs;
//  2. resolve each "$ref" (RFC 3986 resolution against the current base URI, then a JSON
//     pointer or "$id" anchor lookup), compiling not-yet-walked targets on demand;
//  3. reject reference cycles that never descend into the instance (they would recurse
//     forever), and record the "selection" discriminator of anyOf/oneOf branches.
#include "core/json_pointer.h"
#include "schema/compiled.h"
#include "schema/regex.h"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace sps::schema::detail {
namespace {
namespace json = boost::json;
namespace urls = boost::urls;

// Base URI of a document without "$id". It only has to be absolute and hierarchical so
// that RFC 3986 resolution works; it never leaves this file.
constexpr std::string_view kRootBase = "sps-schema:/root.json";
constexpr std::string_view kMetaschemaUri = "http://json-schema.org/draft-07/schema";

/// A schema location: document index and JSON pointer inside it.
struct Location {
  std::size_t doc = 0;
  std::string pointer;
};

/// A "$ref" seen during the walk, resolved once every "$id" is known.
struct PendingRef {
  Node* node = nullptr;
  std::size_t doc = 0;
  std::string ref;
  std::string base;
};

core::Error invalid(std::string_view pointer, std::string_view what) {
  const std::string where = pointer.empty() ? std::string("the root") : std::string(pointer);
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "invalid schema at " + where + ": " + std::string(what));
}

/// Splits an absolute URI into (document URI, decoded fragment); nullopt if unparsable.
std::optional<std::pair<std::string, std::string>> resolve_uri(std::string_view base,
                                                               std::string_view ref) {
  auto parsed_ref = urls::parse_uri_reference(ref);
  auto parsed_base = urls::parse_uri(base);
  if (!parsed_ref || !parsed_base) return std::nullopt;
  urls::url target;
  if (!urls::resolve(*parsed_base, *parsed_ref, target)) return std::nullopt;
  target.normalize_scheme();
  target.normalize_authority();
  std::string fragment = target.has_fragment() ? std::string(target.fragment()) : std::string();
  target.remove_fragment();
  return std::make_pair(std::string(target.buffer()), std::move(fragment));
}

std::optional<std::size_t> as_size(const json::value& v) {
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::size_t>(v.get_int64());
  if (v.is_uint64()) return static_cast<std::size_t>(v.get_uint64());
  if (v.is_double() && v.get_double() >= 0 && v.get_double() == std::floor(v.get_double())) {
    // An integral double of 2^64 or more saturates (nothing is that long); casting it to an
    // integer type would be undefined behaviour (found by the schema_validator fuzzer).
    if (v.get_double() >= 18446744073709551616.0) return std::numeric_limits<std::size_t>::max();
    return static_cast<std::size_t>(v.get_double());
  }
  return std::nullopt;
}

/// Compiles one document (plus the meta-schema, if referenced) into a CompiledSchema.
class Compiler {
 public:
  explicit Compiler(const json::value& root) : m_out(std::make_shared<CompiledSchema>()) {
    m_docs.push_back(&root);
  }

  core::Result<std::shared_ptr<const CompiledSchema>> run() {
    m_resources[std::string(kRootBase)] = Location{0, ""};
    auto root = compile_at(0, *m_docs[0], "", std::string(kRootBase));
    if (!root) return root.error();
    m_out->root = *root;
    if (auto r = resolve_refs(); !r) return r.error();
    if (auto r = check_in_place_cycles(*m_out); !r) return r.error();
    record_selections(*m_out);
    return std::shared_ptr<const CompiledSchema>(std::move(m_out));
  }

 private:
  std::string display_pointer(std::size_t doc, const std::string& pointer) const {
    return doc == 0 ? pointer : std::string(kMetaschemaUri) + "#" + pointer;
  }

  core::Result<Node*> compile_at(std::size_t doc, const json::value& v, const std::string& pointer,
                                 std::string base) {
    const auto key = std::make_pair(doc, pointer);
    if (auto it = m_by_location.find(key); it != m_by_location.end()) return it->second;
    m_out->nodes.push_back(std::make_unique<Node>());
    Node* node = m_out->nodes.back().get();
    node->pointer = display_pointer(doc, pointer);
    m_by_location.emplace(key, node);

    if (v.is_bool()) {
      node->boolean_schema = v.get_bool();
      return node;
    }
    if (!v.is_object()) return invalid(node->pointer, "a schema must be an object or a boolean");
    const json::object& obj = v.get_object();

    // Draft 7: a schema with "$ref" is only that reference; siblings (even "$id") are ignored.
    if (const json::value* ref = obj.if_contains("$ref")) {
      if (!ref->is_string()) return invalid(node->pointer, "\"$ref\" must be a string");
      m_pending.push_back(PendingRef{node, doc, std::string(ref->get_string()), base});
      return node;
    }
    if (const json::value* id = obj.if_contains("$id"); id != nullptr && id->is_string()) {
      auto resolved = resolve_uri(base, id->get_string());
      if (!resolved) return invalid(node->pointer, "\"$id\" is not a valid URI reference");
      auto& [doc_uri, fragment] = *resolved;
      if (!fragment.empty() && fragment.front() != '/') {
        m_resources[doc_uri + "#" + fragment] = Location{doc, pointer};
      }
      if (doc_uri != base) {
        m_resources[doc_uri] = Location{doc, pointer};
        base = doc_uri;
      }
    }
    if (auto r = compile_keywords(*node, doc, obj, pointer, base); !r) return r.error();
    return node;
  }

  core::Result<const Node*> child(std::size_t doc, const json::value& v, const std::string& pointer,
                                  const std::string& base) {
    auto n = compile_at(doc, v, pointer, base);
    if (!n) return n.error();
    return static_cast<const Node*>(*n);
  }

  core::Result<void> compile_schema_array(std::size_t doc, const json::value& v,
                                          const std::string& pointer, const std::string& base,
                                          std::vector<const Node*>* out) {
    if (!v.is_array() || v.get_array().empty())
      return invalid(display_pointer(doc, pointer), "must be a non-empty array of schemas");
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      auto n = child(doc, v.get_array()[i], core::append_pointer(pointer, std::to_string(i)), base);
      if (!n) return n.error();
      out->push_back(*n);
    }
    return {};
  }

  core::Result<Regex> make_regex(std::size_t doc, const std::string& pointer, const json::value& v) {
    if (!v.is_string()) return invalid(display_pointer(doc, pointer), "a pattern must be a string");
    const std::string source(v.get_string());
    auto re = compile_regex(source);
    if (!re) {
      return invalid(display_pointer(doc, pointer),
                     "invalid regular expression \"" + source + "\": " + re.error().message);
    }
    return std::move(*re);
  }

  core::Result<void> compile_keywords(Node& n, std::size_t doc, const json::object& obj,
                                      const std::string& pointer, const std::string& base);
  core::Result<void> compile_object_keywords(Node& n, std::size_t doc, const json::object& obj,
                                             const std::string& pointer, const std::string& base);

  core::Result<void> resolve_refs() {
    while (!m_pending.empty()) {
      PendingRef pending = std::move(m_pending.back());
      m_pending.pop_back();
      auto target = locate(pending);
      if (!target) return target.error();
      pending.node->ref = *target;
    }
    return {};
  }

  core::Result<const Node*> locate(const PendingRef& p) {
    const std::string where = p.node->pointer + "/$ref";
    auto resolved = resolve_uri(p.base, p.ref);
    if (!resolved) return invalid(where, "\"" + p.ref + "\" is not a valid URI reference");
    const auto& [doc_uri, fragment] = *resolved;
    const bool is_pointer = fragment.empty() || fragment.front() == '/';
    const std::string key = is_pointer ? doc_uri : doc_uri + "#" + fragment;
    auto it = m_resources.find(key);
    if (it == m_resources.end() && doc_uri == kMetaschemaUri) {
      if (auto r = load_metaschema(); !r) return r.error();
      it = m_resources.find(key);
    }
    if (it == m_resources.end()) {
      // Anything outside our synthetic base scheme names another document; fetching it
      // would be I/O, which this module never does.
      if (!doc_uri.starts_with("sps-schema:")) {
        return invalid(where, "remote reference \"" + p.ref +
                                  "\" is not supported; references must point inside the "
                                  "schema document (e.g. \"#/definitions/name\")");
      }
      return invalid(where, "unresolvable reference \"" + p.ref + "\"");
    }
    const Location loc{it->second.doc,
                       is_pointer ? it->second.pointer + fragment : it->second.pointer};
    const json::value* target = core::find_pointer(*m_docs[loc.doc], loc.pointer);
    if (target == nullptr) {
      return invalid(where, "unresolvable reference \"" + p.ref + "\": nothing at that pointer");
    }
    return child(loc.doc, *target, loc.pointer, base_for(loc));
  }

  // The base URI in effect at a location: the "$id"s of its ancestors, outermost first.
  std::string base_for(const Location& loc) const {
    std::string base = loc.doc == 0 ? std::string(kRootBase) : std::string(kMetaschemaUri);
    const json::value* cur = m_docs[loc.doc];
    for (const std::string& token : core::split_pointer(loc.pointer)) {
      if (const auto* obj = cur->if_object()) {
        const json::value* id = obj->if_contains("$id");
        if (id != nullptr && id->is_string() && !obj->contains("$ref")) {
          if (auto r = resolve_uri(base, id->get_string())) base = r->first;
        }
        cur = obj->if_contains(token);
      } else if (const auto* arr = cur->if_array()) {
        const std::size_t i = std::strtoul(token.c_str(), nullptr, 10);
        cur = i < arr->size() ? &(*arr)[i] : nullptr;
      } else {
        cur = nullptr;
      }
      if (cur == nullptr) break;
    }
    return base;
  }

  core::Result<void> load_metaschema() {
    boost::system::error_code ec;
    m_metaschema = json::parse(draft7_metaschema_text(), ec);
    if (ec) return core::Error(core::ErrorCode::kInternal, "embedded meta-schema does not parse");
    m_docs.push_back(&m_metaschema);
    const std::size_t doc = m_docs.size() - 1;
    m_resources[std::string(kMetaschemaUri)] = Location{doc, ""};
    auto n = compile_at(doc, m_metaschema, "", std::string(kMetaschemaUri));
    if (!n) return n.error();
    return {};
  }

  std::vector<const json::value*> m_docs;
  json::value m_metaschema;
  std::map<std::string, Location> m_resources;  // absolute URI (or URI#anchor) -> location
  std::map<std::pair<std::size_t, std::string>, Node*> m_by_location;
  std::vector<PendingRef> m_pending;
  std::shared_ptr<CompiledSchema> m_out;
};

core::Result<void> Compiler::compile_keywords(Node& n, std::size_t doc, const json::object& obj,
                                              const std::string& pointer, const std::string& base) {
  const auto at = [&](std::string_view keyword) {
    return display_pointer(doc, core::append_pointer(pointer, keyword));
  };
  if (const json::value* v = obj.if_contains("type")) {
    static constexpr std::array<std::pair<std::string_view, unsigned>, 7> kTypes = {{
        {"null", kTypeNull}, {"boolean", kTypeBoolean}, {"object", kTypeObject},
        {"array", kTypeArray}, {"number", kTypeNumber}, {"string", kTypeString},
        {"integer", kTypeInteger},
    }};
    const auto add = [&](const json::value& name) -> bool {
      if (!name.is_string()) return false;
      for (const auto& [type, bit] : kTypes) {
        if (name.get_string() == type) {
          n.types |= bit;
          return true;
        }
      }
      return false;
    };
    bool ok = v->is_array() ? !v->get_array().empty() : add(*v);
    if (v->is_array()) {
      for (const json::value& e : v->get_array()) ok = ok && add(e);
    }
    if (!ok) return invalid(at("type"), "must be a type name or an array of type names");
  }
  if (const json::value* v = obj.if_contains("enum")) {
    if (!v->is_array()) return invalid(at("enum"), "must be an array");
    n.enum_values = v->get_array();
  }
  if (const json::value* v = obj.if_contains("const")) n.const_value = *v;
  if (const json::value* v = obj.if_contains("writeOnly"); v != nullptr && v->is_bool()) {
    n.write_only = v->get_bool();
  }

  const std::array<std::pair<std::string_view, std::optional<json::value>*>, 5> numbers = {{
      {"minimum", &n.minimum}, {"maximum", &n.maximum},
      {"exclusiveMinimum", &n.exclusive_minimum}, {"exclusiveMaximum", &n.exclusive_maximum},
      {"multipleOf", &n.multiple_of},
  }};
  for (const auto& [keyword, slot] : numbers) {
    if (const json::value* v = obj.if_contains(keyword)) {
      if (!v->is_number()) return invalid(at(keyword), "must be a number");
      *slot = *v;
    }
  }
  if (n.multiple_of && n.multiple_of->to_number<double>() <= 0)
    return invalid(at("multipleOf"), "must be greater than 0");

  const std::array<std::pair<std::string_view, std::optional<std::size_t>*>, 6> sizes = {{
      {"minLength", &n.min_length}, {"maxLength", &n.max_length},
      {"minItems", &n.min_items}, {"maxItems", &n.max_items},
      {"minProperties", &n.min_properties}, {"maxProperties", &n.max_properties},
  }};
  for (const auto& [keyword, slot] : sizes) {
    if (const json::value* v = obj.if_contains(keyword)) {
      *slot = as_size(*v);
      if (!*slot) return invalid(at(keyword), "must be a non-negative integer");
    }
  }

  if (const json::value* v = obj.if_contains("pattern")) {
    auto re = make_regex(doc, core::append_pointer(pointer, "pattern"), *v);
    if (!re) return re.error();
    n.pattern = std::move(*re);
  }
  if (const json::value* v = obj.if_contains("format")) {
    if (!v->is_string()) return invalid(at("format"), "must be a string");
    n.format = parse_format(v->get_string());  // unknown formats are not asserted
  }

  if (const json::value* v = obj.if_contains("items")) {
    const std::string p = core::append_pointer(pointer, "items");
    if (v->is_array()) {
      n.items_is_tuple = true;
      for (std::size_t i = 0; i < v->get_array().size(); ++i) {
        auto c = child(doc, v->get_array()[i], core::append_pointer(p, std::to_string(i)), base);
        if (!c) return c.error();
        n.tuple_items.push_back(*c);
      }
    } else {
      auto c = child(doc, *v, p, base);
      if (!c) return c.error();
      n.items = *c;
    }
  }
  if (const json::value* v = obj.if_contains("uniqueItems")) {
    if (!v->is_bool()) return invalid(at("uniqueItems"), "must be a boolean");
    n.unique_items = v->get_bool();
  }

  const std::array<std::pair<std::string_view, const Node**>, 8> singles = {{
      {"additionalItems", &n.additional_items}, {"contains", &n.contains},
      {"additionalProperties", &n.additional_properties}, {"propertyNames", &n.property_names},
      {"not", &n.not_schema}, {"if", &n.if_schema}, {"then", &n.then_schema},
      {"else", &n.else_schema},
  }};
  for (const auto& [keyword, slot] : singles) {
    if (const json::value* v = obj.if_contains(keyword)) {
      auto c = child(doc, *v, core::append_pointer(pointer, keyword), base);
      if (!c) return c.error();
      *slot = *c;
    }
  }

  n.has_applicators = obj.contains("allOf") || obj.contains("anyOf") || obj.contains("oneOf") ||
                      obj.contains("not") || obj.contains("if");
  if (const json::value* v = obj.if_contains("allOf")) {
    auto r = compile_schema_array(doc, *v, core::append_pointer(pointer, "allOf"), base, &n.all_of);
    if (!r) return r;
  }
  const std::array<std::pair<std::string_view, std::optional<Alternatives>*>, 2> alts = {{
      {"anyOf", &n.any_of}, {"oneOf", &n.one_of},
  }};
  for (const auto& [keyword, slot] : alts) {
    if (const json::value* v = obj.if_contains(keyword)) {
      Alternatives alt;
      auto r = compile_schema_array(doc, *v, core::append_pointer(pointer, keyword), base,
                                    &alt.branches);
      if (!r) return r;
      *slot = std::move(alt);
    }
  }
  return compile_object_keywords(n, doc, obj, pointer, base);
}

core::Result<void> Compiler::compile_object_keywords(Node& n, std::size_t doc,
                                                     const json::object& obj,
                                                     const std::string& pointer,
                                                     const std::string& base) {
  const auto at = [&](std::string_view keyword) {
    return display_pointer(doc, core::append_pointer(pointer, keyword));
  };
  // "definitions" are compiled too, so a broken unused definition is still reported.
  for (std::string_view keyword : {"properties", "definitions"}) {
    const json::value* v = obj.if_contains(keyword);
    if (v == nullptr) continue;
    if (!v->is_object()) return invalid(at(keyword), "must be an object of schemas");
    const std::string p = core::append_pointer(pointer, keyword);
    for (const auto& member : v->get_object()) {
      auto c = child(doc, member.value(), core::append_pointer(p, member.key()), base);
      if (!c) return c.error();
      if (keyword == "properties") n.properties.emplace_back(std::string(member.key()), *c);
    }
  }
  std::sort(n.properties.begin(), n.properties.end(),
            [](const auto& a, const auto& b) { return property_order(a.first, b.first); });

  if (const json::value* v = obj.if_contains("patternProperties")) {
    if (!v->is_object()) return invalid(at("patternProperties"), "must be an object of schemas");
    const std::string p = core::append_pointer(pointer, "patternProperties");
    for (const auto& member : v->get_object()) {
      const std::string mp = core::append_pointer(p, member.key());
      auto re = make_regex(doc, mp, json::value(member.key()));
      if (!re) return re.error();
      auto c = child(doc, member.value(), mp, base);
      if (!c) return c.error();
      n.pattern_properties.emplace_back(std::move(*re), *c);
    }
  }

  const auto string_list = [](const json::value& v, std::vector<std::string>* out) {
    if (!v.is_array()) return false;
    for (const json::value& e : v.get_array()) {
      if (!e.is_string()) return false;
      out->emplace_back(e.get_string());
    }
    return true;
  };
  if (const json::value* v = obj.if_contains("required")) {
    if (!string_list(*v, &n.required)) return invalid(at("required"), "must be an array of strings");
  }
  if (const json::value* v = obj.if_contains("dependencies")) {
    if (!v->is_object()) return invalid(at("dependencies"), "must be an object");
    const std::string p = core::append_pointer(pointer, "dependencies");
    for (const auto& member : v->get_object()) {
      Dependency dep;
      dep.name = member.key();
      if (member.value().is_array()) {
        if (!string_list(member.value(), &dep.required))
          return invalid(core::append_pointer(p, member.key()), "must be an array of strings");
      } else {
        auto c = child(doc, member.value(), core::append_pointer(p, member.key()), base);
        if (!c) return c.error();
        dep.schema = *c;
      }
      n.dependencies.push_back(std::move(dep));
    }
  }
  return {};
}

}  // namespace

bool property_order(std::string_view a, std::string_view b) {
  // Length first: most comparisons then stop at an integer compare instead of a memcmp
  // over field names that often share long prefixes ("target_...").
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

const Node* Node::property(std::string_view name) const {
  auto it = std::lower_bound(
      properties.begin(), properties.end(), name,
      [](const auto& p, std::string_view n) { return property_order(p.first, n); });
  return it != properties.end() && it->first == name ? it->second : nullptr;
}

core::Result<std::shared_ptr<const CompiledSchema>> compile_schema(const json::value& doc) {
  // Boost.JSON may throw (allocation, odd inputs); this is
  // the module boundary where exceptions become errors.
  try {
    return Compiler(doc).run();
  } catch (const std::exception& e) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       std::string("invalid schema: ") + e.what());
  }
}

}  // namespace sps::schema::detail
