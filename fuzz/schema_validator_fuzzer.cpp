// libFuzzer target: the JSON Schema compiler and validator on arbitrary schemas and
// instances, and the catalog's schemas on arbitrary instances.
#include "fuzz_targets.h"

#include "catalog/catalog.h"
#include "schema/validator.h"

#include <boost/json/parse.hpp>

#include <optional>
#include <vector>

namespace sps::fuzz {
namespace {
namespace json = boost::json;

// Parses with the error_code overload: malformed JSON is an expected, uninteresting input.
std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

// The catalog's validators, compiled once (they are immutable and the catalog never changes).
const std::vector<schema::Validator>& catalog_validators() {
  static const std::vector<schema::Validator> validators = [] {
    std::vector<schema::Validator> out;
    for (const auto& kind : catalog::Catalog::builtin().kinds()) {
      auto v = schema::Validator::compile(kind.schema);
      check(static_cast<bool>(v), "a catalog schema does not compile");
      out.push_back(*v);
    }
    return out;
  }();
  return validators;
}

void validate_consistently(const schema::Validator& validator, const json::value& instance) {
  const auto errors = validator.validate(instance);
  // is_valid may take a fast path; it must agree with the full report.
  check(errors.empty() == validator.is_valid(instance), "is_valid disagrees with validate");
  for (const auto& e : errors) check(!e.message.empty(), "a validation error without a message");
  // The member-name walk may answer "maybe"; "none" must mean validate() reports none.
  if (validator.has_only_declared_fields(instance)) {
    for (const auto& e : errors) {
      check(e.keyword != "additionalProperties", "has_only_declared_fields missed an undeclared member");
    }
  }
}

}  // namespace

void run_schema_validator(std::string_view data) {
  const std::size_t nul = data.find('\0');
  const std::string_view schema_text = data.substr(0, nul);
  const std::string_view instance_text =
      nul == std::string_view::npos ? schema_text : data.substr(nul + 1);

  const auto instance = parse_json(instance_text);
  if (instance) {
    for (const auto& validator : catalog_validators()) validate_consistently(validator, *instance);
  }
  const auto schema_doc = parse_json(schema_text);
  if (!schema_doc) return;
  auto compiled = schema::Validator::compile(*schema_doc);
  if (!compiled) {
    check(!compiled.error().message.empty(), "a compile error without a message");
    return;
  }
  if (instance) validate_consistently(*compiled, *instance);
}

}  // namespace sps::fuzz

#ifdef SPS_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sps::fuzz::run_schema_validator({reinterpret_cast<const char*>(data), size});
  return 0;
}
#endif
