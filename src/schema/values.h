#pragma once
// Internal to schema/: JSON value helpers with JSON Schema semantics. Numbers compare by
// value whatever their Boost.JSON kind (1 == 1.0 == 1u), objects ignore member order.
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace sps::schema::detail {

/// JSON Schema equality ("const", "enum", "uniqueItems").
bool json_equal(const boost::json::value& a, const boost::json::value& b);

/// True for numbers with a zero fractional part (1, 1.0, 1e3).
bool is_integer(const boost::json::value& v);

/// True when v is of one of the types in `types`, a mask of compiled.h's kType* bits
/// ("integer" also matches a number with a zero fractional part).
bool type_matches(unsigned types, const boost::json::value& v);

/// Compares two numbers: negative, zero or positive. Exact for 64-bit integers.
int compare_numbers(const boost::json::value& a, const boost::json::value& b);

/// True when number is an integer multiple of divisor (> 0), tolerating the rounding
/// error of binary floating point (0.0075 is a multiple of 0.0001).
bool is_multiple_of(const boost::json::value& number, const boost::json::value& divisor);

/// "integer" or "number" for numbers, else the JSON type name ("string", "object", ...).
std::string_view type_name(const boost::json::value& v);

/// Compact JSON text for messages, numbers in shortest form ("10", not "1E1"), cut
/// with "..." beyond max_chars.
std::string render_value(const boost::json::value& v, std::size_t max_chars = 80);

/// Number of Unicode code points in UTF-8 text (what minLength/maxLength count).
std::size_t utf8_length(std::string_view text);

}  // namespace sps::schema::detail
