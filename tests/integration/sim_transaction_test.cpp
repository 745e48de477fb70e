// sps-sim transactions: lock, pending state, changelog, commit validation, rollback, expiry.
#include "support/sim_fixture.h"
#include "support/test_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class SimTransactionTest : public SimFixture {
 protected:
  void SetUp() override {
    SimFixture::SetUp();
    a = std::make_unique<TestClient>(sim().port(), sim().ca_pem());
    b = std::make_unique<TestClient>(sim().port(), sim().ca_pem());
    ASSERT_EQ(a->login().status, 200);
    ASSERT_EQ(b->login().status, 200);
  }

  static std::string nfs_policy(const std::string& name) {
    return R"({"name":")" + name + R"(","include_node_id_in_path":false,)"
           R"("notification_event":{"type":"none"},)"
           R"("target":{"type":"nfs","server":{"selection":"ip","value":"10.0.0.5"},"path":"/b"},)"
           R"("start_times":["02:00"]})";
  }
  static std::string smb_policy(const std::string& name, const std::string& password_key) {
    return R"({"name":")" + name + R"(","include_node_id_in_path":false,)"
           R"("notification_event":{"type":"none"},)"
           R"("target":{"type":"smb","server":{"selection":"ip","value":"10.0.0.6"},"path":"/b",)"
           R"("share":"backup","authentication":{"selection":"password","username":"u",)"
           R"("password":")" + password_key + R"("}},"start_times":["02:00"]})";
  }
  std::string create(TestClient& c, const std::string& collection, const std::string& body) {
    const TestResponse r = c.post("/api/configuration/" + collection, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("key").as_string()) : std::string();
  }
  TestResponse commit(TestClient& c, const std::string& message = "test") {
    return c.put("/api/transaction", R"({"status":"commit","commit_message":")" + message + "\"}");
  }
  /// The messages of a SemanticError's details.errors.
  static std::vector<std::string> problems(const TestResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.json().at("error").at("details").at("errors").as_array()) {
      out.push_back(std::string(e.at("path").as_string()) + std::string(e.at("pointer").as_string()) +
                    ": " + std::string(e.at("message").as_string()));
    }
    return out;
  }

  std::unique_ptr<TestClient> a;
  std::unique_ptr<TestClient> b;
};

TEST_F(SimTransactionTest, OpeningRequiresContentLength) {
  EXPECT_EQ(a->send({"POST", "/api/transaction", {}, {}, false}).status, 411);
  EXPECT_FALSE(sim().transaction_open());
}

TEST_F(SimTransactionTest, OpenChangeInspectCommit) {
  const TestResponse closed = a->get("/api/transaction");
  EXPECT_EQ(closed.json().at("body").at("status"), "closed");
  EXPECT_FALSE(closed.json().at("meta").as_object().contains("remaining_seconds"));

  const TestResponse opened = a->post("/api/transaction", "");
  ASSERT_EQ(opened.status, 201);
  EXPECT_EQ(opened.json().at("body").at("status"), "open");
  EXPECT_EQ(opened.json().at("meta").at("remaining_seconds"), 600);
  EXPECT_EQ(opened.json().at("meta").at("changes"), "/api/transaction/changes");

  ASSERT_EQ(a->put("/api/configuration/management/webinterface", R"({"timeout":15})").status, 200);
  const TestResponse changes = a->get("/api/transaction/changes");
  ASSERT_EQ(changes.status, 200);
  EXPECT_EQ(changes.json().at("changes"), json::parse(R"([{"type":"replace",
      "path":"/api/configuration/management/webinterface",
      "old_value":{"timeout":20},"new_value":{"timeout":15}}])"));
  EXPECT_EQ(changes.json().at("meta").at("parent"), "/api/transaction");

  const TestResponse done = commit(*a, "change timeout");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json().at("body").at("status"), "closed");
  EXPECT_EQ(done.json().at("body").at("commit_message"), "change timeout");
  EXPECT_FALSE(sim().transaction_open());
  EXPECT_EQ(*sim().committed_body("management/webinterface"), json::parse(R"({"timeout":15})"));
}

TEST_F(SimTransactionTest, FirstWriteOpensTheTransactionAutomatically) {
  ASSERT_EQ(a->put("/api/configuration/management/webinterface", R"({"timeout":15})").status, 200);
  EXPECT_TRUE(sim().transaction_open());
  EXPECT_EQ(a->get("/api/transaction").json().at("body").at("status"), "open");
}

