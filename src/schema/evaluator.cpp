#include "schema/evaluator.h"

#include "core/json_pointer.h"
#include "schema/regex.h"
#include "schema/values.h"

#include <algorithm>
#include <array>

namespace sps::schema::detail {
namespace json = boost::json;

namespace {

std::string plural(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string number_text(const json::value& v) { return render_value(v); }

}  // namespace

std::string expected_types(unsigned types) {
  static constexpr std::array<std::pair<unsigned, std::string_view>, 7> kNames = {{
      {kTypeObject, "object"}, {kTypeArray, "array"}, {kTypeString, "string"},
      {kTypeInteger, "integer"}, {kTypeNumber, "number"}, {kTypeBoolean, "boolean"},
      {kTypeNull, "null"},
  }};
  if ((types & kTypeNumber) != 0) types &= ~static_cast<unsigned>(kTypeInteger);
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((types & bit) == 0) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

namespace {

// Levenshtein distance, for "did you mean" on unknown fields. Only runs when reporting.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string unknown_field_message(const Node& n, std::string_view key) {
  std::string best;
  std::size_t best_distance = 3;  // suggest only close names: typos, not guesses
  for (const auto& [name, node] : n.properties) {
    const std::size_t d = edit_distance(key, name);
    if (d < best_distance && d < name.size()) {
      best_distance = d;
      best = name;
    }
  }
  std::string message = "unknown field " + render_value(json::value(key)) + " (not allowed here";
  if (!best.empty()) message += "; did you mean " + render_value(json::value(best)) + "?";
  return message + ")";
}

}  // namespace

std::string to_pointer(const Path* path) {
  std::vector<const Path*> steps;
  for (const Path* p = path; p != nullptr; p = p->parent) steps.push_back(p);
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    out += '/';
    out += (*it)->is_index ? std::to_string((*it)->index) : core::escape_pointer_token((*it)->key);
  }
  return out;
}

void Evaluator::report(Errors* out, const Path* path, const Node& n, std::string_view keyword,
                       std::string message) const {
  if (out == nullptr) return;
  out->push_back(ValidationError{to_pointer(path), core::append_pointer(n.pointer, keyword),
                                 std::string(keyword), std::move(message)});
}

std::string Evaluator::quote(const Node& n, const json::value& v, const Path* path) const {
  if (n.write_only) return "<secret>";
  if (m_options != nullptr && m_options->is_secret && m_options->is_secret(to_pointer(path)))
    return "<secret>";
  return render_value(v);
}

bool Evaluator::validate(const Node& n, const json::value& v, const Path* path,
                         Errors* out) const {
  if (n.boolean_schema) {
    if (!*n.boolean_schema) report(out, path, n, "false", "no value is allowed here");
    return *n.boolean_schema;
  }
  if (n.ref != nullptr) {
    if (m_depth >= kMaxEvaluationDepth) {
      report(out, path, n, "$ref", "value is nested too deeply to validate");
      return false;
    }
    ++m_depth;
    const bool ok = validate(*n.ref, v, path, out);
    --m_depth;
    return ok;
  }

  // A wrong type makes every other keyword's complaint noise; report only the type.
  if (n.types != 0 && !type_matches(n.types, v)) {
    report(out, path, n, "type",
           "expected " + expected_types(n.types) + ", got " + std::string(type_name(v)));
    return false;
  }
  bool ok = true;
  if (n.const_value && !json_equal(*n.const_value, v)) {
    report(out, path, n, "const",
           "must be " + render_value(*n.const_value) + ", got " + quote(n, v, path));
    if (out == nullptr) return false;
    ok = false;
  }
  if (n.enum_values) {
    const auto& values = *n.enum_values;
    const bool found = std::any_of(values.begin(), values.end(),
                                   [&](const json::value& e) { return json_equal(e, v); });
    if (!found) {
      if (out == nullptr) return false;
      std::string allowed;
      for (const json::value& e : values) {
        if (!allowed.empty()) allowed += ", ";
        allowed += render_value(e);
      }
      report(out, path, n, "enum", "value " + quote(n, v, path) + " is not one of " + allowed);
      ok = false;
    }
  }
  switch (v.kind()) {
    case json::kind::string: ok = check_string(n, v, path, out) && ok; break;
    case json::kind::array: ok = check_array(n, v.get_array(), path, out) && ok; break;
    case json::kind::object: ok = check_object(n, v, path, out) && ok; break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: ok = check_number(n, v, path, out) && ok; break;
    default: break;
  }
  if (!ok && out == nullptr) return false;
  if (!n.has_applicators) return ok;
  return check_combinators(n, v, path, out) && ok;
}

bool Evaluator::check_string(const Node& n, const json::value& v, const Path* path,
                             Errors* out) const {
  const std::string_view s = v.get_string();
  bool ok = true;
  const auto fail = [&](std::string_view keyword, std::string message) {
    report(out, path, n, keyword, std::move(message));
    ok = false;
    return out == nullptr;
  };
  if (n.min_length || n.max_length) {
    const std::size_t length = utf8_length(s);
    if (n.min_length && length < *n.min_length &&
        fail("minLength", "must be at least " + plural(*n.min_length, "character") + " long"))
      return false;
    if (n.max_length && length > *n.max_length &&
        fail("maxLength", "must be at most " + plural(*n.max_length, "character") + " long"))
      return false;
  }
  if (n.pattern && !n.pattern->search(s) &&
      fail("pattern", quote(n, v, path) + " does not match the pattern " +
                          render_value(json::value(n.pattern->source()))))
    return false;
  if (n.format != Format::kNone && !check_format(n.format, s) &&
      fail("format", quote(n, v, path) + " is not a valid " + std::string(describe_format(n.format))))
    return false;
  return ok;
}

bool Evaluator::check_number(const Node& n, const json::value& v, const Path* path,
                             Errors* out) const {
  bool ok = true;
  const auto fail = [&](std::string_view keyword, std::string message) {
    report(out, path, n, keyword, std::move(message));
    ok = false;
    return out == nullptr;
  };
  if (n.minimum && compare_numbers(v, *n.minimum) < 0 &&
      fail("minimum", "must be at least " + number_text(*n.minimum)))
    return false;
  if (n.maximum && compare_numbers(v, *n.maximum) > 0 &&
      fail("maximum", "must be at most " + number_text(*n.maximum)))
    return false;
  if (n.exclusive_minimum && compare_numbers(v, *n.exclusive_minimum) <= 0 &&
      fail("exclusiveMinimum", "must be greater than " + number_text(*n.exclusive_minimum)))
    return false;
  if (n.exclusive_maximum && compare_numbers(v, *n.exclusive_maximum) >= 0 &&
      fail("exclusiveMaximum", "must be less than " + number_text(*n.exclusive_maximum)))
    return false;
  if (n.multiple_of && !is_multiple_of(v, *n.multiple_of) &&
      fail("multipleOf", "must be a multiple of " + number_text(*n.multiple_of)))
    return false;
  return ok;
}

bool Evaluator::check_array(const Node& n, const json::array& a, const Path* path,
                            Errors* out) const {
  bool ok = true;
  const auto fail = [&](std::string_view keyword, std::string message) {
    report(out, path, n, keyword, std::move(message));
    ok = false;
    return out == nullptr;
  };
  if (n.min_items && a.size() < *n.min_items &&
      fail("minItems", "must have at least " + plural(*n.min_items, "item")))
    return false;
  if (n.max_items && a.size() > *n.max_items &&
      fail("maxItems", "must have at most " + plural(*n.max_items, "item")))
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Node* item_schema = n.items;
    if (n.items_is_tuple) {
      item_schema = i < n.tuple_items.size() ? n.tuple_items[i] : n.additional_items;
    }
    if (item_schema == nullptr) continue;
    const Path item_path{path, {}, i, true};
    if (n.items_is_tuple && i >= n.tuple_items.size() && item_schema->boolean_schema == false) {
      // Clearer than the generic "no value is allowed here" of a false schema.
      report(out, &item_path, n, "additionalItems",
             "unexpected item (at most " + plural(n.tuple_items.size(), "item") + " allowed here)");
      ok = false;
      if (out == nullptr) return false;
      continue;
    }
    if (!validate(*item_schema, a[i], &item_path, out)) {
      ok = false;
      if (out == nullptr) return false;
    }
  }
  if (n.contains != nullptr) {
    const bool found = std::any_of(a.begin(), a.end(), [&](const json::value& e) {
      return validate(*n.contains, e, path, nullptr);
    });
    if (!found && fail("contains", "must contain at least one item matching the \"contains\" schema"))
      return false;
  }
  if (n.unique_items) {
    for (std::size_t i = 1; i < a.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (!json_equal(a[i], a[j])) continue;
        const Path dup{path, {}, i, true};
        report(out, &dup, n, "uniqueItems",
               "duplicate of item " + std::to_string(j) + " (items must be unique)");
        ok = false;
        if (out == nullptr) return false;
        break;
      }
    }
  }
  return ok;
}

