// sps-sim fault injection and the request journal.
#include "support/sim_fixture.h"
#include "support/test_client.h"
#include "sim/store.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>

#include <fstream>
#include <future>

namespace sps::testing {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SimFaultTest : public SimFixture {
 protected:
  void SetUp() override {
    SimFixture::SetUp();
    c = std::make_unique<TestClient>(sim().port(), sim().ca_pem(), std::chrono::seconds(5));
    ASSERT_EQ(c->login().status, 200);
    sim().clear_journal();
  }
  std::unique_ptr<TestClient> c;
};

TEST_F(SimFaultTest, FailsTheNthMatchingRequestOnly) {
  sim().fail_nth(2, 503, "GET", "", "ServiceUnavailable");
  EXPECT_EQ(c->get("/api/info").status, 200);
  const TestResponse r = c->get("/api/info");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json().at("error").at("type"), "ServiceUnavailable");
  EXPECT_EQ(c->get("/api/info").status, 200);
  const auto journal = sim().journal();
  ASSERT_EQ(journal.size(), 3u);
  EXPECT_EQ(journal[1].fault, "status");
  EXPECT_FALSE(journal[1].applied);
  EXPECT_TRUE(journal[2].applied);
}

TEST_F(SimFaultTest, MatchesMethodAndPathGlob) {
  sim::Fault fault;
  fault.method = "PUT";
  fault.path = "/api/configuration/management/*";
  fault.status = 500;
  sim().add_fault(fault);
  EXPECT_EQ(c->get("/api/configuration/management/soap").status, 200);
  EXPECT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 500);
  EXPECT_EQ(c->put("/api/configuration/local_services/cluster",
                   R"({"enabled":false,"listen_address":null})").status, 200);
  // The failed PUT was not applied.
  EXPECT_EQ(c->get("/api/configuration/management/soap").json().at("body").at("enabled"), false);
}

TEST_F(SimFaultTest, DropBeforeClosesTheConnectionWithoutApplying) {
  sim::Fault fault = *sim::Fault::parse("drop=before,method=PUT,nth=1");
  sim().add_fault(fault);
  EXPECT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 0);
  EXPECT_EQ(c->last_outcome(), TransportOutcome::kClosed);
  EXPECT_EQ(c->get("/api/configuration/management/soap").json().at("body").at("enabled"), false);
  EXPECT_FALSE(sim().transaction_open());
  const auto journal = sim().journal();
  EXPECT_EQ(journal[0].fault, "drop-before");
  EXPECT_FALSE(journal[0].applied);
}

TEST_F(SimFaultTest, DropAfterAppliesButNeverAnswers) {
  sim().add_fault(*sim::Fault::parse("drop=after,method=PUT,path=/api/configuration/**,nth=1"));
  EXPECT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 0);
  EXPECT_EQ(c->last_outcome(), TransportOutcome::kClosed);
  // Same session, new connection: the change is in the pending transaction.
  EXPECT_EQ(c->get("/api/configuration/management/soap").json().at("body").at("enabled"), true);
  const auto journal = sim().journal();
  EXPECT_EQ(journal[0].fault, "drop-after");
  EXPECT_TRUE(journal[0].applied);
  EXPECT_EQ(journal[0].status, 200);
}

TEST_F(SimFaultTest, StallNeverAnswersButOtherClientsAreServed) {
  sim().add_fault(*sim::Fault::parse("stall,path=/api/info,nth=1"));
  TestClient stalled(sim().port(), sim().ca_pem(), std::chrono::milliseconds(500));
  EXPECT_EQ(stalled.get("/api/info").status, 0);
  EXPECT_EQ(stalled.last_outcome(), TransportOutcome::kTimeout);
  EXPECT_EQ(c->get("/api/info").status, 200);
}

TEST_F(SimFaultTest, LatencyDelaysAnswersWithoutSerialisingClients) {
  // Four concurrent clients with 1 s latency each: serialised they would need >= 4 s.
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<TestClient>(sim().port(), sim().ca_pem()));
    ASSERT_EQ(clients.back()->get("/api/info").status, 200);  // connect before timing
  }
  sim().set_latency(std::chrono::milliseconds(1000));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<int>> results;
  for (auto& client : clients) {
    results.push_back(std::async(std::launch::async, [&client] {
      return client->get("/api/info").status;
    }));
  }
  for (auto& result : results) EXPECT_EQ(result.get(), 200);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(1000));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3500));
}

TEST_F(SimFaultTest, AnotherAdminHoldsTheLock) {
  ASSERT_TRUE(sim().hold_lock("alice"));
  const TestResponse r = c->put("/api/configuration/management/soap", R"({"enabled":true})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json().at("error").at("details").at("locked_by"), "alice");
  EXPECT_THAT(std::string(r.json().at("error").at("message").as_string()), HasSubstr("alice"));
  EXPECT_EQ(c->post("/api/transaction", "").status, 409);
  sim().release_lock();
  EXPECT_EQ(c->post("/api/transaction", "").status, 201);
  EXPECT_FALSE(sim().hold_lock("bob"));  // now the REST session holds it
}

TEST_F(SimFaultTest, ExpireTransactionNowRollsBackAndEndsTheSession) {
  const std::string before = sim().committed_snapshot_text();
  ASSERT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 200);
  sim().expire_transaction();
  EXPECT_EQ(c->put("/api/transaction", R"({"status":"commit"})").status, 401);
  EXPECT_EQ(sim().committed_snapshot_text(), before);
}

