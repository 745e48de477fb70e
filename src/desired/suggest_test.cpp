#include "desired/suggest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sps::desired {
namespace {

TEST(SuggestTest, CountsSwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(edit_distance("prot", "port"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(SuggestTest, SuggestsClosestFieldName) {
  const std::vector<std::string> fields{"http_port", "https_port", "address"};
  EXPECT_EQ(did_you_mean("https_prot", fields), "did you mean \"https_port\"?");
  EXPECT_EQ(did_you_mean("adress", fields), "did you mean \"address\"?");
}

TEST(SuggestTest, SuggestsNothingForUnrelatedWord) {
  const std::vector<std::string> fields{"enabled", "timeout"};
  EXPECT_EQ(did_you_mean("colour", fields), "");
  EXPECT_FALSE(closest_match("enabled", fields).has_value());  // exact match is not a typo
}

TEST(SuggestTest, SuggestsKindPathFromItsLastSegment) {
  const std::vector<std::string> kinds{"management/email", "policies/backup_policies"};
  EXPECT_EQ(closest_match("backup_policies", kinds), "policies/backup_policies");
  EXPECT_EQ(closest_match("managment/email", kinds), "management/email");
}

}  // namespace
}  // namespace sps::desired