bool Evaluator::check_object(const Node& n, const json::value& v, const Path* path,
                             Errors* out) const {
  const json::object& o = v.get_object();
  bool ok = true;
  const auto fail = [&](const Path* where, std::string_view keyword, std::string message) {
    report(out, where, n, keyword, std::move(message));
    ok = false;
    return out == nullptr;
  };
  for (const std::string& name : n.required) {
    if (!o.contains(name) &&
        fail(path, "required", "missing required field " + render_value(json::value(name))))
      return false;
  }
  if (n.min_properties && o.size() < *n.min_properties &&
      fail(path, "minProperties", "must have at least " + plural(*n.min_properties, "field")))
    return false;
  if (n.max_properties && o.size() > *n.max_properties &&
      fail(path, "maxProperties", "must have at most " + plural(*n.max_properties, "field")))
    return false;

  const bool per_member = !n.properties.empty() || !n.pattern_properties.empty() ||
                          n.additional_properties != nullptr || n.property_names != nullptr;
  for (const auto& member : o) {
    if (!per_member) break;
    const std::string_view key = member.key();
    const Path member_path{path, key, 0, false};
    bool matched = false;
    if (const Node* p = n.property(key)) {
      matched = true;
      if (!validate(*p, member.value(), &member_path, out)) {
        ok = false;
        if (out == nullptr) return false;
      }
    }
    for (const auto& [re, schema] : n.pattern_properties) {
      if (!re.search(key)) continue;
      matched = true;
      if (!validate(*schema, member.value(), &member_path, out)) {
        ok = false;
        if (out == nullptr) return false;
      }
    }
    if (!matched && n.additional_properties != nullptr) {
      if (n.additional_properties->boolean_schema == false) {
        if (fail(&member_path, "additionalProperties", unknown_field_message(n, key))) return false;
      } else if (!validate(*n.additional_properties, member.value(), &member_path, out)) {
        ok = false;
        if (out == nullptr) return false;
      }
    }
    if (n.property_names != nullptr) {
      const json::value name(key);
      Errors name_errors;
      if (!validate(*n.property_names, name, nullptr, out != nullptr ? &name_errors : nullptr)) {
        ok = false;
        if (out == nullptr) return false;
        for (ValidationError& e : name_errors) {
          e.instance_pointer = to_pointer(&member_path);
          e.message = "invalid field name " + render_value(name) + ": " + e.message;
          out->push_back(std::move(e));
        }
      }
    }
  }

  for (const Dependency& dep : n.dependencies) {
    if (!o.contains(dep.name)) continue;
    for (const std::string& name : dep.required) {
      if (!o.contains(name) &&
          fail(path, "dependencies",
               "missing field " + render_value(json::value(name)) + " (required when " +
                   render_value(json::value(dep.name)) + " is present)"))
        return false;
    }
    if (dep.schema != nullptr && !validate(*dep.schema, v, path, out)) {
      ok = false;
      if (out == nullptr) return false;
    }
  }
  return ok;
}

