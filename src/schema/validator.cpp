#include "schema/validator.h"

#include "schema/compiled.h"
#include "schema/evaluator.h"

#include <boost/json/serialize.hpp>

#include <map>
#include <mutex>

namespace sps::schema {

/// The shared, immutable compiled schema behind every copy of a Validator.
struct Validator::Impl {
  std::shared_ptr<const detail::CompiledSchema> schema;
};

core::Result<Validator> Validator::compile(const boost::json::value& schema) {
  auto compiled = detail::compile_schema(schema);
  if (!compiled) return compiled.error();
  Validator v;
  v.m_impl = std::make_shared<const Impl>(Impl{std::move(*compiled)});
  return v;
}

core::Result<Validator> Validator::compile_cached(const boost::json::value& schema) {
  // Keyed by the document's text: serializing costs a small fraction of compiling, and
  // equal text means an equal schema, whichever copy of the catalog it came from. Discovered
  // kinds' schemas are tiny and few, so the map stays small.
  // Never destroyed (reachable to the end, so not a leak): freeing the compiled schemas at
  // exit is work for nobody.
  static std::mutex mutex;
  static auto& cache = *new std::map<std::string, core::Result<Validator>, std::less<>>;
  std::string key = boost::json::serialize(schema);
  const std::lock_guard lock(mutex);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  return cache.emplace(std::move(key), compile(schema)).first->second;
}

std::vector<ValidationError> Validator::validate(const boost::json::value& instance) const {
  return validate(instance, ValidateOptions{});
}

std::vector<ValidationError> Validator::validate(const boost::json::value& instance,
                                                 const ValidateOptions& options) const {
  std::vector<ValidationError> errors;
  // A default-constructed Validator (never compiled) accepts everything, like the "true"
  // schema; compile() is the only way to get a restrictive one.
  if (m_impl == nullptr) return errors;
  detail::Evaluator(&options).validate(*m_impl->schema->root, instance, nullptr, &errors);
  return errors;
}

bool Validator::is_valid(const boost::json::value& instance) const {
  if (m_impl == nullptr) return true;
  return detail::Evaluator(nullptr).validate(*m_impl->schema->root, instance, nullptr, nullptr);
}

bool Validator::has_only_declared_fields(const boost::json::value& instance) const {
  if (m_impl == nullptr) return true;
  return detail::has_only_declared_fields(*m_impl->schema->root, instance);
}

}  // namespace sps::schema
