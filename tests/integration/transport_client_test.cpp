// HttpsApplianceApi against an in-process sps-sim over real TLS on loopback: login, TLS
// verification, and the error messages a user sees for each kind of failure.
#include "appliance/rest_mapping.h"
#include "sim/sim.h"
#include "support/sim_fixture.h"
#include "transport/https_appliance_api.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace sps::transport {
namespace {

using core::ErrorCode;

constexpr std::string_view kEmailPath = "/api/configuration/management/email";

/// Fixture: a running simulator plus settings that reach it and collect log lines.
class TransportClientTest : public testing::SimFixture {
 protected:
  sim::Options sim_options() const override {
    sim::Options options = SimFixture::sim_options();
    options.users.push_back({"auditor", "auditor-Pa55word", true});
    return options;
  }

  ConnectionSettings settings() {
    ConnectionSettings s;
    s.url = url();
    s.username = "admin";
    s.password = "admin";
    s.ca_file = ca_file();
    s.log = [this](core::LogLevel, std::string_view line) { m_log.emplace_back(line); };
    s.sleep = [](std::chrono::milliseconds) {};  // no real waiting between retries
    s.random = [] { return 0.5; };
    return s;
  }

  std::unique_ptr<HttpsApplianceApi> make_api(ConnectionSettings s) {
    auto api = HttpsApplianceApi::create(std::move(s));
    EXPECT_TRUE(api.has_value()) << (api ? "" : api.error().message);
    return api ? std::move(*api) : nullptr;
  }

  std::size_t journal_count(std::string_view method, std::string_view path) {
    const auto journal = sim().journal();
    return static_cast<std::size_t>(std::count_if(
        journal.begin(), journal.end(),
        [&](const sim::JournalEntry& e) { return e.method == method && e.path == path; }));
  }

  std::string write_temp(const std::string& name, const std::string& text) {
    const auto path = temp_dir() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::vector<std::string> m_log;
};

TEST_F(TransportClientTest, LogsInAndGetsWithSessionCookie) {
  auto api = make_api(settings());
  ASSERT_NE(api, nullptr);
  ASSERT_TRUE(api->login());
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(email->status, 200);
  EXPECT_EQ(email->body.at("key").as_string(), "email");
  // Exactly one login: the GET was authenticated by the session cookie alone.
  EXPECT_EQ(journal_count("GET", appliance::kAuthenticationPath), 1u);
  const auto journal = sim().journal();
  ASSERT_FALSE(journal.empty());
  EXPECT_EQ(journal.back().path, kEmailPath);
  EXPECT_EQ(journal.back().user, "admin");
}

TEST_F(TransportClientTest, FirstRequestLogsInWhenThereIsNoSession) {
  auto api = make_api(settings());
  ASSERT_NE(api, nullptr);
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(sim().journal_lines().front().rfind("GET /api/authentication 200", 0), 0u);
}

// The connection opened ahead (preconnect: TCP and TLS, no request, its log lines held) is
// the one the login and the reads use, although the server's session tickets wait on it.
TEST_F(TransportClientTest, ReusesOneKeepAliveConnectionForSequentialRequests) {
  auto api = make_api(settings());
  ASSERT_NE(api, nullptr);
  api->preconnect();
  EXPECT_TRUE(sim().journal().empty());
  EXPECT_TRUE(m_log.empty()) << ::testing::PrintToString(m_log);
  ASSERT_TRUE(api->login());
  ASSERT_FALSE(m_log.empty());
  EXPECT_NE(m_log.front().find("connection 1 to "), std::string::npos) << m_log.front();
  EXPECT_NE(m_log.front().find(" established"), std::string::npos) << m_log.front();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(api->get(kEmailPath));
  }
  EXPECT_EQ(api->stats().connections_opened, 1);
  EXPECT_EQ(api->stats().requests_sent, 4);
}

TEST_F(TransportClientTest, WrongCaFailsWithActionableTlsError) {
  // Given a CA file of a different simulator, expect a verification failure before any
  // request reaches the server, telling the user how to pass the right CA.
  sim::Simulator other;
  ASSERT_TRUE(other.start());
  const std::string wrong_ca = write_temp("other-ca.pem", other.ca_pem());
  other.stop();

  ConnectionSettings s = settings();
  s.ca_file = wrong_ca;
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  api->preconnect();  // fails the same way, silently: the login reports it
  const auto result = api->login();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("could not be verified"), std::string::npos) << message;
  EXPECT_NE(message.find("--ca-file"), std::string::npos) << message;
  EXPECT_NE(message.find("SPS_CA_FILE"), std::string::npos) << message;
  EXPECT_NE(message.find("--insecure"), std::string::npos) << message;
  EXPECT_TRUE(sim().journal().empty());
}

