#include "catalog/discover.h"
#include "export/export.h"
#include "model/normalize.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::exporter {
namespace {
namespace json = boost::json;

const Skipped* skipped(const Selection& s, const std::string& path) {
  for (const auto& k : s.skipped) {
    if (k.path == path) return &k;
  }
  return nullptr;
}

TEST(SelectEndpointsTest, ExportsWritableEndpointsAndSaysWhyTheOthersAreSkipped) {
  // Given crawled endpoints of every sort, expect each one exported or skipped with a reason.
  std::map<std::string, json::value> endpoints;
  endpoints["datetime/timezone"] = json::parse(R"({"key": "timezone", "body": "UTC"})");
  endpoints["management/license"] = json::parse(R"({"key": "license", "body": {"serial": "x"}})");
  endpoints["ssh/connections"] = json::parse(R"({"items": [{"key": "1", "body": {"name": "a"}}]})");
  endpoints["odd/keyed"] = json::parse(R"({"items": [{"key": "1", "body": {"port": 1}}]})");
  endpoints["odd/shapeless"] = json::parse(R"({"meta": {}})");
  const Selection s = select_endpoints(endpoints, catalog::Catalog());
  EXPECT_EQ(s.kinds, (std::vector<std::string>{"datetime/timezone", "ssh/connections"}));
  ASSERT_EQ(s.discovered.size(), 2u);
  ASSERT_NE(skipped(s, "management/license"), nullptr);
  EXPECT_NE(skipped(s, "management/license")->why.find("read-only"), std::string::npos);
  ASSERT_NE(skipped(s, "odd/keyed"), nullptr);
  EXPECT_NE(skipped(s, "odd/keyed")->why.find("no \"name\""), std::string::npos);
  ASSERT_NE(skipped(s, "odd/shapeless"), nullptr);
  EXPECT_NE(skipped(s, "odd/shapeless")->why.find("cannot write"), std::string::npos);
}

TEST(ExportDiscoveredTest, CredentialsBecomePlaceholdersAndReferencesNames) {
  // Given a discovered kind with a community string and a reference, expect a placeholder for
  // the credential, the reference by name, and no secret value anywhere in the export.
  const char* trap = R"({"key": "trap", "body": {"enabled": true, "version": {"selection": "2c",
      "value": {"community": "c0mmun1ty-value", "server": {"selection": "ip", "value": "10.0.0.5"}}},
      "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}}})";
  const char* policies = R"({"items": [{"key": "-100", "body": {"name": "7x24"}}]})";
  auto kind = catalog::derive_kind("management/snmp/trap", json::parse(trap));
  auto target = catalog::derive_kind("policies/time_policies", json::parse(policies));
  ASSERT_TRUE(kind && target);
  mark_likely_secrets(*kind);
  ASSERT_NE(kind->secret_at("/version/value/community"), nullptr);
  EXPECT_EQ(kind->secret_at("/version/value/server"), nullptr);
  auto catalog = catalog::Catalog().with_kinds({*kind, *target});
  ASSERT_TRUE(catalog) << catalog.error().message;
  model::RawLive raw;
  raw.documents["management/snmp/trap"] = json::parse(trap);
  raw.documents["policies/time_policies"] = json::parse(policies);
  core::Diagnostics diags;
  const auto live = model::normalize_live(*catalog, {"management/snmp/trap", "policies/time_policies"}, std::move(raw), diags);
  const Export e = build_export(live, *catalog, {"management/snmp/trap"}, {{"management/license", "read-only"}});
  ASSERT_EQ(e.files.size(), 2u);
  const std::string& yaml = e.files[0].text;
  EXPECT_EQ(e.files[0].name, "management.yaml");
  EXPECT_EQ(yaml.find("c0mmun1ty-value"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("community: !secret env:SPS_TRAP_VERSION_VALUE_COMMUNITY"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("time_policy: \"7x24\""), std::string::npos) << yaml;
  EXPECT_NE(e.files[1].text.find("| `management/license` | read-only |"), std::string::npos) << e.files[1].text;
}

}  // namespace
}  // namespace sps::exporter
