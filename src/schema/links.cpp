// Checks and annotations that need the whole node graph, i.e. run after every "$ref" is
// resolved: reference cycles, and the "selection" discriminators of tagged unions.
#include "schema/compiled.h"

#include <map>
#include <utility>

namespace sps::schema::detail {
namespace {

// Edges along which a schema applies to the same instance value ("in place").
std::vector<const Node*> in_place(const Node& n) {
  std::vector<const Node*> out;
  if (n.ref != nullptr) out.push_back(n.ref);
  out.insert(out.end(), n.all_of.begin(), n.all_of.end());
  if (n.any_of) out.insert(out.end(), n.any_of->branches.begin(), n.any_of->branches.end());
  if (n.one_of) out.insert(out.end(), n.one_of->branches.begin(), n.one_of->branches.end());
  for (const Node* p : {n.not_schema, n.if_schema, n.then_schema, n.else_schema}) {
    if (p != nullptr) out.push_back(p);
  }
  for (const Dependency& d : n.dependencies) {
    if (d.schema != nullptr) out.push_back(d.schema);
  }
  return out;
}

const Node* deref(const Node* n) {
  while (n != nullptr && n->ref != nullptr) n = n->ref;  // cycles were rejected before
  return n;
}

// Tagged unions: a branch whose properties.selection is a const (or a one-value enum)
// tells which "selection" it is for, so errors can name the branch the user meant.
void fill_selections(Alternatives& alt) {
  alt.selections.clear();
  for (const Node* branch : alt.branches) {
    const boost::json::value* selection = nullptr;
    const Node* b = deref(branch);
    const Node* s = b != nullptr ? deref(b->property("selection")) : nullptr;
    if (s != nullptr && s->const_value) {
      selection = &*s->const_value;
    } else if (s != nullptr && s->enum_values && s->enum_values->size() == 1) {
      selection = &s->enum_values->front();
    }
    alt.selections.push_back(selection);
  }
}

}  // namespace

// A cycle of in-place edges ({"$ref": "#"} at the root, or a -> b -> a) would make
// validation recurse forever on the same value, so it is a compile error. Iterative DFS:
// schemas can be deep and recursion here would be unbounded.
core::Result<void> check_in_place_cycles(const CompiledSchema& schema) {
  enum class Mark { kNew, kActive, kDone };
  std::map<const Node*, Mark> marks;
  for (const auto& start : schema.nodes) {
    if (marks[start.get()] != Mark::kNew) continue;
    std::vector<std::pair<const Node*, std::vector<const Node*>>> stack;
    stack.emplace_back(start.get(), in_place(*start));
    marks[start.get()] = Mark::kActive;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next.empty()) {
        marks[node] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const Node* succ = next.back();
      next.pop_back();
      Mark& m = marks[succ];
      if (m == Mark::kActive) {
        const std::string where = node->pointer.empty() ? "the root" : node->pointer;
        return core::Error(core::ErrorCode::kInvalidArgument,
                           "invalid schema at " + where +
                               ": circular reference: the schema refers back to itself "
                               "without descending into the value");
      }
      if (m == Mark::kNew) {
        m = Mark::kActive;
        stack.emplace_back(succ, in_place(*succ));
      }
    }
  }
  return {};
}

void record_selections(CompiledSchema& schema) {
  for (auto& n : schema.nodes) {
    if (n->any_of) fill_selections(*n->any_of);
    if (n->one_of) fill_selections(*n->one_of);
  }
}

}  // namespace sps::schema::detail
