#pragma once
// Canonical JSON text: object members sorted by key, no insignificant white space, numbers
// as Boost.JSON prints them. Equal values give equal text, so it can be hashed and
// compared byte for byte (plan fingerprints, simulator snapshots).
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace sps::core {

std::string canonical_json(const boost::json::value& v);

/// canonical_json(v) appended to out (one buffer for many values).
void append_canonical_json(const boost::json::value& v, std::string& out);

/// A JSON string literal for s, escaped as Boost.JSON's serializer escapes it.
void append_json_string(std::string_view s, std::string& out);

/// The characters of that literal without its quotes: escaping is per character, so the
/// literal of a concatenation is written piece by piece ("kind[name]" without building it).
void append_json_string_chars(std::string_view s, std::string& out);

/// JSON equality where object member order is irrelevant and 1 == 1.0 (Boost.JSON's
/// operator== distinguishes int64 from double).
bool json_equal(const boost::json::value& a, const boost::json::value& b);

}  // namespace sps::core
