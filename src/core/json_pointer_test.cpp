#include "core/json_pointer.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace sps::core