bool Evaluator::check_combinators(const Node& n, const json::value& v, const Path* path,
                                  Errors* out) const {
  bool ok = true;
  for (const Node* branch : n.all_of) {
    if (!validate(*branch, v, path, out)) {
      ok = false;
      if (out == nullptr) return false;
    }
  }
  if (n.any_of) {
    const auto& branches = n.any_of->branches;
    const bool any = std::any_of(branches.begin(), branches.end(),
                                 [&](const Node* b) { return validate(*b, v, path, nullptr); });
    if (!any) {
      if (out == nullptr) return false;
      report_alternatives(n, *n.any_of, "anyOf", v, path, out);
      ok = false;
    }
  }
  if (n.one_of) {
    std::array<std::size_t, 2> matches{};  // the first two branches that match (no allocation per union)
    std::size_t matched = 0;
    for (std::size_t i = 0; i < n.one_of->branches.size() && matched < 2; ++i) {
      if (validate(*n.one_of->branches[i], v, path, nullptr)) matches[matched++] = i;
    }
    if (matched != 1) {
      if (out == nullptr) return false;
      ok = false;
      if (matched == 0) {
        report_alternatives(n, *n.one_of, "oneOf", v, path, out);
      } else {
        report(out, path, n, "oneOf",
               "matches more than one alternative (oneOf/" + std::to_string(matches[0]) +
                   " and oneOf/" + std::to_string(matches[1]) + "); it must match exactly one");
      }
    }
  }
  if (n.not_schema != nullptr && validate(*n.not_schema, v, path, nullptr)) {
    if (out == nullptr) return false;
    report(out, path, n, "not", "must not match the schema in \"not\"");
    ok = false;
  }
  if (n.if_schema != nullptr) {
    const Node* next = validate(*n.if_schema, v, path, nullptr) ? n.then_schema : n.else_schema;
    if (next != nullptr && !validate(*next, v, path, out)) {
      ok = false;
    }
  }
  return ok;
}

}  // namespace sps::schema::detail
