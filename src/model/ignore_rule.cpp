#include "model/ignore_rule.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace sps::model {

namespace {
namespace json = boost::json;

/// Walks a JSON Schema along a pointer's tokens: can some instance have a value there? The
/// deepest token that no branch accepts is the miss, with the member names allowed there.
class SchemaWalk {
 public:
  SchemaWalk(const json::value& root, std::vector<std::string> tokens) : m_root(root), m_tokens(std::move(tokens)) {}

  bool reaches(const json::value& node, std::size_t i) {
    if (i == m_tokens.size() || ++m_steps > kMaxSteps) return true;  // too intricate to tell: accept
    const json::object* o = node.if_object();
    if (o == nullptr) {
      if (node.is_bool() && !node.as_bool()) return missed(i, nullptr, false);  // the false schema
      return true;  // the true schema, or not a schema
    }
    if (const json::value* ref = o->if_contains("$ref"); ref != nullptr && ref->is_string()) {
      // Draft 7: "$ref" replaces its siblings. Only references inside the document resolve.
      const std::string_view target = ref->as_string();
      const json::value* resolved = target.starts_with("#") ? core::find_pointer(m_root, target.substr(1)) : nullptr;
      return resolved == nullptr || reaches(*resolved, i);
    }
    // A value must satisfy the node's own keywords, every allOf branch and one branch of
    // each oneOf/anyOf.
    bool ok = own(*o, i);
    if (const json::value* all = o->if_contains("allOf"); all != nullptr && all->is_array()) {
      for (const auto& branch : all->as_array()) ok = reaches(branch, i) && ok;
    }
    for (const char* key : {"oneOf", "anyOf"}) {
      const json::value* branches = o->if_contains(key);
      if (branches == nullptr || !branches->is_array()) continue;
      bool any = false;
      for (const auto& branch : branches->as_array()) any = reaches(branch, i) || any;
      ok = ok && any;
    }
    return ok;
  }

  std::optional<SchemaMiss> miss() const {
    if (!m_missed) return std::nullopt;
    SchemaMiss out{m_tokens[m_at], {}, {m_allowed.begin(), m_allowed.end()}, m_list};
    for (std::size_t k = 0; k < m_at; ++k) out.parent += "/" + m_tokens[k];
    return out;
  }

 private:
  static constexpr int kMaxSteps = 100000;

  static bool has_type(const json::object& o, std::string_view type) {
    const json::value* t = o.if_contains("type");
    if (t == nullptr) return false;
    if (t->is_string()) return t->as_string() == type;
    if (!t->is_array()) return false;
    const auto& a = t->as_array();
    return std::any_of(a.begin(), a.end(), [&](const json::value& v) { return v.is_string() && v.as_string() == type; });
  }

  // The keywords of one node about members and elements.
  bool own(const json::object& o, std::size_t i) {
    const bool object = o.contains("properties") || o.contains("additionalProperties") ||
                        o.contains("patternProperties") || has_type(o, "object");
    const bool list = o.contains("items") || has_type(o, "array");
    if (object && list) return member(o, i) || element(o, i);
    if (object) return member(o, i);
    if (list) return element(o, i);
    if (o.contains("type")) return missed(i, nullptr, false);  // a scalar: nothing below it
    return true;  // unconstrained (or constrained by its combinators only)
  }

  bool member(const json::object& o, std::size_t i) {
    const std::string& token = m_tokens[i];
    const json::object* props = o.contains("properties") ? o.at("properties").if_object() : nullptr;
    const json::value* additional = o.if_contains("additionalProperties");
    if (token == "*") {
      bool any = false;
      if (props != nullptr) {
        for (const auto& p : *props) any = reaches(p.value(), i + 1) || any;
      }
      if (any || o.contains("patternProperties")) return true;
      if (additional == nullptr) return true;
      if (additional->is_bool()) return additional->as_bool() || missed(i, props, false);
      return reaches(*additional, i + 1);
    }
    if (props != nullptr) {
      if (const json::value* p = props->if_contains(token)) return reaches(*p, i + 1);
    }
    if (o.contains("patternProperties")) return true;  // names decided by patterns: accept
    if (additional == nullptr) return true;
    if (additional->is_bool()) return additional->as_bool() || missed(i, props, false);
    return reaches(*additional, i + 1);
  }

