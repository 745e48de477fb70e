#include "transport/https_appliance_api.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sps::transport {
namespace {

TEST(ParseApplianceUrlTest, AcceptsHttpsHostAndPort) {
  struct Case {
    std::string url;
    std::string host;
    std::uint16_t port;
  };
  const std::vector<Case> cases = {
      {"https://sps.example.com", "sps.example.com", 443},
      {"https://sps.example.com/", "sps.example.com", 443},
      {"https://127.0.0.1:8443", "127.0.0.1", 8443},
      {"https://[::1]:9443", "::1", 9443},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    const auto endpoint = parse_appliance_url(c.url);
    ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message;
    EXPECT_EQ(endpoint->host, c.host);
    EXPECT_EQ(endpoint->port, c.port);
  }
}

TEST(ParseApplianceUrlTest, RejectsWithoutEchoingCredentials) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://sps.example.com", "https://"},
      {"https://admin:hunter2@sps.example.com", "must not contain credentials"},
      {"https://sps.example.com/api", "must not have a path"},
      {"https://sps.example.com:0", "invalid port"},
      {"not a url hunter2", "not a valid URL"},
      {"sps.example.com", "not a valid URL"},
  };
  for (const auto& [url, expected] : cases) {
    SCOPED_TRACE(url);
    const auto endpoint = parse_appliance_url(url);
    ASSERT_TRUE(endpoint.has_error());
    EXPECT_EQ(endpoint.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(endpoint.error().message.find(expected), std::string::npos)
        << endpoint.error().message;
    EXPECT_EQ(endpoint.error().message.find("hunter2"), std::string::npos);
  }
}

TEST(DefaultUserAgentTest, NamesTheToolAndNeverLooksLikeABrowser) {
  const std::string agent = default_user_agent();
  EXPECT_EQ(agent.rfind("sps-apply/", 0), 0u) << agent;
  EXPECT_GT(agent.size(), std::string("sps-apply/").size());
  EXPECT_EQ(agent.find("Mozilla"), std::string::npos);
}

TEST(HttpsApplianceApiTest, CreateFailsOnUnreadableCaFile) {
  ConnectionSettings settings;
  settings.url = "https://127.0.0.1:1";
  settings.ca_file = "/nonexistent/ca.pem";
  const auto api = HttpsApplianceApi::create(std::move(settings));
  ASSERT_TRUE(api.has_error());
  EXPECT_EQ(api.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(api.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace sps::transport
