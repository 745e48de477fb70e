#include "schema/validator.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sps::schema {
namespace {

TEST(ValidatorTest, AcceptsMatchingType) {
  auto v = Validator::compile(boost::json::parse(R"({"type": "integer"})"));
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_valid(boost::json::parse("1")));
}

}  // namespace
}  // namespace sps::schema
