// HttpsApplianceApi against an in-process sps-sim with injected faults: which requests are
// retried (reads) and which never are (writes), timeouts on a stalled server, and parallel
// reads over the keep-alive pool.
#include "appliance/rest_mapping.h"
#include "sim/sim.h"
#include "support/sim_fixture.h"
#include "transport/https_appliance_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sps::transport {
namespace {

using core::ErrorCode;
using std::chrono::milliseconds;

constexpr std::string_view kEmailPath = "/api/configuration/management/email";

/// Fixture: a running simulator, settings that reach it, and a recorder of retry waits.
class TransportRetryTest : public testing::SimFixture {
 protected:
  ConnectionSettings settings() {
    ConnectionSettings s;
    s.url = url();
    s.username = "admin";
    s.password = "admin";
    s.ca_file = ca_file();
    s.max_retries = 3;
    s.retry_base_delay = milliseconds(200);
    s.sleep = [this](milliseconds delay) { m_sleeps.push_back(delay); };
    s.random = [] { return 0.5; };
    return s;
  }

  std::unique_ptr<HttpsApplianceApi> logged_in_api(ConnectionSettings s) {
    auto api = HttpsApplianceApi::create(std::move(s));
    EXPECT_TRUE(api.has_value()) << (api ? "" : api.error().message);
    if (!api) {
      return nullptr;
    }
    const auto login = (*api)->login();
    EXPECT_TRUE(login) << (login ? "" : login.error().message);
    sim().clear_journal();
    return std::move(*api);
  }

  std::size_t journal_count(std::string_view method, std::string_view path) {
    const auto journal = sim().journal();
    return static_cast<std::size_t>(std::count_if(
        journal.begin(), journal.end(),
        [&](const sim::JournalEntry& e) { return e.method == method && e.path == path; }));
  }

  static sim::Fault status_fault(std::string method, std::string_view path, unsigned nth,
                                 int status) {
    sim::Fault fault;
    fault.action = sim::FaultAction::kStatus;
    fault.method = std::move(method);
    fault.path = std::string(path);
    fault.nth = nth;
    fault.status = status;
    fault.error_type = "ServiceUnavailable";
    return fault;
  }