TEST_F(SimTransactionTest, PendingChangesAreVisibleToTheHolderOnly) {
  ASSERT_EQ(a->put("/api/configuration/management/webinterface", R"({"timeout":15})").status, 200);
  EXPECT_EQ(a->get("/api/configuration/management/webinterface").json().at("body").at("timeout"), 15);
  const TestResponse other = b->get("/api/configuration/management/webinterface");
  EXPECT_EQ(other.json().at("body").at("timeout"), 20);
  EXPECT_FALSE(other.json().at("meta").as_object().contains("remaining_seconds"));
  EXPECT_EQ(b->get("/api/transaction").json().at("body").at("status"), "closed");
  EXPECT_EQ(b->get("/api/transaction/changes").json().at("changes"), json::array{});
}

TEST_F(SimTransactionTest, SecondSessionGetsLockErrorNamingTheHolder) {
  ASSERT_EQ(a->post("/api/transaction", "").status, 201);
  for (const TestResponse& r :
       {b->put("/api/configuration/management/webinterface", R"({"timeout":15})"),
        b->post("/api/transaction", ""), b->del("/api/transaction"),
        b->put("/api/transaction", R"({"status":"commit"})")}) {
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json().at("error").at("type"), "ConfigurationLocked");
    EXPECT_EQ(r.json().at("error").at("details").at("locked_by"), "admin");
  }
  ASSERT_EQ(a->del("/api/transaction").status, 200);
  EXPECT_EQ(b->post("/api/transaction", "").status, 201);
}

TEST_F(SimTransactionTest, RollbackRestoresTheExactPreTransactionState) {
  const std::string kept = create(*a, "policies/backup_policies", nfs_policy("kept"));
  ASSERT_EQ(commit(*a).status, 200);
  const std::string before = sim().committed_snapshot_text();

  create(*a, "policies/backup_policies", nfs_policy("added"));
  create(*a, "passwords", R"({"plain":"pw"})");
  ASSERT_EQ(a->put("/api/configuration/management/email", R"({"admin_address":"x@y.z"})").status, 200);
  ASSERT_EQ(a->del("/api/configuration/policies/backup_policies/" + kept).status, 200);
  const TestResponse rolled = a->del("/api/transaction");
  ASSERT_EQ(rolled.status, 200);
  EXPECT_EQ(rolled.json(), json::parse(R"({"meta":{"href":"/api/transaction","parent":"/api"}})"));

  EXPECT_EQ(sim().committed_snapshot_text(), before);
  EXPECT_FALSE(sim().transaction_open());
  const TestResponse listing = a->get("/api/configuration/policies/backup_policies");
  ASSERT_EQ(listing.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(listing.json().at("items").at(0).at("key"), json::value(kept));
}

TEST_F(SimTransactionTest, ChangelogListsCreateReplaceDeleteInOrder) {
  const std::string old_key = create(*a, "policies/backup_policies", nfs_policy("old"));
  ASSERT_EQ(commit(*a).status, 200);
  const std::string new_key = create(*a, "policies/backup_policies", nfs_policy("new"));
  ASSERT_EQ(a->put("/api/configuration/management/soap", R"({"enabled":true})").status, 200);
  ASSERT_EQ(a->del("/api/configuration/policies/backup_policies/" + old_key).status, 200);
  const json::array changes = a->get("/api/transaction/changes").json().at("changes").as_array();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].at("type"), "create");
  EXPECT_EQ(changes[0].at("path"), json::value("/api/configuration/policies/backup_policies/" + new_key));
  EXPECT_EQ(changes[0].at("new_value").at("name"), "new");
  EXPECT_EQ(changes[1].at("type"), "replace");
  EXPECT_EQ(changes[1].at("old_value"), json::parse(R"({"enabled":false})"));
  EXPECT_EQ(changes[2].at("type"), "delete");
  EXPECT_EQ(changes[2].at("old_value").at("name"), "old");
}

TEST_F(SimTransactionTest, ExpiryRollsBackAndTerminatesTheSession) {
  const std::string before = sim().committed_snapshot_text();
  ASSERT_EQ(a->put("/api/configuration/management/soap", R"({"enabled":true})").status, 200);
  sim().advance_clock(std::chrono::seconds(601));
  const TestResponse r = a->get("/api/transaction");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(std::string(r.json().at("error").at("message").as_string()), HasSubstr("timed out"));
  EXPECT_FALSE(sim().transaction_open());
  EXPECT_EQ(sim().committed_snapshot_text(), before);
  EXPECT_EQ(b->post("/api/transaction", "").status, 201);  // the lock is free again
}

