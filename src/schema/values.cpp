#include "schema/values.h"

#include "schema/compiled.h"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace sps::schema::detail {
namespace json = boost::json;

bool json_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!json_equal(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const json::object& x = a.get_object();
      const json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& member : x) {
        const json::value* other = y.if_contains(member.key());
        if (other == nullptr || !json_equal(member.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;  // null, bool, string
  }
}

bool is_integer(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  if (!v.is_double()) return false;
  const double d = v.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool type_matches(unsigned types, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return (types & kTypeNull) != 0;
    case json::kind::bool_: return (types & kTypeBoolean) != 0;
    case json::kind::string: return (types & kTypeString) != 0;
    case json::kind::array: return (types & kTypeArray) != 0;
    case json::kind::object: return (types & kTypeObject) != 0;
    default: return (types & kTypeNumber) != 0 || ((types & kTypeInteger) != 0 && is_integer(v));
  }
}


int compare_numbers(const json::value& a, const json::value& b) {
  // Integer kinds compare exactly; anything involving a double compares as double, which
  // is what the JSON text meant anyway (Boost.JSON parses non-integers as double).
  if (a.is_int64() && b.is_int64()) {
    const std::int64_t x = a.get_int64(), y = b.get_int64();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_uint64() && b.is_uint64()) {
    const std::uint64_t x = a.get_uint64(), y = b.get_uint64();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_int64() && b.is_uint64()) {
    if (a.get_int64() < 0) return -1;
    const auto x = static_cast<std::uint64_t>(a.get_int64());
    return x < b.get_uint64() ? -1 : (x > b.get_uint64() ? 1 : 0);
  }
  if (a.is_uint64() && b.is_int64()) return -compare_numbers(b, a);
  const double x = a.to_number<double>();
  const double y = b.to_number<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool is_multiple_of(const json::value& number, const json::value& divisor) {
  if ((number.is_int64() || number.is_uint64()) && divisor.is_int64() && divisor.get_int64() > 0) {
    const auto d = static_cast<std::uint64_t>(divisor.get_int64());
    if (number.is_uint64()) return number.get_uint64() % d == 0;
    const std::int64_t n = number.get_int64();
    const std::uint64_t magnitude =
        n < 0 ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
    return magnitude % d == 0;
  }
  const double n = number.to_number<double>();
  const double d = divisor.to_number<double>();
  const double quotient = n / d;
  // An overflowing quotient (1e308 / 0.123) cannot be checked; treat it as "not a
  // multiple" rather than accept it.
  if (!std::isfinite(quotient)) return false;
  // fmod on binary fractions is inexact (0.0075 / 0.0001 = 74.99999999999999); accept a
  // quotient within a relative 1e-12 of an integer, far below what a config value needs.
  return std::fabs(quotient - std::nearbyint(quotient)) <= 1e-12 * std::fmax(1.0, std::fabs(quotient));
}

std::string_view type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return is_integer(v) ? "integer" : "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "value";
}

namespace {

void render(const json::value& v, std::string& out, std::size_t limit) {
  if (out.size() > limit) return;
  switch (v.kind()) {
    case json::kind::double_: {
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, v.get_double());
      out.append(buf, res.ptr);
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        render(e, out, limit);
        if (out.size() > limit) return;
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        out += json::serialize(json::string_view(member.key()));
        out += ": ";
        render(member.value(), out, limit);
        if (out.size() > limit) return;
      }
      out += '}';
      return;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

std::string render_value(const json::value& v, std::size_t max_chars) {
  std::string out;
  render(v, out, max_chars);
  if (out.size() > max_chars) {
    // Cut on a UTF-8 boundary so the message stays valid text.
    std::size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

}  // namespace sps::schema::detail