  std::vector<milliseconds> m_sleeps;
};

TEST_F(TransportRetryTest, InjectedServiceUnavailableOnGetIsRetried) {
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  sim().add_fault(status_fault("GET", kEmailPath, 1, 503));
  sim().add_fault(status_fault("GET", kEmailPath, 2, 503));
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(email->status, 200);
  const std::vector<std::string> expected = {
      "GET /api/configuration/management/email 503 [status]",
      "GET /api/configuration/management/email 503 [status]",
      "GET /api/configuration/management/email 200"};
  EXPECT_EQ(sim().journal_lines(), expected);
  EXPECT_EQ(m_sleeps.size(), 2u);
}

TEST_F(TransportRetryTest, GivesUpAfterMaxRetriesWithExponentialBackoff) {
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  sim().add_fault(status_fault("GET", kEmailPath, 0, 503));
  const auto email = api->get(kEmailPath);
  ASSERT_FALSE(email);
  EXPECT_EQ(email.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(email.error().message.rfind("503 ServiceUnavailable", 0), 0u)
      << email.error().message;
  EXPECT_EQ(journal_count("GET", kEmailPath), 4u);  // first attempt + 3 retries
  // Full jitter with random() = 0.5: half of 200, 400 and 800 ms.
  const std::vector<milliseconds> expected = {milliseconds(100), milliseconds(200),
                                              milliseconds(400)};
  EXPECT_EQ(m_sleeps, expected);
}

TEST_F(TransportRetryTest, DroppedConnectionOnGetIsRetried) {
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  sim::Fault drop;
  drop.action = sim::FaultAction::kDropBefore;
  drop.method = "GET";
  drop.path = std::string(kEmailPath);
  drop.nth = 1;
  sim().add_fault(drop);
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(journal_count("GET", kEmailPath), 2u);
}

TEST_F(TransportRetryTest, WriteIsNotRetriedOnServiceUnavailable) {
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  sim().add_fault(status_fault("POST", appliance::kTransactionPath, 1, 503));
  const auto opened = api->post(appliance::kTransactionPath, boost::json::value());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(sim().journal_lines(), std::vector<std::string>{"POST /api/transaction 503 [status]"});
  EXPECT_TRUE(m_sleeps.empty());
}

TEST_F(TransportRetryTest, WriteIsNotRetriedWhenTheAnswerIsLost) {
  // Given a PUT that the appliance executes but never answers, expect one failed PUT: a
  // resend could apply it twice, so the outcome is left to the caller's rollback.
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email);
  sim::Fault drop;
  drop.action = sim::FaultAction::kDropAfter;
  drop.method = "PUT";
  drop.nth = 1;
  sim().add_fault(drop);
  const auto written = api->put(kEmailPath, email->body.at("body"));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(journal_count("PUT", kEmailPath), 1u);
}

TEST_F(TransportRetryTest, StalledServerHitsReadTimeout) {
  ConnectionSettings s = settings();
  s.timeouts.request = milliseconds(300);
  s.max_retries = 1;
  auto api = logged_in_api(std::move(s));
  ASSERT_NE(api, nullptr);
  sim::Fault stall;
  stall.action = sim::FaultAction::kStall;
  stall.method = "GET";
  stall.path = std::string(kEmailPath);
  sim().add_fault(stall);
  const auto email = api->get(kEmailPath);
  ASSERT_FALSE(email);
  EXPECT_EQ(email.error().code, ErrorCode::kTimeout);
  EXPECT_NE(email.error().message.find(
                "timed out after 300 ms reading the response to GET " + std::string(kEmailPath)),
            std::string::npos)
      << email.error().message;
  EXPECT_EQ(journal_count("GET", kEmailPath), 2u);  // a read is retried once, then gives up
}

TEST_F(TransportRetryTest, GetManyReturnsResultsInOrderOverSeveralConnections) {
  ConnectionSettings s = settings();
  s.parallelism = 4;
  // Latency keeps every connection busy, so the pool really works in parallel. Set before
  // the login, whose round trip sizes the waves (read_connections): at 50 ms, 8 reads take
  // all 4 connections --parallel allows.
  sim().set_latency(milliseconds(50));
  auto api = logged_in_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const std::vector<std::string> paths = {
      "/api/configuration/management/email",      "/api/configuration/management/syslog",
      "/api/configuration/management/webinterface", "/api/configuration/management/missing",
      "/api/configuration/local_services/user_web", "/api/configuration/local_services/admin_web",
      "/api/configuration/policies/backup_policies", "/api/configuration/policies/audit_policies",
  };
  const auto results = api->get_many(paths);
  ASSERT_EQ(results.size(), paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    SCOPED_TRACE(paths[i]);
    if (paths[i].ends_with("/missing")) {
      ASSERT_FALSE(results[i]);
      EXPECT_EQ(results[i].error().code, ErrorCode::kNotFound);
      continue;
    }
    ASSERT_TRUE(results[i]) << results[i].error().message;
    EXPECT_EQ(results[i]->body.at("meta").at("href").as_string(), paths[i]);
  }
  // The login connection plus three more: every worker had its own connection, and the
  // three resumed the login connection's TLS session instead of a full handshake.
  EXPECT_EQ(api->stats().connections_opened, 4);
  EXPECT_EQ(api->stats().connections_resumed, 3);

  // A second batch reuses the keep-alive connections.
  const auto again = api->get_many(paths);
  EXPECT_EQ(again.size(), paths.size());
  EXPECT_EQ(api->stats().connections_opened, 4);
}

TEST_F(TransportRetryTest, GetManyRetriesOnlyTheFailedRequests) {
  auto api = logged_in_api(settings());
  ASSERT_NE(api, nullptr);
  sim().add_fault(status_fault("GET", "/api/configuration/management/syslog", 1, 502));
  const std::vector<std::string> paths = {"/api/configuration/management/email",
                                          "/api/configuration/management/syslog",
                                          "/api/configuration/management/webinterface"};
  const auto results = api->get_many(paths);
  ASSERT_EQ(results.size(), paths.size());
  for (const auto& result : results) {
    EXPECT_TRUE(result) << result.error().message;
  }
  EXPECT_EQ(journal_count("GET", paths[0]), 1u);
  EXPECT_EQ(journal_count("GET", paths[1]), 2u);
  EXPECT_EQ(journal_count("GET", paths[2]), 1u);
  EXPECT_EQ(m_sleeps.size(), 1u);
}

}  // namespace
}  // namespace sps::transport
