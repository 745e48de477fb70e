#include "schema/validator.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace sps::schema {
namespace {
namespace json = boost::json;

Validator compile_or_fail(std::string_view schema) {
  auto v = Validator::compile(json::parse(schema));
  if (!v) {
    ADD_FAILURE() << "compile failed: " << v.error().message;
    return Validator();
  }
  return *v;
}

std::vector<ValidationError> errors_for(std::string_view schema, std::string_view instance) {
  const Validator v = compile_or_fail(schema);
  const json::value doc = json::parse(instance);
  auto errors = v.validate(doc);
  // The fast path must always agree with the collecting path.
  EXPECT_EQ(v.is_valid(doc), errors.empty()) << instance;
  // The member-name walk may say "maybe", never "none" when validate() reports one.
  if (v.has_only_declared_fields(doc)) {
    for (const auto& e : errors) EXPECT_NE(e.keyword, "additionalProperties") << instance;
  }
  return errors;
}

std::string compile_error(std::string_view schema) {
  auto v = Validator::compile(json::parse(schema));
  if (v) {
    ADD_FAILURE() << "expected a compile error for " << schema;
    return {};
  }
  EXPECT_EQ(v.error().code, core::ErrorCode::kInvalidArgument);
  return v.error().message;
}

TEST(ValidatorTest, ReportsTypeMismatchWithExpectedAndActualType) {
  const auto errors = errors_for(R"({"properties": {"port": {"type": "integer"}}})",
                                 R"({"port": "22"})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "expected integer, got string");
  EXPECT_EQ(errors[0].instance_pointer, "/port");
  EXPECT_EQ(errors[0].schema_pointer, "/properties/port/type");
  EXPECT_EQ(errors[0].keyword, "type");
}

TEST(ValidatorTest, TreatsNumberWithZeroFractionAsInteger) {
  EXPECT_TRUE(errors_for(R"({"type": "integer"})", "1.0").empty());
  const auto errors = errors_for(R"({"type": "integer"})", "1.5");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "expected integer, got number");
}

TEST(ValidatorTest, NamesEveryAllowedTypeWhenSeveralAre) {
  const auto errors = errors_for(R"({"type": ["string", "null"]})", "true");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "expected string or null, got boolean");
}

TEST(ValidatorTest, ListsAllowedValuesOfEnum) {
  const auto errors = errors_for(
      R"({"properties": {"report": {"enum": ["all", "errors-only", "none"]}}})",
      R"({"report": "weekly"})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, R"(value "weekly" is not one of "all", "errors-only", "none")");
  EXPECT_EQ(errors[0].instance_pointer, "/report");
}

TEST(ValidatorTest, ReportsEachUnknownFieldAtItsOwnPointer) {
  const auto errors = errors_for(R"({
      "properties": {"listen": {"type": "array", "items": {
        "type": "object", "properties": {"port": {"type": "integer"}},
        "additionalProperties": false}}}})",
                                 R"({"listen": [{"port": 1}, {"prot": 2, "zzz": 3}]})");
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].instance_pointer, "/listen/1/prot");
  EXPECT_EQ(errors[0].message, R"(unknown field "prot" (not allowed here; did you mean "port"?))");
  EXPECT_EQ(errors[0].keyword, "additionalProperties");
  EXPECT_EQ(errors[1].instance_pointer, "/listen/1/zzz");
  EXPECT_EQ(errors[1].message, R"(unknown field "zzz" (not allowed here))");
}

TEST(ValidatorTest, ReportsMissingRequiredFieldAtTheObject) {
  const auto errors = errors_for(
      R"({"properties": {"target": {"required": ["name", "path"]}}})", R"({"target": {"path": "/x"}})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, R"(missing required field "name")");
  EXPECT_EQ(errors[0].instance_pointer, "/target");
}

TEST(ValidatorTest, ReportsInvalidFormatWithTheValue) {
  const auto errors = errors_for(R"({"format": "ipv4"})", R"("300.1.1.1")");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, R"("300.1.1.1" is not a valid ipv4 address)");
  EXPECT_EQ(errors[0].keyword, "format");
}

TEST(ValidatorTest, IgnoresUnknownFormatsAndKeywords) {
  EXPECT_TRUE(errors_for(R"({"format": "x-sps-unknown", "x-sps": {"path": "a"}})", R"("v")").empty());
}

