#include "schema/formats.h"
#include "schema/regex.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace sps::schema {
namespace {

struct FormatCase {
  Format format;
  std::string_view text;
  bool valid;
};

TEST(FormatsTest, ParsesClaimedFormatNamesOnly) {
  EXPECT_EQ(parse_format("ipv4"), Format::kIpv4);
  EXPECT_EQ(parse_format("date-time"), Format::kDateTime);
  EXPECT_EQ(parse_format("uri-reference"), Format::kUriReference);
  EXPECT_EQ(parse_format("iri"), Format::kNone);
  EXPECT_TRUE(check_format(Format::kNone, "anything"));
}

TEST(FormatsTest, ChecksEachFormat) {
  const std::string long_label = std::string(64, 'a') + ".com";  // labels are at most 63
  const std::vector<FormatCase> cases = {
      {Format::kIpv4, "10.0.0.1", true},
      {Format::kIpv4, "255.255.255.255", true},
      {Format::kIpv4, "300.1.1.1", false},
      {Format::kIpv4, "1.2.3", false},
      {Format::kIpv4, "01.2.3.4", false},
      {Format::kIpv4, "1.2.3.4.", false},
      {Format::kIpv6, "::1", true},
      {Format::kIpv6, "2001:db8::7", true},
      {Format::kIpv6, "::ffff:192.0.2.1", true},
      {Format::kIpv6, "12345::", false},
      {Format::kIpv6, "1:2:3:4:5:6:7:8:9", false},
      {Format::kHostname, "files.example.com", true},
      {Format::kHostname, "sps-1", true},
      {Format::kHostname, "-bad.example.com", false},
      {Format::kHostname, "a..b", false},
      {Format::kHostname, "under_score.example.com", false},
      {Format::kHostname, long_label, false},
      {Format::kUri, "https://sps.example.com/api/configuration?x=1#f", true},
      {Format::kUri, "urn:oasis:names:tc", true},
      {Format::kUri, "/relative/path", false},
      {Format::kUri, "http://a b", false},
      {Format::kUriReference, "/relative/path", true},
      {Format::kUriReference, "#frag", true},
      {Format::kUriReference, "\\\\windows\\share", false},
      {Format::kDate, "2024-02-29", true},
      {Format::kDate, "2023-02-29", false},
      {Format::kDate, "2024-13-01", false},
      {Format::kDate, "2024-1-01", false},
      {Format::kTime, "08:30:06Z", true},
      {Format::kTime, "08:30:06.25+02:00", true},
      {Format::kTime, "23:59:60Z", true},
      {Format::kTime, "22:59:60Z", false},
      {Format::kTime, "08:30:06", false},
      {Format::kTime, "24:00:00Z", false},
      {Format::kDateTime, "2024-05-01T08:30:06Z", true},
      {Format::kDateTime, "2024-05-01t08:30:06-05:00", true},
      {Format::kDateTime, "2024-05-01 08:30:06Z", false},
      {Format::kDateTime, "2024-05-01", false},
      {Format::kEmail, "svc-sps@example.com", true},
      {Format::kEmail, "first.last+tag@mail.example.com", true},
      {Format::kEmail, "no-at-sign.example.com", false},
      {Format::kEmail, "a..b@example.com", false},
      {Format::kEmail, "a@", false},
      {Format::kRegex, "^[a-z]+$", true},
      {Format::kRegex, "^(abc]", false},
      {Format::kRegex, "\\Z", false},
      {Format::kJsonPointer, "", true},
      {Format::kJsonPointer, "/a~1b/0", true},
      {Format::kJsonPointer, "a/b", false},
      {Format::kJsonPointer, "/a~2", false},
      {Format::kRelativeJsonPointer, "0#", true},
      {Format::kRelativeJsonPointer, "1/a", true},
      {Format::kRelativeJsonPointer, "01/a", false},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE(std::string(describe_format(c.format)) + ": " + std::string(c.text));
    EXPECT_EQ(check_format(c.format, c.text), c.valid);
  }
}

TEST(RegexTest, SearchesUnanchoredAndReportsSyntaxErrors) {
  auto re = compile_regex("b+");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->search("abbc"));
  EXPECT_FALSE(re->search("ac"));
  auto bad = compile_regex("a{2,1}");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(bad.error().message.empty());
}

}  // namespace
}  // namespace sps::schema