TEST_F(SimFaultTest, ExpireRuleFiresOnAMatchingRequest) {
  sim().add_fault(*sim::Fault::parse("expire,method=PUT,path=/api/transaction"));
  ASSERT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 200);
  EXPECT_EQ(c->put("/api/transaction", R"({"status":"commit"})").status, 401);
  EXPECT_FALSE(sim().transaction_open());
}

TEST_F(SimFaultTest, RejectNextCommitOnceAndKeepTheTransactionOpen) {
  sim().reject_next_commit("disk full");
  ASSERT_EQ(c->put("/api/configuration/management/soap", R"({"enabled":true})").status, 200);
  const TestResponse r = c->put("/api/transaction", R"({"status":"commit"})");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("type"), "SemanticError");
  EXPECT_EQ(r.json().at("error").at("details").at("errors").at(0).at("message"), "disk full");
  EXPECT_TRUE(sim().transaction_open());
  EXPECT_EQ(c->put("/api/transaction", R"({"status":"commit"})").status, 200);
}

TEST_F(SimFaultTest, JournalRecordsTheExactSequence) {
  c->post("/api/transaction", "");
  c->put("/api/configuration/management/soap", R"({"enabled":true})");
  c->del("/api/transaction");
  EXPECT_THAT(sim().journal_lines(),
              ElementsAre("POST /api/transaction 201",
                          "PUT /api/configuration/management/soap 200",
                          "DELETE /api/transaction 200"));
  EXPECT_EQ(sim().journal()[1].user, "admin");
}

TEST_F(SimFaultTest, DebugJournalEndpointIsOffByDefault) {
  EXPECT_EQ(c->get("/api/_debug/journal").status, 404);
}

TEST(SimFaultSpecTest, ParsesTheGrammar) {
  auto status = sim::Fault::parse(
      "status=500,method=put,path=/api/configuration/policies/*,nth=3,type=InternalError");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->action, sim::FaultAction::kStatus);
  EXPECT_EQ(status->method, "PUT");
  EXPECT_EQ(status->path, "/api/configuration/policies/*");
  EXPECT_EQ(status->nth, 3u);
  EXPECT_EQ(status->status, 500);
  EXPECT_EQ(sim::Fault::parse("drop=after")->action, sim::FaultAction::kDropAfter);
  EXPECT_EQ(sim::Fault::parse("stall,method=GET")->action, sim::FaultAction::kStall);
  sim::Options options;
  ASSERT_TRUE(sim::apply_fault_spec("lock-held-by=alice", options));
  ASSERT_TRUE(sim::apply_fault_spec("reject-commit=2", options));
  EXPECT_EQ(options.lock_held_by, "alice");
  EXPECT_EQ(options.reject_commits, 2);
  for (const char* bad : {"", "nth=2", "status=abc", "drop=sideways", "status=500,colour=red",
                          "status=500,nth=0"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(sim::Fault::parse(bad));
  }
}

TEST(SimFaultSpecTest, GlobStarStopsAtSlashDoubleStarDoesNot) {
  EXPECT_TRUE(sim::glob_match("/api/configuration/*", "/api/configuration/x509"));
  EXPECT_FALSE(sim::glob_match("/api/configuration/*", "/api/configuration/policies/audit"));
  EXPECT_TRUE(sim::glob_match("/api/**", "/api/configuration/policies/audit"));
}

/// A simulator with the debug endpoint, a journal file and faults given as option specs.
class SimDebugTest : public SimFixture {
 protected:
  sim::Options sim_options() const override {
    sim::Options options = SimFixture::sim_options();
    options.debug_endpoints = true;
    options.journal_file = (temp_dir() / "journal.jsonl").string();
    EXPECT_TRUE(sim::apply_fault_spec("status=418,path=/api/info,nth=2,type=Teapot", options));
    EXPECT_TRUE(sim::apply_fault_spec("lock-held-by=carol", options));
    return options;
  }
};

TEST_F(SimDebugTest, CommandLineFaultsJournalFileAndDebugEndpoint) {
  TestClient c(sim().port(), sim().ca_pem());
  EXPECT_EQ(c.get("/api/info").status, 200);
  EXPECT_EQ(c.get("/api/info").status, 418);
  ASSERT_EQ(c.login().status, 200);
  EXPECT_EQ(c.post("/api/transaction", "").json().at("error").at("details").at("locked_by"), "carol");
  const TestResponse journal = c.get("/api/_debug/journal");
  ASSERT_EQ(journal.status, 200);
  EXPECT_EQ(journal.json().at("journal").as_array().size(), 4u);
  EXPECT_EQ(journal.json().at("journal").at(1).at("fault"), "status");

  std::ifstream file(temp_dir() / "journal.jsonl");
  std::vector<json::value> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 5u);  // including the debug request itself
  EXPECT_EQ(lines[1].at("status"), 418);
  EXPECT_EQ(lines[2].at("path"), "/api/authentication");
  EXPECT_EQ(lines[4].at("path"), "/api/_debug/journal");
}

}  // namespace
}  // namespace sps::testing