TEST(ValidatorTest, ReportsNumericBoundsInPlainWords) {
  struct Case {
    std::string_view schema;
    std::string_view instance;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {R"({"minimum": 10})", "9", "must be at least 10"},
      {R"({"maximum": 10})", "10.5", "must be at most 10"},
      {R"({"exclusiveMinimum": 0})", "0", "must be greater than 0"},
      {R"({"exclusiveMaximum": 1.5})", "1.5", "must be less than 1.5"},
      {R"({"multipleOf": 5})", "12", "must be a multiple of 5"},
      {R"({"minLength": 3})", R"("ab")", "must be at least 3 characters long"},
      {R"({"maxLength": 1})", R"("ab")", "must be at most 1 character long"},
      {R"({"minItems": 1})", "[]", "must have at least 1 item"},
      {R"({"maxItems": 2})", "[1, 2, 3]", "must have at most 2 items"},
      {R"({"minProperties": 1})", "{}", "must have at least 1 field"},
      {R"({"pattern": "^[a-z]+$"})", R"("A1")", R"("A1" does not match the pattern "^[a-z]+$")"},
      {R"({"const": "x"})", R"("y")", R"(must be "x", got "y")"},
      {R"({"not": {"type": "string"}})", R"("y")", R"(must not match the schema in "not")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.schema);
    const auto errors = errors_for(c.schema, c.instance);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].message, c.message);
  }
}

TEST(ValidatorTest, CountsCodePointsNotBytes) {
  // "été" is 3 code points in 5 bytes.
  EXPECT_TRUE(errors_for(R"({"maxLength": 3})", "\"\xC3\xA9t\xC3\xA9\"").empty());
  EXPECT_EQ(errors_for(R"({"minLength": 4})", "\"\xC3\xA9t\xC3\xA9\"").size(), 1U);
}

TEST(ValidatorTest, ComparesConstByJsonValue) {
  EXPECT_TRUE(errors_for(R"({"const": {"a": 1, "b": [1.0]}})", R"({"b": [1], "a": 1.0})").empty());
  EXPECT_EQ(errors_for(R"({"const": {"a": 1}})", R"({"a": 1, "b": 2})").size(), 1U);
}

TEST(ValidatorTest, ChecksMultipleOfWithoutFloatingPointNoise) {
  EXPECT_TRUE(errors_for(R"({"multipleOf": 0.1})", "0.3").empty());
  EXPECT_TRUE(errors_for(R"({"multipleOf": 0.01})", "19.99").empty());
  EXPECT_EQ(errors_for(R"({"multipleOf": 0.1})", "0.35").size(), 1U);
}

TEST(ValidatorTest, PointsAtTheSecondOfTwoEqualItems) {
  const auto errors = errors_for(R"({"uniqueItems": true})", R"([1, {"a": 2}, 3, {"a": 2.0}])");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/3");
  EXPECT_EQ(errors[0].message, "duplicate of item 1 (items must be unique)");
}

TEST(ValidatorTest, EscapesMemberNamesInInstancePointers) {
  const auto errors = errors_for(R"({"additionalProperties": {"type": "string"}})", R"({"a/b~c": 1})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/a~1b~0c");
}

TEST(ValidatorTest, ReportsExtraTupleItemsAndBadFieldNames) {
  auto errors = errors_for(R"({"items": [{"type": "string"}], "additionalItems": false})",
                           R"(["a", "b"])");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/1");
  EXPECT_EQ(errors[0].message, "unexpected item (at most 1 item allowed here)");

  errors = errors_for(R"({"propertyNames": {"pattern": "^[a-z_]+$"}})", R"({"ok": 1, "Bad": 2})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/Bad");
  EXPECT_EQ(errors[0].message, R"(invalid field name "Bad": "Bad" does not match the pattern "^[a-z_]+$")");
}

TEST(ValidatorTest, ExplainsDependenciesAndConditionals) {
  auto errors = errors_for(R"({"dependencies": {"username": ["password"]}})", R"({"username": "a"})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, R"(missing field "password" (required when "username" is present))");

  errors = errors_for(R"({"if": {"properties": {"type": {"const": "smb"}}},
                          "then": {"required": ["share"]}, "else": {"required": ["path"]}})",
                      R"({"type": "smb"})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, R"(missing required field "share")");
  EXPECT_EQ(errors[0].schema_pointer, "/then/required");
}

constexpr std::string_view kServerUnion = R"({
  "properties": {"server": {"oneOf": [
    {"type": "object", "required": ["selection", "value"], "additionalProperties": false,
     "properties": {"selection": {"const": "ip"}, "value": {"type": "string", "format": "ipv4"}}},
    {"type": "object", "required": ["selection", "value"], "additionalProperties": false,
     "properties": {"selection": {"const": "fqdn"}, "value": {"type": "string", "format": "hostname"}}}
  ]}}})";

