#include "schema/formats.h"

#include <gtest/gtest.h>

namespace sps::schema {
namespace {

TEST(FormatsTest, ChecksIpv4) {
  EXPECT_TRUE(check_format(Format::kIpv4, "10.0.0.1"));
  EXPECT_FALSE(check_format(Format::kIpv4, "300.1.1.1"));
}

}  // namespace
}  // namespace sps::schema
