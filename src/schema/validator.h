#pragma once
// A JSON Schema draft-7 validator on Boost.JSON. Supports: type, enum, const, properties,
// required, additionalProperties, patternProperties, propertyNames, dependencies,
// items/additionalItems, contains, min/max (Length, Items, Properties), minimum/maximum,
// exclusiveMinimum/exclusiveMaximum, multipleOf, uniqueItems, pattern, format (ipv4, ipv6,
// hostname, uri, uri-reference, date, time, date-time, email, regex, json-pointer,
// relative-json-pointer; see formats.h), allOf/anyOf/oneOf/not, if/then/else, $ref with
// local JSON pointers, definitions and "$id" (base URIs and "#name" anchors) inside the
// document, boolean schemas. The draft-07 meta-schema is embedded, so a "$ref" to
// http://json-schema.org/draft-07/schema# works offline.
// Unknown keywords (x-sps, description, ...) and unknown formats are ignored, as the spec
// requires. Integers are numbers with a zero fraction (1.0 is an integer); minLength and
// maxLength count Unicode code points; "pattern" is ECMA-262 translated to RE2 (regex.h):
// linear-time matching on code points; lookaround and backreferences fail compile().
// No I/O: remote $refs are not fetched (compile fails on them).
//
// Example:
//   auto v = Validator::compile(schema_json);           // once, at startup
//   if (!v) return v.error();                           // kInvalidArgument, says where
//   for (const ValidationError& e : v->validate(body))  // per body; fast, thread-safe
//     diagnostics.error(location_of(e.instance_pointer), e.message);
// Messages are one line, lower case, no trailing period, and name the value or field:
//   expected integer, got string
//   value "weekly" is not one of "all", "errors-only", "none"
//   unknown field "prot" (not allowed here; did you mean "port"?)
//   missing required field "name"              (instance_pointer = the object)
//   "300.1.1.1" is not a valid ipv4 address
//   must be at least 10
//   "selection" must be one of "ip", "fqdn", got "dns"
// Values are quoted in messages unless ValidateOptions::is_secret (or "writeOnly": true
// in the schema) marks them secret; then they read <secret>.
#include "core/error.h"

#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sps::schema {

/// One violation. instance_pointer locates the offending value in the validated document
/// (for additionalProperties: the unknown member itself, e.g. "/listen/0/prot"), so callers
/// can map it to a file:line:col. keyword is the failing keyword ("type", "enum", ...).
struct ValidationError {
  std::string instance_pointer;
  std::string schema_pointer;
  std::string keyword;
  std::string message;  // human-readable, e.g. "expected integer, got string"
};

/// Options for one validate() call.
struct ValidateOptions {
  /// Returns true for instance pointers (e.g. "/target/authentication/password") whose
  /// values are secret: messages about them say <secret> instead of quoting the value.
  /// Values validated by a subschema with "writeOnly": true are always hidden as well.
  std::function<bool(std::string_view instance_pointer)> is_secret;
};

/// A compiled schema. Cheap to copy (shared, immutable); safe to use from several threads.
class Validator {
 public:
  /// Compiles a schema document. Fails with kInvalidArgument on a malformed schema, an
  /// unresolvable or remote $ref, or an invalid regular expression.
  static core::Result<Validator> compile(const boost::json::value& schema);

  /// compile(), at most once per process for each distinct schema document (the same
  /// content, wherever it is stored: the builtin catalog and the catalogs joined from it
  /// hold copies). Later calls with an equal document return the first result, also a
  /// failure. Thread-safe; callers in different modules share the compiled schemas, so a
  /// plan compiles each kind it uses once, however many steps validate with it.
  static core::Result<Validator> compile_cached(const boost::json::value& schema);

  /// All violations (empty = valid). For anyOf/oneOf failures, reports the branch errors
  /// that are most specific where that is unambiguous (e.g. the branch whose "selection"
  /// const matched), else one error for the combinator itself.
  std::vector<ValidationError> validate(const boost::json::value& instance) const;
  /// Same, hiding secret values from the messages as options.is_secret says.
  std::vector<ValidationError> validate(const boost::json::value& instance,
                                        const ValidateOptions& options) const;

  bool is_valid(const boost::json::value& instance) const;

  /// True when validate(instance) certainly reports no "additionalProperties" error (no
  /// undeclared member anywhere validation would look); false when it may, and then only
  /// validate() can tell. Looks at member names and union discriminators, not at values,
  /// so it is several times cheaper than is_valid() on a large body.
  bool has_only_declared_fields(const boost::json::value& instance) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> m_impl;
};

}  // namespace sps::schema