TEST(ValidatorTest, ReportsTheErrorsOfTheBranchWhoseSelectionMatches) {
  const auto errors = errors_for(kServerUnion, R"({"server": {"selection": "ip", "value": "300.1.1.1"}})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/server/value");
  EXPECT_EQ(errors[0].message, R"("300.1.1.1" is not a valid ipv4 address)");
  EXPECT_EQ(errors[0].schema_pointer, "/properties/server/oneOf/0/properties/value/format");
}

TEST(ValidatorTest, ListsTheSelectionsWhenNoneMatches) {
  auto errors = errors_for(kServerUnion, R"({"server": {"selection": "dns", "value": "x"}})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/server/selection");
  EXPECT_EQ(errors[0].message, R"("selection" must be one of "ip", "fqdn", got "dns")");

  errors = errors_for(kServerUnion, R"({"server": {"value": "x"}})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/server");
  EXPECT_EQ(errors[0].message, R"(missing required field "selection" (one of "ip", "fqdn"))");
}

TEST(ValidatorTest, ReportsTheOnlyBranchOfTheRightType) {
  // host_key accepts a plain OpenSSH line or a {selection, value} object.
  constexpr std::string_view kHostKey = R"({"oneOf": [
      {"type": "string", "minLength": 1},
      {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}}}]})";
  auto errors = errors_for(kHostKey, R"({"value": 5})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/value");
  EXPECT_EQ(errors[0].message, "expected string, got integer");

  errors = errors_for(kHostKey, "5");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "expected object or string, got integer");
}

TEST(ValidatorTest, SummarisesEachAlternativeWhenNoneStandsOut) {
  const auto errors = errors_for(R"({"anyOf": [{"minimum": 10}, {"multipleOf": 3}]})", "4");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].keyword, "anyOf");
  EXPECT_EQ(errors[0].message,
            "does not match any alternative of anyOf: (0) must be at least 10; (1) must be a "
            "multiple of 3");
}

TEST(ValidatorTest, ReportsAmbiguousOneOf) {
  const auto errors = errors_for(R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})", "3");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message,
            "matches more than one alternative (oneOf/0 and oneOf/1); it must match exactly one");
}

TEST(ValidatorTest, HidesSecretValuesFromMessages) {
  const Validator v = compile_or_fail(R"({"properties": {
      "password": {"type": "string", "minLength": 30, "pattern": "^[A-Z]"},
      "token": {"writeOnly": true, "enum": ["a"]}}})");
  ValidateOptions options;
  options.is_secret = [](std::string_view pointer) { return pointer == "/password"; };
  const auto errors = v.validate(json::parse(R"({"password": "hunter2", "token": "s3cr3t"})"), options);
  ASSERT_EQ(errors.size(), 3U);
  for (const ValidationError& e : errors) {
    EXPECT_EQ(e.message.find("hunter2"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("s3cr3t"), std::string::npos) << e.message;
  }
  EXPECT_EQ(errors[1].message, R"(<secret> does not match the pattern "^[A-Z]")");
}

TEST(ValidatorTest, ResolvesDefinitionsAndIdAnchors) {
  const Validator v = compile_or_fail(R"({
      "definitions": {
        "port": {"$id": "#port", "type": "integer", "maximum": 65535},
        "nested": {"$id": "http://example.com/nested.json",
                   "definitions": {"name": {"type": "string"}},
                   "properties": {"n": {"$ref": "#/definitions/name"}}}},
      "properties": {
        "a": {"$ref": "#port"},
        "b": {"$ref": "#/definitions/port"},
        "c": {"$ref": "http://example.com/nested.json"}}})");
  EXPECT_TRUE(v.is_valid(json::parse(R"({"a": 22, "b": 443, "c": {"n": "x"}})")));
  const auto errors = v.validate(json::parse(R"({"a": 70000, "c": {"n": 1}})"));
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].instance_pointer, "/a");
  EXPECT_EQ(errors[0].schema_pointer, "/definitions/port/maximum");
  EXPECT_EQ(errors[1].instance_pointer, "/c/n");
}

TEST(ValidatorTest, ValidatesAgainstTheEmbeddedMetaSchemaOffline) {
  const Validator v = compile_or_fail(R"({"$ref": "http://json-schema.org/draft-07/schema#"})");
  EXPECT_TRUE(v.is_valid(json::parse(R"({"type": "string", "minLength": 1})")));
  EXPECT_FALSE(v.is_valid(json::parse(R"({"type": "strnig"})")));
}

TEST(ValidatorTest, RecursesThroughRootReference) {
  const Validator v = compile_or_fail(
      R"({"type": "object", "properties": {"child": {"$ref": "#"}}, "additionalProperties": false})");
  const auto errors = v.validate(json::parse(R"({"child": {"child": {"x": 1}}})"));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].instance_pointer, "/child/child/x");
}

