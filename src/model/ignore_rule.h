#pragma once
// Ignore rules ("sps-apply: ignore:" in the desired state, `drift --ignore`): which
// differences drift reports as ignored instead of drift. Pure.
#include "catalog/catalog.h"
#include "core/error.h"
#include "model/model.h"

#include <string>
#include <string_view>

namespace sps::model {

/// A parsed ignore rule. An empty name matches every item; an empty pointer the whole body.
struct IgnoreRule {
  std::string text;  // as written, for reports
  std::string kind;
  std::string name;
  std::string pointer;

  /// Whether the rule covers the field at `pointer` of the resource at `address` ("" = the
  /// resource itself: only rules without a pointer cover it).
  bool matches(const model::Address& address, std::string_view pointer) const;
};

/// Parses "kind[name]/pointer", "kind/pointer", "kind[name]" or "kind". The kind is the
/// longest catalog path that prefixes the rule (kind paths contain "/"). Fails naming the
/// rule, with how to write it as the detail: kNotFound for an unknown kind, kInvalidArgument
/// for a malformed rule.
core::Result<IgnoreRule> parse_ignore_rule(std::string_view text, const catalog::Catalog& catalog);

}  // namespace sps::model