// The two TLS mistakes people make with a right CA: a URL with a name the certificate does
// not have (the error lists the names it has), and https:// to a plain-HTTP port.
TEST_F(TransportClientTest, TlsErrorsSayWhichNameOrPortToUse) {
  ConnectionSettings s = settings();
  // "127.1" resolves to 127.0.0.1 (inet_aton) but is none of the certificate's names.
  s.url = "https://127.1:" + url().substr(url().rfind(':') + 1);
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  auto result = api->login();
  ASSERT_FALSE(result);
  std::string message = result.error().message;
  EXPECT_NE(message.find("does not match the host name '127.1'; it is issued for: 127.0.0.1, ::1, localhost"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("use --url with a name the certificate has"), std::string::npos) << message;
  EXPECT_EQ(message.find("--insecure"), std::string::npos) << message;

  // A plain-HTTP server: answers 400 to whatever it reads, as web servers do to a ClientHello.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::thread http([listener] {
    for (int i = 0; i < 4; ++i) {  // the client may retry
      const int c = ::accept(listener, nullptr, nullptr);
      if (c < 0) return;
      char buffer[1024];
      (void)::read(c, buffer, sizeof buffer);
      const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::write(c, answer.data(), answer.size());
      ::close(c);
    }
  });
  s = settings();
  s.url = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  result = api->login();
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  http.join();
  ASSERT_FALSE(result);
  message = result.error().message;
  EXPECT_NE(message.find("the server answered in plain HTTP, not TLS"), std::string::npos) << message;
  EXPECT_NE(message.find("is not an HTTPS port"), std::string::npos) << message;
}

TEST_F(TransportClientTest, SystemStoreDoesNotTrustTheSimulator) {
  ConnectionSettings s = settings();
  s.ca_file.clear();
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const auto result = api->login();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("could not be verified"), std::string::npos)
      << result.error().message;
}

TEST_F(TransportClientTest, InsecureSkipsVerification) {
  ConnectionSettings s = settings();
  s.ca_file.clear();
  s.insecure = true;
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const auto result = api->login();
  EXPECT_TRUE(result) << result.error().message;
}

TEST_F(TransportClientTest, WrongPasswordFailsWithOneLoginRequest) {
  ConnectionSettings s = settings();
  s.password = "Wr0ng-Pa55word";
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const auto result = api->login();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(result.error().message.find("'admin'"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("password"), std::string::npos);
  EXPECT_EQ(result.error().message.find("Wr0ng-Pa55word"), std::string::npos);
  EXPECT_EQ(result.error().detail.find("Wr0ng-Pa55word"), std::string::npos);
  EXPECT_EQ(journal_count("GET", appliance::kAuthenticationPath), 1u);
  // One login, then the anonymous listing of the login methods for the message.
  EXPECT_EQ(journal_count("GET", "/api/authentication/login_methods"), 1u);
  EXPECT_EQ(sim().journal().size(), 2u);
  EXPECT_NE(result.error().message.find("The appliance offers these login methods: local"), std::string::npos)
      << result.error().message;
}

TEST_F(TransportClientTest, WrongPasswordOnFirstGetDoesNotStorm) {
  ConnectionSettings s = settings();
  s.password = "Wr0ng-Pa55word";
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const std::vector<std::string> paths(5, std::string(kEmailPath));
  const auto results = api->get_many(paths);
  ASSERT_EQ(results.size(), paths.size());
  for (const auto& result : results) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  }
  // One login (and the listing of login methods for the message), not one per GET.
  EXPECT_EQ(journal_count("GET", appliance::kAuthenticationPath), 1u);
  EXPECT_EQ(sim().journal().size(), 2u);
}