TEST(ValidatorTest, HandlesEdgeCasesOfLaterSuiteVersions) {
  // Cases from newer JSON Schema Test Suite releases than the packaged one.
  struct Case {
    std::string_view name;
    std::string_view schema;
    std::string_view instance;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"ref prevents sibling id changing the base",
       R"({"$id": "http://localhost:1234/sibling_id/base/", "definitions": {
            "foo": {"$id": "http://localhost:1234/sibling_id/foo.json", "type": "string"},
            "base_foo": {"$comment": "canonical uri: http://localhost:1234/sibling_id/base/foo.json",
                         "$id": "foo.json", "type": "number"}},
           "allOf": [{"$comment": "$ref resolves to base_foo, not foo",
                      "$id": "http://localhost:1234/sibling_id/", "$ref": "foo.json"}]})",
       R"("a")", false},
      {"anchor in a subschema with its own base",
       R"({"$id": "http://localhost:1234/root", "allOf": [{"$ref": "http://localhost:1234/nested.json#foo"}],
           "definitions": {"A": {"$id": "nested.json", "definitions": {
             "B": {"$id": "#foo", "type": "integer"}}}}})",
       "1.5", false},
      {"$ref inside enum is data", R"({"definitions": {"s": {"type": "string"}},
                                       "enum": [{"$ref": "#/definitions/s"}]})",
       R"("x")", false},
      {"uniqueItems distinguishes 1 and true", R"({"uniqueItems": true})", "[1, true]", true},
      {"const -0.0 equals 0", R"({"const": -0.0})", "0", true},
      {"huge quotient is not a multiple", R"({"type": "integer", "multipleOf": 0.123456789})",
       "1e308", false},
      {"supplementary plane counts once", R"({"maxLength": 1})", "\"\xF0\x9F\x92\xA9\"", true},
      {"ipv6 zone id is not part of the address", R"({"format": "ipv6"})", R"("fe80::a%eth1")",
       false},
      {"leap second with offset", R"({"format": "time"})", R"("01:29:60+01:30")", true},
      {"escaped member names", R"({"properties": {"foo\nbar": {"type": "number"}}})",
       R"({"foo\nbar": "1"})", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(errors_for(c.schema, c.instance).empty(), c.valid);
  }
}

TEST(ValidatorTest, RejectsAbsurdlyDeepValuesInsteadOfOverflowingTheStack) {
  const Validator v = compile_or_fail(R"({"properties": {"a": {"$ref": "#"}}})");
  const auto nested = [](int depth) {
    json::value doc = json::object();
    for (int i = 0; i < depth; ++i) doc = json::object{{"a", std::move(doc)}};
    return doc;
  };
  EXPECT_TRUE(v.validate(nested(100)).empty());
  const auto errors = v.validate(nested(5000));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "value is nested too deeply to validate");
  EXPECT_FALSE(v.is_valid(nested(5000)));
}

