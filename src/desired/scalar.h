#pragma once
// Typing of plain (unquoted) YAML scalars by the YAML 1.2 core schema, shared by the loader.
// Pure; independent of yaml-cpp (which hands every scalar over as text).
#include <boost/json/value.hpp>

#include <string>

namespace sps::desired {

/// null for "", "~", "null"/"Null"/"NULL"; booleans for true/false in those three spellings;
/// integers for [-+]?[0-9]+, 0o[0-7]+ and 0x[0-9a-fA-F]+; floats for decimal/exponent forms;
/// anything else (including YAML 1.1's yes/no and 10:10) stays a string. .inf and .nan stay
/// strings because JSON cannot hold them.
boost::json::value type_plain_scalar(const std::string& text);

}  // namespace sps::desired
