#include "catalog/discover.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::catalog {
namespace {
namespace json = boost::json;

// Answers in the shapes the SPS REST API Reference shows (envelopes, listings, references).
const char* kConnections = R"({
  "items": [
    {"key": "-1", "body": {"name": "all", "active": true, "network": {"ports": [22], "targets": []},
                           "channel_policy": {"key": "-10", "meta": {"href": "/api/configuration/ssh/channel_policies/-10"}},
                           "time_policy": null}, "meta": {"href": "/api/configuration/ssh/connections/-1"}},
    {"key": "6b9c", "body": {"name": "admins", "active": false, "network": {"ports": [2222], "targets": ["10.0.0.1"]},
                             "channel_policy": {"key": "aa1", "meta": {"href": "/api/configuration/ssh/channel_policies/aa1"}},
                             "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}},
                             "server_password": {"key": "p1", "meta": {"href": "/api/configuration/passwords/p1"}}},
     "meta": {"href": "/api/configuration/ssh/connections/6b9c"}}],
  "meta": {"href": "/api/configuration/ssh/connections", "parent": "/api/configuration/ssh"}})";

TEST(DeriveKindTest, CollectionWithReferencesLearnsShapeIdentityReferencesAndFields) {
  auto kind = derive_kind("ssh/connections", json::parse(kConnections));
  ASSERT_TRUE(kind) << kind.error().message;
  EXPECT_TRUE(kind->discovered);
  EXPECT_TRUE(kind->is_collection());
  EXPECT_EQ(kind->identity, "name");
  EXPECT_EQ(kind->rest_path, "/api/configuration/ssh/connections");
  ASSERT_NE(kind->reference_at("/channel_policy"), nullptr);
  EXPECT_EQ(kind->reference_at("/channel_policy")->target, "ssh/channel_policies");
  ASSERT_NE(kind->reference_at("/time_policy"), nullptr);  // learned from the second item; null in the first
  EXPECT_EQ(kind->reference_at("/time_policy")->target, "policies/time_policies");
  ASSERT_NE(kind->secret_at("/server_password"), nullptr);
  EXPECT_EQ(kind->secret_at("/server_password")->mode, SecretMode::kPasswordObject);
  EXPECT_EQ(kind->secret_at("/channel_policy"), nullptr);
  // Fields: the union over items, explicit nulls included; nested objects by pattern.
  const std::set<std::string> top{"active", "channel_policy", "name", "network", "server_password", "time_policy"};
  EXPECT_EQ(kind->fields.at(""), top);
  EXPECT_EQ(kind->fields.at("/network"), (std::set<std::string>{"ports", "targets"}));
  EXPECT_EQ(kind->fields.count("/channel_policy"), 0u);  // a reference is a value, not an object
}

TEST(DeriveKindTest, SingletonBodiesAreObjectArrayOrScalar) {
  auto trap = derive_kind("management/snmp/trap", json::parse(R"({"key": "trap", "body":
      {"version": {"selection": "2c", "value": {"community": "public", "server": {"selection": "ip", "value": "10.0.0.5"}}}},
      "meta": {"href": "/api/configuration/management/snmp/trap"}})"));
  ASSERT_TRUE(trap);
  EXPECT_FALSE(trap->is_collection());
  EXPECT_EQ(trap->body, BodyType::kObject);
  EXPECT_EQ(trap->fields.at("/version|selection=2c"), (std::set<std::string>{"selection", "value"}));
  EXPECT_EQ(trap->fields.at("/version/value"), (std::set<std::string>{"community", "server"}));
  EXPECT_EQ(trap->fields.count("/version"), 0u);  // a union's fields are per selection

  auto routing = derive_kind("network/routing", json::parse(R"({"key": "routing",
      "body": [{"gateway": "10.0.0.254", "target_network": "192.168.0.0/24"}], "meta": {}})"));
  ASSERT_TRUE(routing);
  EXPECT_EQ(routing->body, BodyType::kArray);
  EXPECT_EQ(routing->fields.at("/*"), (std::set<std::string>{"gateway", "target_network"}));

  auto timezone = derive_kind("datetime/timezone", json::parse(R"({"key": "timezone", "body": "America/New_York", "meta": {}})"));
  ASSERT_TRUE(timezone);
  EXPECT_EQ(timezone->body, BodyType::kScalar);
  EXPECT_TRUE(timezone->fields.empty());
}