TEST(ValidatorTest, RejectsInvalidRegexAtCompileTime) {
  const std::string message = compile_error(R"({"properties": {"x": {"pattern": "(unclosed"}}})");
  EXPECT_NE(message.find("/properties/x/pattern"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid regular expression"), std::string::npos) << message;
  EXPECT_NE(compile_error(R"({"patternProperties": {"[": {}}})").find("patternProperties"),
            std::string::npos);
}

TEST(ValidatorTest, RejectsDanglingAndRemoteReferences) {
  std::string message = compile_error(R"({"properties": {"x": {"$ref": "#/definitions/nope"}}})");
  EXPECT_NE(message.find("unresolvable reference \"#/definitions/nope\""), std::string::npos)
      << message;
  EXPECT_NE(message.find("/properties/x/$ref"), std::string::npos) << message;

  message = compile_error(R"({"$ref": "https://example.com/schemas/other.json#/a"})");
  EXPECT_NE(message.find("remote reference"), std::string::npos) << message;

  message = compile_error(R"({"$ref": "other.json"})");
  EXPECT_NE(message.find("unresolvable reference \"other.json\""), std::string::npos) << message;
}

TEST(ValidatorTest, RejectsCircularReferences) {
  EXPECT_NE(compile_error(R"({"$ref": "#"})").find("circular reference"), std::string::npos);
  EXPECT_NE(compile_error(R"({"definitions": {"a": {"allOf": [{"$ref": "#/definitions/b"}]},
                                               "b": {"$ref": "#/definitions/a"}},
                              "$ref": "#/definitions/a"})")
                .find("circular reference"),
            std::string::npos);
}

TEST(ValidatorTest, RejectsMalformedKeywords) {
  EXPECT_NE(compile_error(R"({"type": "strnig"})").find("/type"), std::string::npos);
  EXPECT_NE(compile_error(R"({"minLength": -1})").find("non-negative integer"), std::string::npos);
  EXPECT_NE(compile_error(R"({"required": "name"})").find("array of strings"), std::string::npos);
  EXPECT_NE(compile_error(R"({"properties": {"a": 5}})").find("/properties/a"), std::string::npos);
  EXPECT_NE(compile_error(R"({"anyOf": []})").find("non-empty array"), std::string::npos);
  EXPECT_NE(compile_error(R"({"multipleOf": 0})").find("greater than 0"), std::string::npos);
}

TEST(ValidatorTest, CopiesShareOneCompiledSchema) {
  const Validator a = compile_or_fail(R"({"type": "string"})");
  const Validator b = a;  // NOLINT(performance-unnecessary-copy-initialization): the point
  EXPECT_TRUE(b.is_valid(json::parse(R"("x")")));
  EXPECT_FALSE(b.is_valid(json::parse("1")));
}

// Given a union discriminated by a const member (as the SPS backup targets are) and one by
// "selection", expect the member-name walk to prove a well-formed body clean without
// validating it, and to say "maybe" wherever validate() reports an undeclared member
// (errors_for checks every case against validate()).
TEST(ValidatorTest, MemberWalkFindsWhatValidateReportsAsUndeclared) {
  constexpr std::string_view kSchema = R"({"type": "object", "additionalProperties": false,
    "definitions": {"server": {"oneOf": [
      {"type": "object", "additionalProperties": false, "required": ["selection", "value"],
       "properties": {"selection": {"const": "ip"}, "value": {"format": "ipv4"}}},
      {"type": "object", "additionalProperties": false, "required": ["selection", "value"],
       "properties": {"selection": {"const": "fqdn"}, "value": {"format": "hostname"}}}]}},
    "properties": {"name": {"type": "string", "pattern": "^\\S+$"},
      "address": {"$ref": "#/definitions/server"},
      "target": {"oneOf": [
        {"type": "object", "additionalProperties": false, "required": ["type", "server"],
         "properties": {"type": {"const": "nfs"}, "path": {"type": "string"},
                        "server": {"$ref": "#/definitions/server"}}},
        {"type": "object", "additionalProperties": false, "required": ["type"],
         "properties": {"type": {"const": "none"}}}]}}})";
  const Validator v = compile_or_fail(kSchema);
  const auto walk = [&](std::string_view instance) {
    errors_for(kSchema, instance);
    return v.has_only_declared_fields(json::parse(instance));
  };
  EXPECT_TRUE(walk(R"({"name": "n", "address": {"selection": "ip", "value": "10.0.0.1"},
                       "target": {"type": "nfs", "path": "/x",
                                  "server": {"selection": "fqdn", "value": "nfs.example.com"}}})"));
  EXPECT_TRUE(walk(R"({"name": "n", "target": {"type": "none"}})"));
  // Values are not validated: an invalid name or address is still "no undeclared member".
  EXPECT_TRUE(walk(R"({"name": "a b", "target": {"type": "nfs",
                       "server": {"selection": "ip", "value": "not-an-ip"}}})"));
  // Undeclared members validate() reports: at the top, and in the branch "selection" names.
  EXPECT_FALSE(walk(R"({"name": "n", "colour": "red", "target": {"type": "none"}})"));
  constexpr std::string_view kInBranch = R"({"address": {"selection": "ip", "value": "10.0.0.1", "port": 1}})";
  EXPECT_FALSE(walk(kInBranch));
  const auto in_branch = errors_for(kSchema, kInBranch);
  ASSERT_EQ(in_branch.size(), 1U);
  EXPECT_EQ(in_branch[0].keyword, "additionalProperties");
  EXPECT_EQ(in_branch[0].instance_pointer, "/address/port");
  // Inside the const-discriminated union the walk looks at the branch "type" names only, and
  // says "maybe" for a member that branch does not declare (validate() summarizes the union).
  EXPECT_FALSE(walk(R"({"target": {"type": "none", "path": "/x"}})"));
  EXPECT_FALSE(walk(R"({"target": {"type": "nfs", "server": {"selection": "ip", "value": "1.2.3.4"},
                       "colour": "red"}})"));
}

}  // namespace
}  // namespace sps::schema
