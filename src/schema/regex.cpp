#include "schema/regex.h"

#include <string>

namespace sps::schema {
namespace {

// std::regex treats an unknown letter escape ("\Z", "\A") as the letter itself, while
// ECMA-262 (unicode mode, which JSON Schema follows) rejects it; such patterns usually
// come from other regex dialects and would silently match the wrong thing, so we refuse.
bool has_unknown_letter_escape(std::string_view pattern) {
  static constexpr std::string_view kKnown = "dDwWsSbBfnrtvcxuk";
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    const char next = pattern[i + 1];
    const bool letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
    if (letter && kKnown.find(next) == std::string_view::npos) return true;
    ++i;  // skip the escaped character, so "\\\\Z" is a backslash then "Z"
  }
  return false;
}

}  // namespace

core::Result<std::regex> compile_regex(std::string_view pattern) {
  if (has_unknown_letter_escape(pattern)) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "unknown escape sequence (not an ECMA-262 regular expression)");
  }
  // std::regex reports syntax errors by throwing; this is the boundary that converts them.
  try {
    return std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return core::Error(core::ErrorCode::kInvalidArgument, e.what());
  }
}

bool regex_search(const std::regex& re, std::string_view text) {
  // Matching may throw regex_error (error_complexity); treat that as "no match" so the
  // value is reported instead of the exception escaping the validator.
  try {
    return std::regex_search(text.begin(), text.end(), re);
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace sps::schema
