// Error reporting for a failed anyOf/oneOf. "does not match any alternative" is true but
// useless to someone editing YAML, so we look for the branch the user evidently meant:
//  1. tagged unions (SPS's {"selection": ..., ...} objects): the branch whose
//     properties.selection const equals the instance's "selection";
//  2. otherwise the only branch whose failure is more than a type mismatch (a string
//     given to oneOf [string-schema, object-schema] is clearly meant as the string);
// and report that branch's own errors. Only when neither singles out a branch do we
// print one summary error listing each branch's first problem.
#include "schema/evaluator.h"
#include "schema/values.h"

#include <algorithm>

namespace sps::schema::detail {
namespace json = boost::json;

namespace {

const Node* deref(const Node* n) {
  while (n != nullptr && n->ref != nullptr) n = n->ref;
  return n;
}

// A branch rejected the value for its type alone ("expected object, got string").
bool is_type_mismatch_only(const Evaluator::Errors& errors, const std::string& pointer) {
  return errors.size() == 1 && errors[0].instance_pointer == pointer &&
         (errors[0].keyword == "type" || errors[0].keyword == "false");
}

}  // namespace

void Evaluator::report_alternatives(const Node& n, const Alternatives& alt,
                                    std::string_view keyword, const json::value& v,
                                    const Path* path, Errors* out) const {
  const bool tagged = std::any_of(alt.selections.begin(), alt.selections.end(),
                                  [](const json::value* s) { return s != nullptr; });
  if (tagged && v.is_object()) {
    const json::value* selection = v.get_object().if_contains("selection");
    std::vector<std::size_t> matching;
    std::string allowed;
    std::vector<const json::value*> seen;
    for (std::size_t i = 0; i < alt.branches.size(); ++i) {
      const json::value* s = alt.selections[i];
      if (s == nullptr) continue;
      if (selection != nullptr && json_equal(*s, *selection)) matching.push_back(i);
      if (std::none_of(seen.begin(), seen.end(), [&](const json::value* x) { return json_equal(*x, *s); })) {
        seen.push_back(s);
        allowed += (allowed.empty() ? "" : ", ") + render_value(*s);
      }
    }
    if (matching.size() == 1) {
      validate(*alt.branches[matching.front()], v, path, out);
      return;
    }
    if (matching.empty()) {
      if (selection == nullptr) {
        report(out, path, n, keyword, "missing required field \"selection\" (one of " + allowed + ")");
      } else {
        const Path selection_path{path, "selection", 0, false};
        report(out, &selection_path, n, keyword,
               "\"selection\" must be one of " + allowed + ", got " + render_value(*selection));
      }
      return;
    }
  }

  const std::string pointer = to_pointer(path);
  std::vector<Errors> branch_errors(alt.branches.size());
  std::vector<std::size_t> plausible;
  unsigned types = 0;
  bool all_typed = true;
  for (std::size_t i = 0; i < alt.branches.size(); ++i) {
    validate(*alt.branches[i], v, path, &branch_errors[i]);
    if (!is_type_mismatch_only(branch_errors[i], pointer)) plausible.push_back(i);
    const Node* b = deref(alt.branches[i]);
    if (b == nullptr || b->types == 0) all_typed = false;
    if (b != nullptr) types |= b->types;
  }
  if (plausible.size() == 1) {
    Errors& chosen = branch_errors[plausible.front()];
    out->insert(out->end(), std::make_move_iterator(chosen.begin()),
                std::make_move_iterator(chosen.end()));
    return;
  }
  if (plausible.empty() && all_typed) {
    report(out, path, n, keyword,
           "expected " + expected_types(types) + ", got " + std::string(type_name(v)));
    return;
  }
  std::string message = "does not match any alternative of " + std::string(keyword) + ":";
  for (std::size_t i = 0; i < branch_errors.size(); ++i) {
    if (branch_errors[i].empty()) continue;
    const ValidationError& first = branch_errors[i].front();
    message += " (" + std::to_string(i) + ") ";
    if (first.instance_pointer != pointer) message += first.instance_pointer + ": ";
    message += first.message;
    if (branch_errors[i].size() > 1) message += " (+" + std::to_string(branch_errors[i].size() - 1) + " more)";
    if (i + 1 < branch_errors.size()) message += ";";
  }
  report(out, path, n, keyword, std::move(message));
}

}  // namespace sps::schema::detail
