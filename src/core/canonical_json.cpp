#include "core/canonical_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace sps::core {
namespace json = boost::json;

namespace {

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
        out += json::serialize(json::string(m->key()));
        out += ':';
        write(m->value(), out);
      }
      out += '}';
      break;
    }
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
      if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -9.0e15 && d < 9.0e15) {
        out += std::to_string(static_cast<std::int64_t>(d));
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
