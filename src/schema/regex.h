#pragma once
// ECMA-262 regular expressions for "pattern", "patternProperties" and format "regex", run
// on RE2. RE2 matches in time linear in the text and never recurses on it, so a 100 kB
// string against any pattern is safe (std::regex overflowed the stack on such input).
//
// A pattern is translated from ECMA-262 syntax to RE2 syntax once, at compile time:
//   \d \w \b \B \f \n \r \t \xHH    the same in both
//   \s \S                           ECMA-262's white space and line terminators (Unicode)
//   .                               any code point except \n \r U+2028 U+2029
//   \v \0 \cX \uHHHH \u{H...}       the same code point written as \x{...}
//   (?<name>...)                    RE2's (?P<name>...)
//   [^] and []                      any code point / nothing
// Constructs RE2 cannot run in linear time are refused with a message naming them:
// lookahead and lookbehind ((?= (?! (?<= (?<!), backreferences (\1, \k<name>). Escapes
// ECMA-262 does not define ("\Z", "\A") are refused too: they come from other dialects and
// would silently match something else. Text is matched as UTF-8 (code points, not bytes).
#include "core/error.h"

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace sps::schema {

/// A compiled pattern. Cheap to copy (the compiled program is shared and immutable);
/// search() is thread-safe.
class Regex {
 public:
  /// ECMA-262 "test" semantics: true when the pattern matches anywhere in text.
  bool search(std::string_view text) const;
  /// The pattern as written in the schema (for messages).
  const std::string& source() const { return m_source; }

 private:
  friend core::Result<Regex> compile_regex(std::string_view pattern);
  std::string m_source;
  std::shared_ptr<const re2::RE2> m_re;
};

/// Compiles an ECMA-262 pattern. Fails with kInvalidArgument, the message saying why (a
/// syntax error, an unsupported construct such as lookahead, or a pattern too large).
core::Result<Regex> compile_regex(std::string_view pattern);

/// The RE2 syntax for an ECMA-262 pattern (exposed for tests); fails as compile_regex does
/// for constructs that have no RE2 equivalent.
core::Result<std::string> translate_ecma_regex(std::string_view pattern);

}  // namespace sps::schema
