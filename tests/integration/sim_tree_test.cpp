// sps-sim serves a whole appliance: every seeded path (collections, singletons with object,
// array and scalar bodies, nested singletons), directory listings with navigation links,
// references of any kind in read form, read-only endpoints, built-ins and referential
// integrity, over real TLS on loopback.
#include "support/sim_fixture.h"
#include "support/test_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SimTreeTest : public SimFixture {
 protected:
  void SetUp() override {
    SimFixture::SetUp();
    m_client = std::make_unique<TestClient>(sim().port(), sim().ca_pem());
    ASSERT_EQ(m_client->login().status, 200);
  }
  TestClient& c() { return *m_client; }

  /// The keys of a listing's items.
  static std::vector<std::string> keys(const TestResponse& r) {
    std::vector<std::string> out;
    for (const auto& item : r.json().at("items").as_array()) out.emplace_back(item.at("key").as_string());
    return out;
  }
  TestResponse commit() { return c().put("/api/transaction", R"({"status":"commit"})"); }
  /// The messages of a SemanticError's details.errors, "path#pointer: message".
  static std::vector<std::string> problems(const TestResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.json().at("error").at("details").at("errors").as_array()) {
      out.push_back(std::string(e.at("path").as_string()) + "#" + std::string(e.at("pointer").as_string()) +
                    ": " + std::string(e.at("message").as_string()));
    }
    return out;
  }

 private:
  std::unique_ptr<TestClient> m_client;
};

TEST_F(SimTreeTest, EveryIntermediateDirectoryListsItsChildrenWithNavigationLinks) {
  const TestResponse ssh = c().get("/api/configuration/ssh");
  ASSERT_EQ(ssh.status, 200) << ssh.body;
  EXPECT_THAT(keys(ssh), ElementsAre("authentication_policies", "channel_policies", "connections",
                                     "settings_policies"));
  EXPECT_EQ(ssh.json().at("items").at(1).at("meta").at("href"), "/api/configuration/ssh/channel_policies");
  const json::value& meta = ssh.json().at("meta");
  EXPECT_EQ(meta.at("href"), "/api/configuration/ssh");
  EXPECT_EQ(meta.at("parent"), "/api/configuration");
  EXPECT_EQ(meta.at("transaction"), "/api/transaction");
  // Siblings are the children of /api/configuration, in alphabetical order.
  const TestResponse root = c().get("/api/configuration");
  const std::vector<std::string> top = keys(root);
  ASSERT_TRUE(std::is_sorted(top.begin(), top.end()));
  EXPECT_EQ(meta.at("first"), json::value("/api/configuration/" + top.front()));
  EXPECT_EQ(meta.at("last"), json::value("/api/configuration/" + top.back()));
  EXPECT_EQ(meta.at("previous"), "/api/configuration/rdp");
  EXPECT_EQ(meta.at("next"), "/api/configuration/x509");

  EXPECT_THAT(keys(c().get("/api/configuration/management/snmp")), ElementsAre("trap"));
  EXPECT_THAT(keys(c().get("/api/configuration/datetime")), ElementsAre("ntp_servers", "timezone"));
  EXPECT_EQ(c().put("/api/configuration/ssh", "{}").status, 405);
  EXPECT_EQ(c().get("/api/configuration/sshx").status, 404);
}

TEST_F(SimTreeTest, NestedSingletonHasLinksAmongItsSiblings) {
  const TestResponse r = c().get("/api/configuration/management/snmp/trap");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("key"), "trap");
  EXPECT_EQ(r.json().at("body").at("version").at("selection"), "2c");
  const json::value& meta = r.json().at("meta");
  EXPECT_EQ(meta.at("parent"), "/api/configuration/management/snmp");
  EXPECT_EQ(meta.at("first"), "/api/configuration/management/snmp/trap");
  EXPECT_EQ(meta.at("last"), "/api/configuration/management/snmp/trap");
  EXPECT_TRUE(meta.at("next").is_null());
  EXPECT_TRUE(meta.at("previous").is_null());
}

TEST_F(SimTreeTest, ScalarAndArrayBodiesAreReadAndReplacedWhole) {
  const std::string timezone = "/api/configuration/datetime/timezone";
  ASSERT_EQ(c().get(timezone).json().at("body"), "America/New_York");
  ASSERT_EQ(c().put(timezone, R"("Europe/Budapest")").status, 200);
  const std::string routing = "/api/configuration/network/routing";
  ASSERT_TRUE(c().get(routing).json().at("body").is_array());
  const std::string routes = R"([{"gateway":"10.0.0.1","target_network":"10.1.0.0/16"}])";
  ASSERT_EQ(c().put(routing, routes).status, 200);
  ASSERT_EQ(commit().status, 200);
  EXPECT_EQ(*sim().committed_body("datetime/timezone"), "Europe/Budapest");
  EXPECT_EQ(*sim().committed_body("network/routing"), json::parse(routes));
  EXPECT_TRUE(c().get(timezone).json().at("meta").at("next").is_null());
  EXPECT_EQ(c().get(timezone).json().at("meta").at("previous"), "/api/configuration/datetime/ntp_servers");
}

TEST_F(SimTreeTest, ReferencesOfDiscoveredKindsAreRenderedAsKeyAndHref) {
  const TestResponse channels = c().get("/api/configuration/ssh/channel_policies");
  ASSERT_EQ(channels.status, 200) << channels.body;
  const json::value& rule = channels.json().at("items").at(0).at("body").at("rules").at(0);
  EXPECT_EQ(rule.at("time_policy"),
            json::parse(R"({"key":"-100","meta":{"href":"/api/configuration/policies/time_policies/-100"}})"));
  const TestResponse certificates = c().get("/api/configuration/management/certificates");
  EXPECT_EQ(certificates.json().at("body").at("ca").at("x509_identity").at("meta").at("href"),
            "/api/configuration/x509/fbd684e1-e1ac-4f34-ad25-86c560c51e24");
  // Stored and committed as bare keys.
  auto stored = sim().committed_body("management/certificates");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->at("server"), "fd1c73e8-bcb8-4d13-991f-722f492dc074");
}

