#pragma once
// Internal to schema/: the compiled form of a JSON Schema document. compile() turns the
// document into a graph of Nodes once (keywords parsed, regexes built, $refs resolved to
// node pointers), so validation never re-reads the schema JSON. Not a public interface:
// only the schema module's own sources include it.
#include "core/error.h"
#include "schema/formats.h"
#include "schema/regex.h"

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sps::schema::detail {

/// Bit set of JSON types named by the "type" keyword.
enum TypeBit : unsigned {
  kTypeNull = 1U << 0,
  kTypeBoolean = 1U << 1,
  kTypeObject = 1U << 2,
  kTypeArray = 1U << 3,
  kTypeNumber = 1U << 4,
  kTypeString = 1U << 5,
  kTypeInteger = 1U << 6,
};

struct Node;

/// One "dependencies" entry: either a list of required member names or a schema.
struct Dependency {
  std::string name;
  std::vector<std::string> required;
  const Node* schema = nullptr;
};

/// The alternatives of an anyOf/oneOf, with the "selection" discriminator each one
/// requires (properties.selection.const), or nullptr when the branch has none.
struct Alternatives {
  std::vector<const Node*> branches;
  std::vector<const boost::json::value*> selections;
};

/// One compiled (sub)schema. Absent keywords are empty optionals / null pointers; a node
/// with a $ref ignores every sibling keyword, as draft 7 requires.
struct Node {
  std::string pointer;                 // where the schema is, "#"-less JSON pointer
  std::optional<bool> boolean_schema;  // true/false schemas
  const Node* ref = nullptr;
  bool write_only = false;  // "writeOnly": true; values here are never quoted in messages

  unsigned types = 0;  // TypeBit set; 0 = no "type" keyword
  std::optional<boost::json::value> const_value;
  std::optional<boost::json::array> enum_values;

  // Numbers. Bounds keep the schema's own JSON number so comparisons stay exact.
  std::optional<boost::json::value> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<boost::json::value> multiple_of;

  // Strings.
  std::optional<std::size_t> min_length, max_length;
  std::optional<Regex> pattern;
  Format format = Format::kNone;

  // Arrays.
  const Node* items = nullptr;           // schema form
  std::vector<const Node*> tuple_items;  // tuple form
  bool items_is_tuple = false;
  const Node* additional_items = nullptr;
  const Node* contains = nullptr;
  std::optional<std::size_t> min_items, max_items;
  bool unique_items = false;

  // Objects. properties is sorted by property_order for binary search.
  std::vector<std::pair<std::string, const Node*>> properties;
  std::vector<std::string> required;
  std::vector<std::pair<Regex, const Node*>> pattern_properties;
  const Node* additional_properties = nullptr;
  const Node* property_names = nullptr;
  std::vector<Dependency> dependencies;
  std::optional<std::size_t> min_properties, max_properties;

  // Combinators. has_applicators is false when all of them are absent (a fast path).
  bool has_applicators = false;
  std::vector<const Node*> all_of;
  std::optional<Alternatives> any_of, one_of;
  const Node* not_schema = nullptr;
  const Node* if_schema = nullptr;
  const Node* then_schema = nullptr;
  const Node* else_schema = nullptr;

  /// The schema of member `name` from "properties", or nullptr.
  const Node* property(std::string_view name) const;
};

/// The order of Node::properties: by length, then bytes.
bool property_order(std::string_view a, std::string_view b);

/// Owns every node of one compiled schema; root is the document's top-level schema.
struct CompiledSchema {
  std::vector<std::unique_ptr<Node>> nodes;
  const Node* root = nullptr;
};

/// Compiles a schema document (see Validator::compile for the failure cases).
core::Result<std::shared_ptr<const CompiledSchema>> compile_schema(const boost::json::value& doc);

/// Fails (kInvalidArgument) when "$ref"/allOf/anyOf/... form a cycle that never descends
/// into the instance; validation would recurse forever on such a schema.
core::Result<void> check_in_place_cycles(const CompiledSchema& schema);

/// Fills Alternatives::selections of every anyOf/oneOf (run once refs are resolved).
void record_selections(CompiledSchema& schema);

/// The embedded draft-07 meta-schema text, so "$ref": "http://json-schema.org/draft-07/schema#"
/// resolves without a network.
std::string_view draft7_metaschema_text();

}  // namespace sps::schema::detail