  bool element(const json::object& o, std::size_t i) {
    const std::string& token = m_tokens[i];
    const bool index = token == "*" || (!token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
                                          return c >= '0' && c <= '9';
                                        }));
    if (!index) return missed(i, nullptr, true);
    const json::value* items = o.if_contains("items");
    if (items == nullptr) return true;
    if (!items->is_array()) return reaches(*items, i + 1);
    return true;  // a tuple: any element may be meant
  }

  bool missed(std::size_t i, const json::object* props, bool list) {
    if (!m_missed || i > m_at) {
      m_missed = true;
      m_at = i;
      m_allowed.clear();
      m_list = false;
    }
    if (i == m_at) {
      if (props != nullptr) {
        for (const auto& p : *props) m_allowed.emplace(p.key());
      }
      m_list = m_list || list;
    }
    return false;
  }

  const json::value& m_root;
  std::vector<std::string> m_tokens;
  int m_steps = 0;
  bool m_missed = false;
  std::size_t m_at = 0;
  std::set<std::string> m_allowed;
  bool m_list = false;
};

}  // namespace

std::optional<SchemaMiss> schema_miss(const catalog::Kind& kind, std::string_view pointer) {
  if (kind.schema_file.empty() || pointer.empty()) return std::nullopt;
  SchemaWalk walk(kind.schema, core::split_pointer(pointer));
  if (walk.reaches(kind.schema, 0)) return std::nullopt;
  return walk.miss();
}

bool IgnoreRule::matches(const model::Address& address, std::string_view field) const {
  if (address.kind != kind) return false;
  if (!name.empty() && address.name != name) return false;
  if (pointer.empty()) return true;
  if (field.empty()) return false;
  // The rule covers its pointer and everything below it: compare the rule's tokens with the
  // field's leading tokens. A change above the rule (a union replaced whole) is not covered,
  // since it also changes fields the rule does not name.
  const auto want = core::split_pointer(pointer);
  const auto have = core::split_pointer(field);
  if (have.size() < want.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] != "*" && want[i] != have[i]) return false;
  }
  return true;
}

core::Result<IgnoreRule> parse_ignore_rule(std::string_view text, const catalog::Catalog& catalog, SchemaMiss* miss) {
  const std::string how = "write kind[name]/json/pointer or kind/json/pointer";
  IgnoreRule rule;
  rule.text = std::string(text);
  std::string rest;
  if (const auto bracket = text.find('['); bracket != std::string_view::npos) {
    const auto close = text.find(']', bracket);
    if (close == std::string_view::npos || close == bracket + 1) {
      return core::Error(core::ErrorCode::kInvalidArgument, "malformed ignore rule \"" + rule.text + "\"", how);
    }
    rule.kind = std::string(text.substr(0, bracket));
    rule.name = std::string(text.substr(bracket + 1, close - bracket - 1));
    rest = std::string(text.substr(close + 1));
  } else {
    // Kind paths contain "/": the kind is the longest catalog path the rule starts with.
    for (const auto& k : catalog.kinds()) {
      if ((text == k.path || text.starts_with(k.path + "/")) && k.path.size() > rule.kind.size()) rule.kind = k.path;
    }
    if (rule.kind.empty()) {
      return core::Error(core::ErrorCode::kNotFound, "unknown kind in ignore rule \"" + rule.text + "\"", how);
    }
    rest = std::string(text.substr(rule.kind.size()));
  }
  const catalog::Kind* kind = catalog.find(rule.kind);
  if (kind == nullptr) {
    return core::Error(core::ErrorCode::kNotFound,
                       "unknown kind \"" + rule.kind + "\" in ignore rule \"" + rule.text + "\"", how);
  }
  if (!rest.empty() && rest.front() != '/') {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "malformed ignore rule \"" + rule.text + "\": the JSON pointer must start with \"/\"", how);
  }
  rule.pointer = rest;
  // A rule no difference can ever match is a typo: drift would report the field it meant.
  if (auto found = schema_miss(*kind, rule.pointer)) {
    const std::string where = found->parent.empty() ? rule.kind : rule.kind + found->parent;
    std::string message = "ignore rule \"" + rule.text + "\" can never match: ";
    std::string detail;
    if (found->in_list) {
      message += where + " is a list and \"" + found->token + "\" is not an index";
      detail = "write an index (0, 1, ...) or * for every element";
    } else if (found->allowed.empty()) {
      message += where + " is a single value, with no field \"" + found->token + "\"";
      detail = "the rule can name " + where + " itself";
    } else {
      message += where + " has no field \"" + found->token + "\"";
      detail = "fields there:";
      for (const auto& name : found->allowed) detail += " " + name;
    }
    if (miss != nullptr) *miss = std::move(*found);
    return core::Error(core::ErrorCode::kInvalidArgument, std::move(message), std::move(detail));
  }
  return rule;
}

}  // namespace sps::model
