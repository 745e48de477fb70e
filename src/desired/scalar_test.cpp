#include "desired/scalar.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <vector>

namespace sps::desired {
namespace {
namespace json = boost::json;

TEST(ScalarTest, TypesPlainScalarsByTheCoreSchema) {
  struct Case {
    std::string text;
    json::value expected;
  };
  const std::vector<Case> cases{
      {"", nullptr},          {"~", nullptr},         {"NULL", nullptr},       {"true", true},
      {"False", false},       {"42", 42},             {"-7", -7},              {"+3", 3},
      {"0x1F", 31},           {"0o17", 15},           {"1.5", 1.5},            {"-2e3", -2000.0},
      {".5", 0.5},            {"yes", "yes"},         {"10:10", "10:10"},      {"1.2.3", "1.2.3"},
      {".inf", ".inf"},       {"0x", "0x"},           {"1e", "1e"},            {"nic1", "nic1"},
      {"99999999999999999999", 1e20},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(type_plain_scalar(c.text), c.expected);
  }
}

}  // namespace
}  // namespace sps::desired
