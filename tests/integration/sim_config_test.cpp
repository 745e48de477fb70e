// sps-sim message format and the configuration tree, over real TLS on loopback.
#include "support/sim_fixture.h"
#include "support/test_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <regex>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNicAddress =
    "nic1.interfaces.ff7574025754b3df164700.addresses.2553887595ce3ca7f1eae4";

class SimConfigTest : public SimFixture {
 protected:
  void SetUp() override {
    SimFixture::SetUp();
    m_client = std::make_unique<TestClient>(sim().port(), sim().ca_pem());
    ASSERT_EQ(m_client->login().status, 200);
  }
  TestClient& c() { return *m_client; }

  static std::string nfs_policy(const std::string& name) {
    return R"({"name":")" + name + R"(","include_node_id_in_path":false,)"
           R"("notification_event":{"type":"none"},)"
           R"("target":{"type":"nfs","server":{"selection":"ip","value":"10.0.0.5"},"path":"/b"},)"
           R"("start_times":["02:00"]})";
  }

 private:
  std::unique_ptr<TestClient> m_client;
};

TEST_F(SimConfigTest, DirectoryNodesListTheirChildren) {
  const TestResponse r = c().get("/api/configuration");
  ASSERT_EQ(r.status, 200);
  const json::array& items = r.json().at("items").as_array();
  std::vector<std::string> keys;
  for (const auto& item : items) keys.emplace_back(item.at("key").as_string());
  EXPECT_THAT(keys, ::testing::IsSupersetOf({"local_services", "management", "policies"}));
  EXPECT_EQ(items.at(0).at("meta").at("href"),
            json::value("/api/configuration/" + std::string(items.at(0).at("key").as_string())));
  EXPECT_EQ(c().get("/api/configuration/policies").json().at("meta").at("parent"),
            "/api/configuration");
  EXPECT_EQ(c().get("/api").status, 200);
}

TEST_F(SimConfigTest, SingletonHasKeyBodyMetaEnvelope) {
  const TestResponse r = c().get("/api/configuration/management/webinterface");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), json::parse(R"({"key":"webinterface","body":{"timeout":20},"meta":{
      "href":"/api/configuration/management/webinterface",
      "parent":"/api/configuration/management","transaction":"/api/transaction",
      "first":"/api/configuration/management/certificates",
      "last":"/api/configuration/management/webinterface",
      "previous":"/api/configuration/management/universal_siem_forwarder","next":null}})"));
}

TEST_F(SimConfigTest, CollectionListingIncludesItemBodies) {
  const TestResponse r = c().get("/api/configuration/policies/audit_policies");
  ASSERT_EQ(r.status, 200);
  const auto& item = r.json().at("items").at(0);
  EXPECT_EQ(item.at("key"), "-1");
  EXPECT_EQ(item.at("body").at("name"), "default");
  EXPECT_EQ(item.at("meta").at("href"), "/api/configuration/policies/audit_policies/-1");
}