TEST_F(TransportClientTest, ConnectionRefusedNamesHostAndPort) {
  sim::Simulator stopped;
  ASSERT_TRUE(stopped.start());
  const std::uint16_t port = stopped.port();
  stopped.stop();

  ConnectionSettings s = settings();
  s.url = "https://127.0.0.1:" + std::to_string(port);
  s.max_retries = 1;
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const auto result = api->login();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().message,
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST_F(TransportClientTest, SilentServerHitsHandshakeTimeout) {
  // Given a socket that listens but never speaks TLS (the kernel completes the TCP
  // handshake from the backlog), expect the TLS phase to time out and be named.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  ConnectionSettings s = settings();
  s.url = "https://127.0.0.1:" + std::to_string(port);
  s.timeouts.handshake = std::chrono::milliseconds(200);
  s.max_retries = 0;
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  const auto result = api->login();
  ::close(listener);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(result.error().message, "timed out after 200 ms during the TLS handshake with "
                                    "127.0.0.1:" + std::to_string(port));
}

TEST_F(TransportClientTest, ExpiredSessionLogsInAgainOnce) {
  auto api = make_api(settings());
  ASSERT_NE(api, nullptr);
  ASSERT_TRUE(api->login());
  sim().clear_journal();
  sim().advance_clock(std::chrono::hours(1));  // past any idle timeout
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email) << email.error().message;
  const std::vector<std::string> expected = {
      "GET /api/configuration/management/email 401", "GET /api/authentication 200",
      "GET /api/configuration/management/email 200"};
  EXPECT_EQ(sim().journal_lines(), expected);
}

TEST_F(TransportClientTest, ReadOnlyUserGetsPermissionDeniedWithHint) {
  ConnectionSettings s = settings();
  s.username = "auditor";
  s.password = "auditor-Pa55word";
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  ASSERT_TRUE(api->login());
  const auto result = api->post(appliance::kTransactionPath, boost::json::value());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(result.error().message.rfind("403 ", 0), 0u) << result.error().message;
  EXPECT_NE(result.error().message.find("POST /api/transaction"), std::string::npos);
  EXPECT_NE(result.error().message.find("privilege"), std::string::npos);
}

TEST_F(TransportClientTest, MissingEndpointIsNotFoundWithFirmwareHint) {
  auto api = make_api(settings());
  ASSERT_NE(api, nullptr);
  const auto result = api->get("/api/configuration/management/no_such_thing");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(result.error().message.rfind("404 ", 0), 0u) << result.error().message;
  EXPECT_NE(result.error().message.find("firmware"), std::string::npos);
  // Not retried: 404 is an answer, not a transient failure.
  EXPECT_EQ(journal_count("GET", "/api/configuration/management/no_such_thing"), 1u);
}

TEST_F(TransportClientTest, LogLinesCarryNoSecrets) {
  ConnectionSettings s = settings();
  s.password = "Sup3r-Secret-Pa55";
  sim::Options options = sim_options();
  options.users = {{"admin", "Sup3r-Secret-Pa55", false}};
  restart_sim(options);
  s.url = url();
  s.ca_file = ca_file();
  auto api = make_api(std::move(s));
  ASSERT_NE(api, nullptr);
  ASSERT_TRUE(api->login());
  const auto email = api->get(kEmailPath);
  ASSERT_TRUE(email);
  // A write too (it opens a transaction on the simulator); its outcome does not matter here.
  (void)api->put(kEmailPath, email->body.at("body"));
  (void)api->del(appliance::kTransactionPath);
  ASSERT_FALSE(m_log.empty());
  bool saw_email = false;
  for (const std::string& line : m_log) {
    SCOPED_TRACE(line);
    EXPECT_EQ(line.find("Sup3r-Secret-Pa55"), std::string::npos);
    EXPECT_EQ(line.find(appliance::base64_encode("admin:Sup3r-Secret-Pa55")), std::string::npos);
    EXPECT_EQ(line.find("session_id"), std::string::npos);
    EXPECT_EQ(line.find("Cookie"), std::string::npos);
    EXPECT_EQ(line.find("Basic"), std::string::npos);
    saw_email = saw_email || line.rfind("GET /api/configuration/management/email -> 200", 0) == 0;
  }
  EXPECT_TRUE(saw_email);
}

}  // namespace
}  // namespace sps::transport
