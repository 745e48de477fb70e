#include "core/canonical_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace sps::core {
namespace json = boost::json;

namespace {

// The bytes a JSON string escapes: `"`, `\\` and the control characters.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Whether any of the 8 bytes of w needs escaping (the classic "has a byte less than n" and
// "has a zero byte" word tricks, exact as a yes/no answer).
constexpr bool word_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };
  const bool control = ((w - kOnes * 0x20) & ~w & kHigh) != 0;
  return control || has_zero(w ^ (kOnes * '"')) || has_zero(w ^ (kOnes * '\\'));
}

// The characters of s as Boost.JSON's serializer escapes them (`"`, `\\`, \b \t \n \f \r,
// other control characters as \u00xx, everything else as is), without the quotes. Runs of
// characters that need no escape are found 8 bytes at a time and appended at once.
void write_escaped(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p != end) {
    const char* run = p;
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      if (word_needs_escape(w)) break;
      p += 8;
    }
    while (p != end && !needs_escape(static_cast<unsigned char>(*p))) ++p;
    out.append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    out += '\\';
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '\b': out += 'b'; break;
      case '\t': out += 't'; break;
      case '\n': out += 'n'; break;
      case '\f': out += 'f'; break;
      case '\r': out += 'r'; break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
}

// A string literal as Boost.JSON's serializer writes it, without the temporary json::string
// and std::string a call to json::serialize costs per key and value.
void write_string(std::string_view s, std::string& out) {
  out += '"';
  write_escaped(s, out);
  out += '"';
}

template <typename Int>
void write_integer(Int n, std::string& out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, end);
}

void write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      const auto& obj = v.get_object();
      // The members in key order, on the stack for the usual small object; most objects of
      // one template are already in order, so the sort is skipped when it has nothing to do.
      constexpr std::size_t kSmall = 16;
      std::array<const json::key_value_pair*, kSmall> small;
      std::vector<const json::key_value_pair*> large;
      const json::key_value_pair** members = small.data();
      if (obj.size() > kSmall) {
        large.resize(obj.size());
        members = large.data();
      }
      std::size_t count = 0;
      for (const auto& m : obj) members[count++] = &m;
      const auto by_key = [](const auto* a, const auto* b) { return a->key() < b->key(); };
      if (!std::is_sorted(members, members + count, by_key)) std::sort(members, members + count, by_key);
      out += '{';
      bool first = true;
      for (const auto* m : std::span(members, count)) {
        if (!first) out += ',';
        first = false;
        write_string(m->key(), out);
        out += ':';
        write(m->value(), out);
      }
      out += '}';
      break;
    }
    case json::kind::string: write_string(v.get_string(), out); break;
    case json::kind::int64: write_integer(v.get_int64(), out); break;
    case json::kind::uint64: write_integer(v.get_uint64(), out); break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::null: out += "null"; break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(e, out);
      }
      out += ']';
      break;
    }
    case json::kind::double_: {
      // Integral doubles print as integers so that 1.0 and 1 are canonically equal.
      const double d = v.get_double();
      // The range first: converting a double outside int64's range is undefined behaviour.
      if (d > -9.0e15 && d < 9.0e15 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
        write_integer(static_cast<std::int64_t>(d), out);
      } else {
        out += json::serialize(v);
      }
      break;
    }
    default:
      out += json::serialize(v);
  }
}

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

double v_to_double(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

}  // namespace

std::string canonical_json(const json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

void append_canonical_json(const json::value& v, std::string& out) { write(v, out); }

void append_json_string(std::string_view s, std::string& out) { write_string(s, out); }

void append_json_string_chars(std::string_view s, std::string& out) { write_escaped(s, out); }

bool json_equal(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) return v_to_double(a) == v_to_double(b);
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto& oa = a.get_object();
    const auto& ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    // Bodies written from one template list their members in the same order: the member at
    // the same position is tried before a lookup by key (keys are unique in an object).
    auto same_position = ob.begin();
    for (const auto& m : oa) {
      const json::value* other = nullptr;
      if (same_position->key() == m.key()) {
        other = &same_position->value();
      } else if (auto it = ob.find(m.key()); it != ob.end()) {
        other = &it->value();
      } else {
        return false;
      }
      ++same_position;
      if (!json_equal(m.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto& xa = a.get_array();
    const auto& xb = b.get_array();
    if (xa.size() != xb.size()) return false;
    for (std::size_t i = 0; i < xa.size(); ++i) {
      if (!json_equal(xa[i], xb[i])) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace sps::core
