#pragma once
// RFC 6901 JSON pointers over Boost.JSON values, plus the catalog's pattern form where a
// "*" token matches every array element (or every object member).
#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sps::core {

/// Splits "/a/b~1c/0" into {"a", "b/c", "0"}. "" is the root (no tokens).
std::vector<std::string> split_pointer(std::string_view pointer);

/// Escapes one token ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(std::string_view token);

/// Joins a parent pointer and one unescaped token.
std::string append_pointer(std::string_view parent, std::string_view token);

/// Returns the value at pointer, or nullptr when any step is missing.
const boost::json::value* find_pointer(const boost::json::value& root, std::string_view pointer);
boost::json::value* find_pointer(boost::json::value& root, std::string_view pointer);

/// Removes the member or array element at pointer. Returns false when nothing is there.
bool erase_pointer(boost::json::value& root, std::string_view pointer);

/// Calls fn(concrete_pointer, value) for every value matching a pattern in which "*"
/// matches every element of an array or member of an object. Missing paths match nothing.
void for_each_match(const boost::json::value& root, std::string_view pattern,
                    const std::function<void(const std::string&, const boost::json::value&)>& fn);
void for_each_match(boost::json::value& root, std::string_view pattern,
                    const std::function<void(const std::string&, boost::json::value&)>& fn);

/// Whether some value matching a pattern ("*" as in for_each_match) satisfies `accept`
/// (any value when accept is null). Stops at the first one and builds no pointer.
bool any_match(const boost::json::value& root, std::string_view pattern,
               bool (*accept)(const boost::json::value&) = nullptr);

/// True when a concrete pointer matches a pattern (same number of tokens, "*" matches any).
bool pointer_matches(std::string_view pattern, std::string_view pointer);

}  // namespace sps::core
