#pragma once
// ECMA-262 regular expressions for "pattern", "patternProperties" and format "regex",
// on std::regex (ECMAScript grammar). std::regex matches bytes, not code points, so a
// "." consumes one byte of a multi-byte UTF-8 character; schemas here use ASCII patterns.
#include "core/error.h"

#include <regex>
#include <string_view>

namespace sps::schema {

/// Compiles an ECMA-262 pattern. Fails with kInvalidArgument (message says why) on a
/// syntax error, including escapes such as "\Z" that ECMA-262 does not define.
core::Result<std::regex> compile_regex(std::string_view pattern);

/// ECMA-262 "test" semantics: the pattern may match anywhere (it is not anchored).
bool regex_search(const std::regex& re, std::string_view text);

}  // namespace sps::schema