TEST_F(SimTransactionTest, EveryRequestOfTheHolderResetsTheTimeout) {
  ASSERT_EQ(a->post("/api/transaction", "").status, 201);
  sim().advance_clock(std::chrono::seconds(500));
  ASSERT_EQ(a->get("/api/configuration/management/soap").status, 200);
  sim().advance_clock(std::chrono::seconds(500));
  const TestResponse r = a->get("/api/transaction");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("body").at("status"), "open");
  EXPECT_EQ(r.json().at("meta").at("remaining_seconds"), 600);
}

TEST_F(SimTransactionTest, CommitRejectsDanglingReferenceAndKeepsTheTransactionOpen) {
  std::string bad = smb_policy("bad", "0123456789abcdef012345");  // no such password object
  const std::string key = create(*a, "policies/backup_policies", bad);
  const TestResponse r = commit(*a);
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("type"), "SemanticError");
  const json::value& first = r.json().at("error").at("details").at("errors").at(0);
  EXPECT_EQ(first.at("path"), json::value("/api/configuration/policies/backup_policies/" + key));
  EXPECT_EQ(first.at("pointer"), "/target/authentication/password");
  EXPECT_EQ(a->get("/api/transaction").json().at("body").at("status"), "open");
  ASSERT_EQ(a->del("/api/configuration/policies/backup_policies/" + key).status, 200);
  EXPECT_EQ(commit(*a).status, 200);
}

TEST_F(SimTransactionTest, CommitDoesNotJudgeBodiesByTheClientsSchemas) {
  // Field rules are not documented as commit-time checks: an empty start_times list (which
  // the curated schema refuses) commits.
  std::string body = nfs_policy("no-schedule");
  body.replace(body.find(R"(["02:00"])"), 9, "[]");
  create(*a, "policies/backup_policies", body);
  EXPECT_EQ(commit(*a).status, 200);
}

TEST_F(SimTransactionTest, CommitRejectsDanglingReference) {
  ASSERT_EQ(a->put("/api/configuration/management/system_backup",
                   R"({"backup_policy":"0123456789abcdef012345"})").status, 200);
  const TestResponse r = commit(*a);
  ASSERT_EQ(r.status, 400);
  EXPECT_THAT(problems(r), ::testing::ElementsAre(
                               "/api/configuration/management/system_backup/backup_policy: "
                               "references /api/configuration/policies/backup_policies/"
                               "0123456789abcdef012345, which does not exist"));
}

TEST_F(SimTransactionTest, CommitRejectsDeletingAReferencedObject) {
  const std::string key = create(*a, "policies/backup_policies", nfs_policy("used"));
  ASSERT_EQ(a->put("/api/configuration/management/system_backup",
                   R"({"backup_policy":")" + key + "\"}").status, 200);
  ASSERT_EQ(commit(*a).status, 200);
  ASSERT_EQ(a->del("/api/configuration/policies/backup_policies/" + key).status, 200);
  const TestResponse r = commit(*a);
  ASSERT_EQ(r.status, 400);
  ASSERT_EQ(problems(r).size(), 1u);
  EXPECT_THAT(problems(r)[0], HasSubstr("which this transaction deletes"));
  EXPECT_THAT(problems(r)[0], HasSubstr("/api/configuration/management/system_backup"));
}

TEST_F(SimTransactionTest, CommitRejectsAPasswordObjectReferencedTwice) {
  const std::string pw = create(*a, "passwords", R"({"plain":"pw"})");
  create(*a, "policies/backup_policies", smb_policy("one", pw));
  create(*a, "policies/backup_policies", smb_policy("two", pw));
  const TestResponse r = commit(*a);
  ASSERT_EQ(r.status, 400) << r.body;
  ASSERT_EQ(problems(r).size(), 1u);
  EXPECT_THAT(problems(r)[0], HasSubstr("can be referenced only once"));
}

TEST_F(SimTransactionTest, CommitWithoutTransactionIsRejected) {
  const TestResponse r = commit(*a);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("type"), "SemanticError");
}

TEST_F(SimTransactionTest, DeleteWithoutTransactionIsHarmless) {
  EXPECT_EQ(a->del("/api/transaction").status, 200);
  EXPECT_EQ(a->send({"PATCH", "/api/transaction", std::string("{}"), {}, true}).status, 405);
}

TEST_F(SimTransactionTest, DefaultSeedPassesCommitValidation) {
  ASSERT_EQ(a->post("/api/transaction", "").status, 201);
  const TestResponse r = commit(*a);
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace sps::testing
