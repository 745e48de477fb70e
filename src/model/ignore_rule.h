#pragma once
// Ignore rules ("sps-apply: ignore:" in the desired state, `drift --ignore`): which
// differences drift reports as ignored instead of drift. Pure.
#include "catalog/catalog.h"
#include "core/error.h"
#include "model/model.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// Where a pointer leaves a kind's schema: the first token no body of the kind can have, the
/// pointer above it, and the member names the schema allows there (every branch of a union;
/// empty when the value there is not an object).
struct SchemaMiss {
  std::string token;
  std::string parent;  // "" for the top of the body
  std::vector<std::string> allowed;  // sorted
  bool in_list = false;  // the value there is a list: the token must be an index or "*"
};

/// The place where `pointer` ("*" matching any member or element) leaves `kind`'s schema, or
/// nullopt when some body of the kind can have it. Follows "$ref", "oneOf", "anyOf",
/// "allOf", "properties", "additionalProperties" and "items"; a schema that does not
/// constrain a value (no type, or open members) accepts everything below it. Kinds without a
/// schema file (discovered from the appliance) accept every pointer: their shape is unknown.
std::optional<SchemaMiss> schema_miss(const catalog::Kind& kind, std::string_view pointer);

/// Parses "kind[name]/pointer", "kind/pointer", "kind[name]" or "kind". The kind is the
/// longest catalog path that prefixes the rule (kind paths contain "/"). Fails naming the
/// rule, with how to write it as the detail: kNotFound for an unknown kind, kInvalidArgument
/// for a malformed rule or a pointer the kind's schema cannot have (schema_miss; the detail
/// lists the fields there; `miss`, when given, receives the SchemaMiss for a did-you-mean).
core::Result<IgnoreRule> parse_ignore_rule(std::string_view text, const catalog::Catalog& catalog,
                                           SchemaMiss* miss = nullptr);

}  // namespace sps::model