TEST_F(SimTreeTest, CollectionItemsOfADiscoveredKindArePostedPutAndDeleted) {
  const std::string path = "/api/configuration/policies/time_policies";
  const TestResponse created =
      c().post(path, R"({"name":"office","Mon":[["8:00","17:00"]],"Tue":[],"Wed":[],"Thu":[],)"
                     R"("Fri":[],"Sat":[],"Sun":[]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key(created.json().at("key").as_string());
  EXPECT_EQ(created.json().at("meta").at("href"), json::value(path + "/" + key));
  EXPECT_EQ(created.json().at("meta").at("previous"), json::value(path + "/-100"));
  // A channel policy rule now points at the new time policy, written as a bare key.
  const std::string channel = "/api/configuration/ssh/channel_policies/-10000";
  json::value body = c().get(channel).json().at("body");
  body.at("rules").at(0).as_object()["time_policy"] = key;
  ASSERT_EQ(c().put(channel, json::serialize(body)).status, 200);
  EXPECT_EQ(c().get(channel).json().at("body").at("rules").at(0).at("time_policy").at("meta").at("href"),
            json::value(path + "/" + key));
  ASSERT_EQ(commit().status, 200);
  // Deleting it while referenced fails at commit and names the referrer.
  ASSERT_EQ(c().del(path + "/" + key).status, 200);
  const TestResponse refused = commit();
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.json().at("error").at("type"), "SemanticError");
  EXPECT_THAT(problems(refused),
              ElementsAre(channel + "#/rules/0/time_policy: references " + path + "/" + key +
                          ", which this transaction deletes; change or delete the referring "
                          "object first"));
  ASSERT_EQ(c().del("/api/transaction").status, 200);
}

TEST_F(SimTreeTest, BackupHostKeyWrittenAsAnOpenSshLineReadsBackAsSelectionAndValue) {
  const std::string path = "/api/configuration/policies/backup_policies";
  const TestResponse created = c().post(
      path, R"({"name":"rsync","include_node_id_in_path":true,"notification_event":{"type":"none"},)"
            R"("target":{"type":"rsync","server":{"selection":"ip","value":"192.0.2.10"},"username":"u",)"
            R"("path":"/b","auth_key":null,"host_key":"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAYQ== root@b",)"
            R"("port":1122},"start_times":["23:00"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const TestResponse read = c().get(path + "/" + std::string(created.json().at("key").as_string()));
  EXPECT_EQ(read.json().at("body").at("target").at("host_key"),
            json::parse(R"({"selection":"rsa","value":"AAAAB3NzaC1yc2EAAAADAQABAAAAYQ=="})"));
}

TEST_F(SimTreeTest, BuiltInObjectsOfAnyKindCannotBeDeleted) {
  for (const char* path : {"/api/configuration/policies/time_policies/-100",
                           "/api/configuration/ssh/settings_policies/-300",
                           "/api/configuration/rdp/channel_policies/-20100"}) {
    SCOPED_TRACE(path);
    const TestResponse r = c().del(path);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json().at("error").at("type"), "SemanticError");
    EXPECT_EQ(c().get(path).status, 200);
  }
}

TEST_F(SimTreeTest, ReadOnlyEndpointsRefuseWrites) {
  const std::string license = "/api/configuration/management/license";
  const TestResponse read = c().get(license);
  ASSERT_EQ(read.status, 200);
  const TestResponse write = c().put(license, json::serialize(read.json().at("body")));
  EXPECT_EQ(write.status, 405);
  EXPECT_EQ(write.json().at("error").at("type"), "MethodNotAllowed");
  EXPECT_EQ(c().put("/api/configuration/aaa/acls", "[]").status, 405);
  EXPECT_FALSE(sim().transaction_open()) << "a refused write opens no transaction";
}

TEST_F(SimTreeTest, ACommitIsNotRejectedForBodiesNoSchemaDescribes) {
  // Discovered kinds are checked for referential integrity only.
  ASSERT_EQ(c().put("/api/configuration/network/naming",
                    R"({"hostname":"sps01","domainname":"example.com","field_from_a_newer_firmware":[1]})")
                .status,
            200);
  const TestResponse r = commit();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(sim().committed_body("network/naming")->at("field_from_a_newer_firmware"), json::parse("[1]"));
}

TEST_F(SimTreeTest, TestsCanSeedExtraPaths) {
  // load_state() accepts any path: a nested collection appears with its directories.
  json::value snapshot = sim().committed_snapshot();
  snapshot.as_object()["telnet/connections"] = json::parse(
      R"({"items":[{"key":"k1","body":{"name":"legacy","policies":{"channel_policy":{"key":"-10000",)"
      R"("meta":{"href":"/api/configuration/ssh/channel_policies/-10000"}}}}}]})");
  ASSERT_TRUE(sim().load_state(snapshot));
  EXPECT_THAT(keys(c().get("/api/configuration/telnet")), ElementsAre("connections"));
  const TestResponse item = c().get("/api/configuration/telnet/connections/k1");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json().at("body").at("policies").at("channel_policy").at("key"), "-10000");
  EXPECT_EQ(sim().committed_snapshot().at("telnet/connections").at("items").at(0).at("body").at("policies").at(
                "channel_policy"),
            "-10000");
}

}  // namespace
}  // namespace sps::testing
