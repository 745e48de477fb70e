#include "schema/regex.h"
#include "schema/validator.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sps::schema {
namespace {

struct MatchCase {
  std::string_view pattern;
  std::string_view text;
  bool matches;
};

TEST(RegexTest, MatchesWithEcmaScriptSemantics) {
  const std::vector<MatchCase> cases = {
      {"^[a-z]+$", "abc", true},
      {"^[a-z]+$", "abc\n", false},            // $ is the end of the text, not of a line
      {"^\\d{2,3}$", "123", true},
      {"^a.c$", "a\nc", false},                // . excludes line terminators
      {"^a.c$", "a\xc3\xa9" "c", true},        // . is one code point, é is two bytes
      {"^a.c$", "a\xc3\xa9", false},
      {"^.$", "\xc3\xa9", true},
      {"^a[^]c$", "a\nc", true},               // [^] is any code point
      {"^a[]c$", "ac", false},                 // [] matches nothing
      {"^\\s$", "\xc2\xa0", true},             // U+00A0 is ECMA-262 white space
      {"^\\s$", "\x0b", true},                 // \v is too
      {"^\\S$", "\xef\xbb\xbf", false},        // U+FEFF is not non-space
      {"^\\u00e9$", "\xc3\xa9", true},
      {"^\\u{1F600}$", "\xf0\x9f\x98\x80", true},
      {"^\\uD83D\\uDE00$", "\xf0\x9f\x98\x80", true},  // a surrogate pair is one code point
      {"^\\cJ$", "\n", true},
      {"^\\x41$", "A", true},
      {"^a\\0b$", std::string_view("a\0b", 3), true},
      {"^(?<year>\\d{4})-\\d\\d$", "2026-12", true},
      {"^[\\b]$", "\b", true},                 // \b in a class is backspace
      {"\\bword\\b", "a word here", true},
      {"^[[:alpha:]]$", "b]", false},          // '[' is literal in a class, no POSIX classes
      {"^[[:alpha:]]$", ":]", true},
      {"^[[:alpha:]]$", "[]", true},
      {"^a]$", "a]", true},                    // a lone ']' is a literal (Annex B)
      {"^\\/\\.\\-$", "/.-", true},
      {"b+", "abbc", true},                    // unanchored search
      {"b+", "ac", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " on " + std::string(c.text));
    auto re = compile_regex(c.pattern);
    ASSERT_TRUE(re) << re.error().message;
    EXPECT_EQ(re->search(c.text), c.matches);
  }
}

TEST(RegexTest, RefusesConstructsWithoutLinearTimeEquivalent) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"^(?=a)a$", "lookahead"},
      {"^(?!a)b$", "lookahead"},
      {"(?<=a)b", "lookbehind"},
      {"(?<!a)b", "lookbehind"},
      {"^(a)\\1$", "backreferences"},
      {"^(?<n>a)\\k<n>$", "backreferences"},
      {"\\Z", "unknown escape"},
      {"\\A", "unknown escape"},
      {"a\\", "lone backslash"},
      {"\\x4", "two hexadecimal digits"},
      {"\\uD800", "surrogate"},
      {"(?i)a", "(?"},
      {"a{2,1}", "repetition"},
      {"(unclosed", "missing )"},
  };
  for (const auto& [pattern, reason] : cases) {
    SCOPED_TRACE(std::string(pattern));
    auto re = compile_regex(pattern);
    ASSERT_FALSE(re);
    EXPECT_EQ(re.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(re.error().message.find(reason), std::string::npos) << re.error().message;
  }
}

TEST(RegexTest, LookaheadInASchemaIsACompileErrorNamingThePointer) {
  auto v = Validator::compile(boost::json::parse(R"json({"properties": {"x": {"pattern": "^(?!admin)"}}})json"));
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("/properties/x/pattern"), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("lookahead"), std::string::npos) << v.error().message;
}

TEST(RegexTest, HundredKilobyteStringAgainstAPatternIsMatchedNotCrashed) {
  // given a pattern std::regex matched by recursion (one frame per character), expect RE2 to
  // answer for a 100 kB value both ways, without exhausting the stack
  auto v = Validator::compile(boost::json::parse(R"({"type": "string", "pattern": "^(a|b)*$"})"));
  ASSERT_TRUE(v) << v.error().message;
  std::string text(100 * 1024, 'a');
  EXPECT_TRUE(v->is_valid(boost::json::value(text)));
  text.back() = 'c';
  const auto errors = v->validate(boost::json::value(text));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_NE(errors[0].message.find("does not match the pattern"), std::string::npos);
}

}  // namespace
}  // namespace sps::schema