TEST(DeriveKindTest, DirectoryIsAnErrorListingItsChildren) {
  auto dir = derive_kind("ssh", json::parse(R"({"items": [
      {"key": "channel_policies", "meta": {"href": "/api/configuration/ssh/channel_policies"}},
      {"key": "connections", "meta": {"href": "/api/configuration/ssh/connections"}}],
      "meta": {"href": "/api/configuration/ssh"}})"));
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, core::ErrorCode::kInvalidConfig);
  EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos);
  EXPECT_NE(dir.error().message.find("ssh/channel_policies, ssh/connections"), std::string::npos) << dir.error().message;
}

TEST(DeriveKindTest, EmptyCollectionHasNameIdentityAndNoFields) {
  auto kind = derive_kind("telnet/connections", json::parse(R"({"items": [], "meta": {}})"));
  ASSERT_TRUE(kind);
  EXPECT_TRUE(kind->is_collection());
  EXPECT_EQ(kind->identity, "name");
  EXPECT_TRUE(kind->fields.empty());
}

TEST(DeriveKindTest, ItemsWithoutNamesAreAddressedByKeyAndShapelessAnswersFail) {
  auto unnamed = derive_kind("x/y", json::parse(R"({"items": [{"key": "k1", "body": {"a": 1}}]})"));
  ASSERT_TRUE(unnamed);
  EXPECT_TRUE(unnamed->identity.empty());
  auto shapeless = derive_kind("x/y", json::parse(R"({"meta": {}})"));
  ASSERT_FALSE(shapeless);
  EXPECT_EQ(shapeless.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_FALSE(derive_kind("x/y", json::parse("[1]")));
}

TEST(DiscoverTest, HrefsNameTheirKind) {
  EXPECT_EQ(kind_of_href("/api/configuration/policies/time_policies/-100"), "policies/time_policies");
  EXPECT_EQ(kind_of_href("/api/configuration/network/nics/nic1#interfaces/ff75/addresses/1"), "network/nics");
  EXPECT_EQ(kind_of_href("/api/configuration/x509/1b2c"), "x509");
  EXPECT_EQ(kind_of_href("/api/transaction"), "");
  EXPECT_EQ(kind_of_href("/api/configuration/x509"), "");
}

TEST(DiscoverTest, ConfigurationPathSyntax) {
  for (const char* good : {"ssh/connections", "management/snmp/trap", "datetime/timezone", "x509", "a-b/c_d/0"}) {
    EXPECT_TRUE(is_configuration_path(good)) << good;
  }
  for (const char* bad : {"", "/ssh", "ssh/", "ssh//connections", "SSH/connections", "ssh connections", "ssh/conn*"}) {
    EXPECT_FALSE(is_configuration_path(bad)) << bad;
  }
}

TEST(CatalogWithKindsTest, DiscoveredKindsJoinTheDependencyOrder) {
  auto target = derive_kind("policies/time_policies", json::parse(R"({"items": [{"key": "-100", "body": {"name": "7x24"}}]})"));
  auto conn = derive_kind("ssh/connections", json::parse(R"({"items": [{"key": "1", "body": {"name": "c",
      "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}}}]})"));
  ASSERT_TRUE(target && conn);
  auto alone = Catalog().with_kinds({*conn});
  ASSERT_FALSE(alone);  // the target kind is in neither catalog
  EXPECT_NE(alone.error().message.find("discovered kind ssh/connections"), std::string::npos);
  auto joined = Catalog().with_kinds({*conn, *target});
  ASSERT_TRUE(joined) << joined.error().message;
  const auto order = joined->dependency_order();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0]->path, "policies/time_policies");
  EXPECT_EQ(order[1]->path, "ssh/connections");
  EXPECT_NE(joined->find("ssh/connections"), nullptr);
}

}  // namespace
}  // namespace sps::catalog
