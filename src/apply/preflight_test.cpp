#include "apply/preflight.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sps::apply {
namespace {

plan::Plan plan_with(std::vector<std::pair<std::string, std::string>> requests, bool password = false) {
  plan::Plan plan;
  for (auto& [method, path] : requests) {
    plan::Step s;
    s.method = method;
    s.path = path;
    s.address = {"management/email", ""};
    if (password) s.secrets.push_back({"/password", catalog::SecretMode::kPasswordObject, "env:X"});
    plan.steps.push_back(std::move(s));
  }
  return plan;
}

std::vector<std::string> text(const std::vector<MissingPrivilege>& missing) {
  std::vector<std::string> out;
  for (const auto& m : missing) out.push_back(m.method + " " + m.path);
  return out;
}

// Given endpoint entries that cover paths below them, expect the longest entry to decide.
TEST(PreflightTest, MissingPrivilegesUseTheLongestCoveringEntry) {
  const auto info = boost::json::parse(R"({"endpoints": [
      {"url": "/api", "methods": ["DELETE", "GET", "POST", "PUT"]},
      {"url": "/api/configuration/management/email", "methods": ["GET"]}]})");
  const auto plan = plan_with({{"PUT", "/api/configuration/management/email"},
                               {"PUT", "/api/configuration/management/webinterface"}});
  EXPECT_EQ(text(missing_privileges(plan, catalog::Catalog::builtin(), info)),
            std::vector<std::string>{"PUT /api/configuration/management/email"});
}

TEST(PreflightTest, TransactionAndPasswordObjectsNeedPrivilegesToo) {
  const auto info = boost::json::parse(R"({"endpoints": [
      {"url": "/api/configuration", "methods": ["GET", "POST", "PUT"]},
      {"url": "/api/configuration/passwords", "methods": ["GET"]}]})");
  const auto plan = plan_with({{"PUT", "/api/configuration/management/email"}}, /*password=*/true);
  EXPECT_EQ(text(missing_privileges(plan, catalog::Catalog::builtin(), info)),
            (std::vector<std::string>{"POST /api/transaction", "POST /api/configuration/passwords",
                                      "PUT /api/transaction"}));
}

TEST(PreflightTest, FirmwareComparesMajorAndMinor) {
  EXPECT_TRUE(firmware_at_least("7.5.0", "6.9+"));
  EXPECT_TRUE(firmware_at_least("6.9.4", "6.9+"));
  EXPECT_FALSE(firmware_at_least("6.8.1", "6.9+"));
  EXPECT_FALSE(firmware_at_least("5.7.0", "6.0+"));
  EXPECT_TRUE(firmware_at_least("10.0", "6.9+"));
  EXPECT_TRUE(firmware_at_least("unknown", "6.9+"));  // unparsable: not an error
  EXPECT_TRUE(firmware_at_least("5.0.0", "any version"));
}

}  // namespace
}  // namespace sps::apply
