#include "core/canonical_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

namespace sps::core {
namespace json = boost::json;

namespace {

// A string as Boost.JSON's serializer writes it (the same escapes, byte for byte: `"`, `\\`,
// \b \t \n \f \r, other control characters as \u00xx, everything else as is), without the
// temporary json::string and std::string a call to json::serialize costs per key and value.
void write_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
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
  out.append(s.data() + plain, s.size() - plain);
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
      std::vector<const json::key_value_pair*> members;
      members.reserve(obj.size());
      for (const auto& m : obj) members.push_back(&m);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (const auto* m : members) {
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

bool json_equal(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) return v_to_double(a) == v_to_double(b);
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto& oa = a.get_object();
    const auto& ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    for (const auto& m : oa) {
      auto it = ob.find(m.key());
      if (it == ob.end() || !json_equal(m.value(), it->value())) return false;
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
