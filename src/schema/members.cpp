// Validator::has_only_declared_fields: a walk of the instance's member names alongside the
// compiled schema, without validating values. It must never say "none" when validate()
// would report an additionalProperties error, so at every place it follows what validate()
// does when it collects errors (evaluator.cpp, alternatives.cpp), and where that depends on
// validity (unions, if/then/else) it looks at every branch whose errors could be reported.
// It may say "maybe" for a body validate() accepts; callers then validate.
#include "schema/compiled.h"
#include "schema/evaluator.h"
#include "schema/validator.h"
#include "schema/values.h"

#include <algorithm>

namespace sps::schema {
namespace detail {
namespace {
namespace json = boost::json;

// The node a chain of $refs ends at, or nullptr for a chain longer than validation follows.
const Node* deref(const Node* n) {
  for (std::size_t hops = 0; n != nullptr && n->ref != nullptr; ++hops) {
    if (hops >= kMaxEvaluationDepth) return nullptr;
    n = n->ref;
  }
  return n;
}

class MemberWalk {
 public:
  /// False when validate(n, v) could report an undeclared member at or below v.
  bool walk(const Node& n, const json::value& v) {
    if (n.boolean_schema) return true;  // no keyword of its own, nothing below
    if (n.ref != nullptr) {
      if (m_depth >= kMaxEvaluationDepth) return false;  // past validate()'s limit: say maybe
      ++m_depth;
      const bool ok = walk(*n.ref, v);
      --m_depth;
      return ok;
    }
    // validate() reports a wrong type alone and looks no further.
    if (n.types != 0 && !type_matches(n.types, v)) return true;
    if (const auto* o = v.if_object(); o != nullptr && !walk_object(n, v, *o)) return false;
    if (const auto* a = v.if_array(); a != nullptr && !walk_array(n, *a)) return false;
    return !n.has_applicators || walk_combinators(n, v);
  }

 private:
  bool walk_object(const Node& n, const json::value& v, const json::object& o) {
    for (const auto& member : o) {
      const std::string_view key = member.key();
      bool matched = false;
      if (const Node* p = n.property(key)) {
        matched = true;
        if (!walk(*p, member.value())) return false;
      }
      for (const auto& [re, schema] : n.pattern_properties) {
        if (!re.search(key)) continue;
        matched = true;
        if (!walk(*schema, member.value())) return false;
      }
      if (!matched && n.additional_properties != nullptr) {
        if (n.additional_properties->boolean_schema == false) return false;  // undeclared
        if (!walk(*n.additional_properties, member.value())) return false;
      }
    }
    return std::all_of(n.dependencies.begin(), n.dependencies.end(), [&](const Dependency& dep) {
      return dep.schema == nullptr || !o.contains(dep.name) || walk(*dep.schema, v);
    });
  }

  bool walk_array(const Node& n, const json::array& a) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      const Node* item = n.items;
      if (n.items_is_tuple) item = i < n.tuple_items.size() ? n.tuple_items[i] : n.additional_items;
      if (item != nullptr && !walk(*item, a[i])) return false;
    }
    return true;  // "contains" is probed without an error sink
  }

  bool walk_combinators(const Node& n, const json::value& v) {
    for (const Node* branch : n.all_of) {
      if (!walk(*branch, v)) return false;
    }
    if (n.any_of && !walk_alternatives(*n.any_of, v)) return false;
    if (n.one_of && !walk_alternatives(*n.one_of, v)) return false;
    // "not" and "if" are probed without an error sink; then or else is validated with one.
    if (n.if_schema != nullptr) {
      if (n.then_schema != nullptr && !walk(*n.then_schema, v)) return false;
      if (n.else_schema != nullptr && !walk(*n.else_schema, v)) return false;
    }
    return true;
  }

  // A union reports only when it fails, and then (Evaluator::report_alternatives) the
  // errors of the branch its "selection" names, of its one plausible branch (a branch
  // whose only error is a type mismatch at the union is not plausible), or a summary that
  // carries no branch's errors.
  bool walk_alternatives(const Alternatives& alt, const json::value& v) {
    const bool tagged = std::any_of(alt.selections.begin(), alt.selections.end(),
                                    [](const json::value* s) { return s != nullptr; });
    if (tagged && v.is_object()) {
      const json::value* selection = v.get_object().if_contains("selection");
      std::size_t matching = 0;
      const Node* named = nullptr;
      for (std::size_t i = 0; i < alt.branches.size(); ++i) {
        const json::value* s = alt.selections[i];
        if (s != nullptr && selection != nullptr && json_equal(*s, *selection)) {
          ++matching;
          named = alt.branches[i];
        }
      }
      if (matching == 1) return walk(*named, v);
      if (matching == 0) return true;  // a missing or unknown selection: no branch is reported
    }
    // Branches that fail on their type are never plausible. A branch that fails on a
    // discriminator (a member whose const or enum v's member does not meet) is plausible,
    // but cannot be the only plausible one while a "plain" branch remains, since a failing
    // plain branch is plausible too: then a failed union reports a summary. Otherwise
    // every branch whose type fits is looked at.
    bool plain_kept = false;
    bool missing = false;  // a fitting branch misses a discriminator
    for (const Node* branch : alt.branches) {
      const Node* d = deref(branch);
      if (d == nullptr) return false;
      if (!fits(*d, v)) continue;
      if (misses_discriminator(*d, v)) missing = true;
      else if (is_plain(*d, v)) plain_kept = true;
    }
    const bool skip_missing = plain_kept && missing;
    for (const Node* branch : alt.branches) {
      const Node* d = deref(branch);
      if (!fits(*d, v) || (skip_missing && misses_discriminator(*d, v))) continue;
      if (!walk(*branch, v)) return false;
    }
    return true;
  }

  static bool fits(const Node& d, const json::value& v) {
    return d.boolean_schema != false && (d.types == 0 || type_matches(d.types, v));
  }

  // Whether an object v fails d for a member that d fixes with const or enum.
  static bool misses_discriminator(const Node& d, const json::value& v) {
    const json::object* o = v.if_object();
    if (o == nullptr) return false;
    for (const auto& [name, property] : d.properties) {
      const Node* p = deref(property);
      if (p == nullptr || (!p->const_value && !p->enum_values)) continue;
      const json::value* member = o->if_contains(name);
      if (member == nullptr) continue;
      if (p->const_value && !json_equal(*p->const_value, *member)) return true;
      if (p->enum_values && std::none_of(p->enum_values->begin(), p->enum_values->end(),
                                         [&](const json::value& e) { return json_equal(e, *member); }))
        return true;
    }
    return false;
  }

  // A branch whose failure can never be a lone type mismatch at the union's own value: its
  // type fits v, and no combinator or dependency schema re-validates v in place.
  static bool is_plain(const Node& d, const json::value& v) {
    if (d.boolean_schema || d.has_applicators || !fits(d, v)) return false;
    return std::none_of(d.dependencies.begin(), d.dependencies.end(),
                        [](const Dependency& dep) { return dep.schema != nullptr; });
  }

  std::size_t m_depth = 0;
};

}  // namespace

bool has_only_declared_fields(const Node& root, const json::value& instance) {
  return MemberWalk().walk(root, instance);
}

}  // namespace detail
}  // namespace sps::schema