TEST_F(SimConfigTest, PostCreatesItemWithNew22HexKey) {
  const TestResponse r = c().post("/api/configuration/policies/backup_policies", nfs_policy("n1"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string key(r.json().at("key").as_string());
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{22}"))) << key;
  EXPECT_EQ(r.json().at("meta").at("href"), json::value("/api/configuration/policies/backup_policies/" + key));
  EXPECT_EQ(r.json().at("meta").at("parent"), "/api/configuration/policies/backup_policies");
  EXPECT_EQ(r.json().at("meta").at("transaction"), "/api/transaction");
  const TestResponse item = c().get("/api/configuration/policies/backup_policies/" + key);
  ASSERT_EQ(item.status, 200);
  EXPECT_EQ(item.json().at("body"), json::parse(nfs_policy("n1")));
  EXPECT_EQ(item.json().at("meta").at("remaining_seconds"), 600);
}

TEST_F(SimConfigTest, PutReplacesTheWholeBody) {
  const std::string path = "/api/configuration/management/email";
  const TestResponse put = c().put(path, R"({"admin_address":"a@example.com"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("key"), "email");
  EXPECT_EQ(put.json().at("meta").at("href"), json::value(path));
  EXPECT_EQ(c().get(path).json().at("body"), json::parse(R"({"admin_address":"a@example.com"})"));
}

TEST_F(SimConfigTest, UnknownBodyFieldsAreSilentlyDropped) {
  const std::string path = "/api/configuration/policies/backup_policies";
  const std::string body =
      R"({"colour":"red","name":"n2","include_node_id_in_path":false,)"
      R"("notification_event":{"type":"none","extra":1},)"
      R"("target":{"type":"nfs","server":{"selection":"ip","value":"10.0.0.5"},"path":"/b",)"
      R"("bogus":true},"start_times":["02:00"]})";
  const TestResponse r = c().post(path, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value stored = c().get(path + "/" + std::string(r.json().at("key").as_string())).json();
  EXPECT_FALSE(stored.at("body").as_object().contains("colour"));
  EXPECT_EQ(stored.at("body"), json::parse(nfs_policy("n2")));
}

TEST_F(SimConfigTest, MalformedJsonIsInvalidRequestBody) {
  const TestResponse r = c().put("/api/configuration/management/email", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("type"), "InvalidRequestBody");
  EXPECT_EQ(r.json().at("meta").at("href"), "/api/configuration/management/email");
}

TEST_F(SimConfigTest, UnknownPathsAndKeysAreNotFound) {
  EXPECT_EQ(c().get("/api/configuration/nosuch").status, 404);
  const TestResponse r = c().get("/api/configuration/policies/backup_policies/0123456789abcdef012345");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("error").at("type"), "NotFound");
  EXPECT_EQ(c().del("/api/configuration/policies/backup_policies/0123456789abcdef012345").status, 404);
}

TEST_F(SimConfigTest, WrongMethodsAreMethodNotAllowed) {
  EXPECT_EQ(c().post("/api/configuration/management/email", "{}").status, 405);
  EXPECT_EQ(c().del("/api/configuration/management/email").status, 405);
  EXPECT_EQ(c().put("/api/configuration/policies/backup_policies", "{}").status, 405);
  const TestResponse r = c().post("/api/configuration/policies", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.json().at("error").at("type"), "MethodNotAllowed");
}

TEST_F(SimConfigTest, NicAddressReferenceIsRenderedWithKeyAndFragmentHref) {
  const TestResponse r = c().get("/api/configuration/local_services/admin_web");
  ASSERT_EQ(r.status, 200);
  const json::value& address = r.json().at("body").at("listen").at(0).at("address");
  EXPECT_EQ(address.at("key"), kNicAddress);
  EXPECT_EQ(address.at("meta").at("href"),
            "/api/configuration/network/nics/nic1#interfaces/ff7574025754b3df164700/addresses/"
            "2553887595ce3ca7f1eae4");
}

TEST_F(SimConfigTest, ReferencesAreAcceptedInReadFormAndStoredAsKeys) {
  // PUT back exactly what GET returned ({key, meta} references), then commit.
  const std::string path = "/api/configuration/local_services/admin_web";
  const json::value body = c().get(path).json().at("body");
  ASSERT_EQ(c().put(path, json::serialize(body)).status, 200);
  ASSERT_EQ(c().put("/api/transaction", R"({"status":"commit"})").status, 200);
  auto stored = sim().committed_body("local_services/admin_web");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->at("listen").at(0).at("address"), kNicAddress);
}

TEST_F(SimConfigTest, BuiltInObjectsCannotBeDeleted) {
  const TestResponse r = c().del("/api/configuration/policies/audit_policies/-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("type"), "SemanticError");
  EXPECT_EQ(c().get("/api/configuration/policies/audit_policies/-1").status, 200);
}

TEST_F(SimConfigTest, DeleteReturnsMetaOnlyAndRemovesTheItem) {
  const std::string path = "/api/configuration/policies/backup_policies";
  const TestResponse created = c().post(path, nfs_policy("gone"));
  ASSERT_EQ(created.status, 201);
  const std::string item = path + "/" + std::string(created.json().at("key").as_string());
  const TestResponse r = c().del(item);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json().as_object().contains("key"));
  EXPECT_EQ(r.json().at("meta").at("href"), json::value(item));
  EXPECT_EQ(c().get(item).status, 404);
}

TEST_F(SimConfigTest, PasswordsAreWriteOnceAndNeverReadBack) {
  const std::string path = "/api/configuration/passwords";
  const TestResponse created = c().post(path, R"({"plain":"Hunter2-very-secret"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key(created.json().at("key").as_string());
  const std::string item = path + "/" + key;
  EXPECT_EQ(c().get(path).status, 405);
  const TestResponse read = c().get(item);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json().at("key"), json::value(key));
  EXPECT_EQ(read.json().at("body"), json::object{});
  EXPECT_EQ(c().put(item, R"({"plain":"x"})").status, 405);
  EXPECT_EQ(c().del(item).status, 405);
  const TestResponse changes = c().get("/api/transaction/changes");
  EXPECT_THAT(changes.body, HasSubstr(item));
  EXPECT_THAT(changes.body, Not(HasSubstr("Hunter2")));
  ASSERT_EQ(c().put("/api/transaction", R"({"status":"commit"})").status, 200);
  EXPECT_THAT(sim().committed_snapshot_text(), Not(HasSubstr("Hunter2")));
  EXPECT_TRUE(sim().secret_matches("passwords", key, json::parse(R"({"plain":"Hunter2-very-secret"})")));
  EXPECT_FALSE(sim().secret_matches("passwords", key, json::parse(R"({"plain":"other"})")));
}

TEST_F(SimConfigTest, QueryStringsAndTrailingSlashesAreIgnored) {
  EXPECT_EQ(c().get("/api/configuration/management/webinterface/?fields=all").json().at("key"),
            "webinterface");
}

/// SPS 6.0 emulation: listings carry key and href only.
class SimConfigWithoutListingBodiesTest : public SimFixture {
 protected:
  sim::Options sim_options() const override {
    sim::Options options = SimFixture::sim_options();
    options.listings_include_bodies = false;
    return options;
  }
};

TEST_F(SimConfigWithoutListingBodiesTest, ListingsOmitBodies) {
  TestClient c(sim().port(), sim().ca_pem());
  ASSERT_EQ(c.login().status, 200);
  const TestResponse r = c.get("/api/configuration/policies/audit_policies");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("items").at(0),
            json::parse(R"({"key":"-1","meta":{"href":"/api/configuration/policies/audit_policies/-1"}})"));
}

}  // namespace
}  // namespace sps::testing
