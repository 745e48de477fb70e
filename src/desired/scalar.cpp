#include "desired/scalar.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>

namespace sps::desired {
namespace json = boost::json;

namespace {

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

// Integer of the YAML 1.2 core schema: [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+.
std::optional<json::value> parse_integer(std::string_view s) {
  int base = 10;
  bool negative = false;
  std::string_view digits = s;
  if (s.starts_with("0x")) {
    base = 16;
    digits = s.substr(2);
  } else if (s.starts_with("0o")) {
    base = 8;
    digits = s.substr(2);
  } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    digits = s.substr(1);
  }
  if (digits.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Too large for 64 bits: keep the magnitude as a double, as JSON parsers do.
    double d = 0;
    auto [dend, dec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (base != 10 || dec != std::errc() || dend != digits.data() + digits.size()) return std::nullopt;
    return json::value(negative ? -d : d);
  }
  if (ec != std::errc()) return std::nullopt;
  if (!negative) {
    if (magnitude <= static_cast<std::uint64_t>(INT64_MAX)) return json::value(static_cast<std::int64_t>(magnitude));
    return json::value(magnitude);
  }
  if (magnitude <= static_cast<std::uint64_t>(INT64_MAX)) return json::value(-static_cast<std::int64_t>(magnitude));
  return json::value(-static_cast<double>(magnitude));
}

// Float of the YAML 1.2 core schema, restricted to what JSON can hold (no .inf / .nan).
std::optional<json::value> parse_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double d = 0;
  std::string text(s.front() == '+' ? s.substr(1) : s);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return json::value(d);
}

// A plain (unquoted) scalar typed the YAML 1.2 core-schema way.
}  // namespace

json::value type_plain_scalar(const std::string& s) {
  if (is_one_of(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (is_one_of(s, {"true", "True", "TRUE"})) return true;
  if (is_one_of(s, {"false", "False", "FALSE"})) return false;
  if (auto i = parse_integer(s)) return *i;
  if (auto f = parse_float(s)) return *f;
  return json::value(s);
}

}  // namespace sps::desired
