#include "core/json_pointer.h"

#include "core/canonical_json.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace sps::core {
namespace {
namespace json = boost::json;

TEST(JsonPointerTest, SplitsAndUnescapesTokens) {
  EXPECT_EQ(split_pointer(""), std::vector<std::string>{});
  EXPECT_EQ(split_pointer("/a/b~1c/~0d"), (std::vector<std::string>{"a", "b/c", "~d"}));
  EXPECT_EQ(append_pointer("/a", "x/y"), "/a/x~1y");
}

TEST(JsonPointerTest, FindsNestedValuesAndRejectsBadIndexes) {
  const json::value v = json::parse(R"({"a":{"b":[10,20]}})");
  ASSERT_NE(find_pointer(v, "/a/b/1"), nullptr);
  EXPECT_EQ(*find_pointer(v, "/a/b/1"), 20);
  EXPECT_EQ(find_pointer(v, "/a/b/2"), nullptr);
  EXPECT_EQ(find_pointer(v, "/a/b/x"), nullptr);
  EXPECT_EQ(find_pointer(v, "/a/c"), nullptr);
}

TEST(JsonPointerTest, WildcardMatchesEveryArrayElement) {
  const json::value v = json::parse(R"({"listen":[{"address":"a"},{"address":"b"},{"port":1}]})");
  std::vector<std::string> seen;
  for_each_match(v, "/listen/*/address", [&](const std::string& p, const json::value&) { seen.push_back(p); });
  EXPECT_EQ(seen, (std::vector<std::string>{"/listen/0/address", "/listen/1/address"}));
  EXPECT_TRUE(pointer_matches("/listen/*/address", "/listen/7/address"));
  EXPECT_FALSE(pointer_matches("/listen/*/address", "/listen/7"));
  // any_match answers what for_each_match would find, with or without a condition.
  EXPECT_TRUE(any_match(v, "/listen/*/port"));
  EXPECT_FALSE(any_match(v, "/listen/*/name"));
  EXPECT_FALSE(any_match(v, "/listen/3"));
  EXPECT_TRUE(any_match(v, "/listen/*", [](const json::value& e) { return e.as_object().contains("port"); }));
  EXPECT_FALSE(any_match(v, "/listen/*/address", [](const json::value& e) { return e.is_object(); }));
  EXPECT_TRUE(any_match(v, ""));
}

// Given members whose names hold "/" and "~", expect every pointer function to read the
// escaped tokens (~1, ~0) in place and to write them escaped in the pointers it reports.
TEST(JsonPointerTest, EscapedTokensAreFoundMatchedAndErased) {
  json::value v = json::parse(R"({"a/b":{"~c":[1,{"d":2}]},"e":{"x/y":3,"z":4},"":5})");
  ASSERT_NE(find_pointer(v, "/a~1b/~0c/1/d"), nullptr);
  EXPECT_EQ(*find_pointer(v, "/a~1b/~0c/1/d"), 2);
  EXPECT_EQ(*find_pointer(v, "/"), 5);
  EXPECT_EQ(find_pointer(v, "/a~1b/~0c/01x"), nullptr);
  std::vector<std::string> seen;
  for_each_match(v, "/e/*", [&](const std::string& p, const json::value&) { seen.push_back(p); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"/e/x~1y", "/e/z"}));
  seen.clear();
  for_each_match(v, "/a~1b/~0c/*", [&](const std::string& p, const json::value&) { seen.push_back(p); });
  EXPECT_EQ(seen, (std::vector<std::string>{"/a~1b/~0c/0", "/a~1b/~0c/1"}));
  EXPECT_TRUE(pointer_matches("/e/*", "/e/x~1y"));
  EXPECT_TRUE(pointer_matches("/a~1b/*/d", "/a~1b/7/d"));
  EXPECT_FALSE(pointer_matches("/a~1b/*", "/a~1c/7"));
  EXPECT_FALSE(pointer_matches("/a/*", "/a"));
  EXPECT_TRUE(pointer_matches("", ""));
  EXPECT_TRUE(erase_pointer(v, "/e/x~1y"));
  EXPECT_FALSE(erase_pointer(v, "/e/x~1y"));
  EXPECT_TRUE(erase_pointer(v, "/a~1b/~0c/0"));
  EXPECT_EQ(json::serialize(v), R"({"a/b":{"~c":[{"d":2}]},"e":{"z":4},"":5})");
}

// Given strings with every byte value and numbers at their limits, expect canonical JSON
// to write each scalar exactly as Boost.JSON's serializer does (digests of saved plans
// depend on these bytes), members sorted by key, and integral doubles as integers.
TEST(CanonicalJsonTest, WritesScalarsAsBoostJsonDoesAndSortsMembers) {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  const std::vector<json::value> scalars = {
      json::string(every_byte), json::string("a\"b\\c/d\x7f"), json::string(""),
      json::value(std::int64_t{-9223372036854775807LL - 1}), json::value(std::uint64_t{18446744073709551615ULL}),
      json::value(0), json::value(true), json::value(false), json::value(nullptr), json::value(0.5),
      json::value(1e300), json::value(-6.0e26), json::value(9.3e18)};  // past int64: no cast (UB)
  for (const auto& v : scalars) EXPECT_EQ(canonical_json(v), json::serialize(v)) << json::serialize(v);
  json::object obj;
  obj[every_byte.substr(0, 40)] = 1;
  obj["b"] = json::array{2.0, -3.0, "x\ny"};
  obj["a"] = json::object{{"z", nullptr}, {"y", false}};
  EXPECT_EQ(canonical_json(obj), R"({"\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
                                 R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c)"
                                 R"(\u001d\u001e\u001f !\"#$%&'(":1,"a":{"y":false,"z":null},)"
                                 R"("b":[2,-3,"x\ny"]})");
  std::string appended = "[";
  append_canonical_json(obj, appended);
  EXPECT_EQ(appended, "[" + canonical_json(obj));
}

}  // namespace
}  // namespace sps::core
