#pragma once
// Internal to schema/: evaluates a compiled Node graph against one instance. Two modes
// share one code path: with an error sink it collects every violation (with messages),
// without one it stops at the first failure and builds no strings, which is what anyOf,
// oneOf, not, if and contains use to probe their branches cheaply.
#include "schema/compiled.h"
#include "schema/validator.h"

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sps::schema::detail {

/// Where a value is in the instance, as a linked list of steps on the C++ stack; turned
/// into a JSON pointer string only when an error is reported.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // object member name, unless is_index
  std::size_t index = 0;
  bool is_index = false;
};

/// The JSON pointer for path ("" for the root).
std::string to_pointer(const Path* path);

/// "string or null" for a TypeBit set (integer is folded into number when both are set).
std::string expected_types(unsigned types);

/// One evaluation of a schema against an instance.
class Evaluator {
 public:
  using Errors = std::vector<ValidationError>;

  explicit Evaluator(const ValidateOptions* options) : m_options(options) {}

  /// True when v is valid against n. When out is non-null, appends every violation.
  bool validate(const Node& n, const boost::json::value& v, const Path* path, Errors* out) const;

 private:
  bool check_string(const Node& n, const boost::json::value& v, const Path* path,
                    Errors* out) const;
  bool check_number(const Node& n, const boost::json::value& v, const Path* path,
                    Errors* out) const;
  bool check_array(const Node& n, const boost::json::array& a, const Path* path,
                   Errors* out) const;
  bool check_object(const Node& n, const boost::json::value& v, const Path* path,
                    Errors* out) const;
  bool check_combinators(const Node& n, const boost::json::value& v, const Path* path,
                         Errors* out) const;

  /// Reports why v matches none of alt's branches, as specifically as is unambiguous
  /// (defined in alternatives.cpp).
  void report_alternatives(const Node& n, const Alternatives& alt, std::string_view keyword,
                           const boost::json::value& v, const Path* path, Errors* out) const;

  void report(Errors* out, const Path* path, const Node& n, std::string_view keyword,
              std::string message) const;

  /// The value as JSON text for a message, or "<secret>" when it must stay hidden.
  std::string quote(const Node& n, const boost::json::value& v, const Path* path) const;

  const ValidateOptions* m_options;
  // Nesting of validate() calls. A recursive schema ("$ref": "#" under "properties") follows
  // the instance as deep as it goes; the limit turns absurd nesting into an error instead
  // of a stack overflow. An Evaluator lives for one validate() call on one thread.
  mutable std::size_t m_depth = 0;
};

/// False when Evaluator::validate(root, instance) with an error sink could report an
/// additionalProperties error; true when it certainly reports none (members.cpp).
bool has_only_declared_fields(const Node& root, const boost::json::value& instance);

/// Deepest nesting of schema evaluations before a value is rejected as too deeply nested.
inline constexpr std::size_t kMaxEvaluationDepth = 512;

}  // namespace sps::schema::detail
