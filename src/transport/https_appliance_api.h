#pragma once
// The production appliance::ApplianceApi: the SPS REST API over HTTPS (HttpsClient).
//
// It logs in with HTTP Basic (GET /api/authentication) and sends the session_id cookie it
// gets back on every request, on every pooled connection. Reads are retried with
// exponential backoff and full jitter on connection failures and 502/503/504, and after one
// re-login on a 401 (an expired session); writes are sent exactly once. A 401 at login
// fails at once: a wrong password must not turn into a burst of failed logins that locks
// the account.
//
// Everything it reports is safe to print: errors and log lines carry the method, path,
// status and duration, never headers, cookies, credentials or bodies.
//
// Example:
//   transport::ConnectionSettings settings;
//   settings.url = "https://sps.example.com";
//   settings.username = "admin";
//   settings.password = read_password_file(...);
//   settings.ca_file = "/etc/sps/ca.pem";
//   auto api = transport::HttpsApplianceApi::create(std::move(settings));
//   if (!api) return api.error();
//   if (auto ok = (*api)->login(); !ok) return ok.error();
//   auto email = (*api)->get(appliance::kind_path("management/email"));
#include "appliance/appliance_api.h"
#include "transport/https_client.h"
#include "transport/retry.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <thread>
#include <vector>

namespace sps::transport {

/// Where the appliance is, who we are, and how patient to be. The same settings every
/// command that talks to an appliance takes (--url, --username, --password-file, ...).
struct ConnectionSettings {
  std::string url;       // "https://host[:port]"; no credentials, no path
  std::string username;
  std::string password;  // secret: never printed, never logged
  std::string ca_file;   // PEM; empty = system CA store
  bool insecure = false; // only from an explicit --insecure
  /// The appliance's login method to use (?login_method=NAME); empty = its default.
  std::string login_method;
  /// X.509 login: a client certificate instead of username and password.
  ClientIdentity identity;
  Timeouts timeouts;
  int parallelism = 4;   // keep-alive connections for get_many
  int max_retries = 3;   // resends of a read after the first attempt
  std::uint64_t max_response_bytes = kDefaultMaxResponseBytes;  // one answer's body
  /// Non-empty = stop now (see ClientOptions::should_stop); also ends retries and their
  /// waits. Optional.
  std::function<std::string()> should_stop;
  std::chrono::milliseconds retry_base_delay{200};
  std::chrono::milliseconds retry_max_delay{5'000};
  /// Log lines at their levels (HttpsClient's, and warnings about retries and the logout).
  /// Optional.
  core::LogFunction log;
  /// Waits between retries; default sleeps in short steps, ending early when should_stop()
  /// fires. Tests inject a recorder.
  std::function<void(std::chrono::milliseconds)> sleep;
  /// Random numbers in [0, 1) for the jitter; default a randomly seeded generator.
  std::function<double()> random;
  /// Optional ready TLS context (tests); overrides ca_file and insecure (see ClientOptions).
  std::shared_ptr<boost::asio::ssl::context> tls_context;
};

/// Host and port of an appliance URL.
struct ApplianceEndpoint {
  std::string host;  // IPv6 without brackets
  std::uint16_t port = 443;
};

/// Parses "https://host[:port][/]". Fails with kInvalidArgument for other schemes, embedded
/// credentials (the message never repeats them) or a path.
core::Result<ApplianceEndpoint> parse_appliance_url(std::string_view url);

/// See the file comment. Not thread-safe: use from one thread.
class HttpsApplianceApi final : public appliance::ApplianceApi {
 public:
  /// Validates the settings and prepares TLS; does not connect (login() or the first
  /// request does). Fails with kInvalidArgument on a bad URL or CA file.
  static core::Result<std::unique_ptr<HttpsApplianceApi>> create(ConnectionSettings settings);

  /// Opens the first connection (TCP and TLS handshake, no request: nothing reaches the
  /// REST API, no credentials are sent), so that login() finds it ready. A command calls it
  /// on a thread of its own while it loads the desired state; the client is not used by any
  /// other thread meanwhile. Its log lines are held and written by the next call, on the
  /// caller's thread. Best effort: login() meets and reports any failure itself.
  void preconnect() override;

  /// Logs in; kUnauthenticated on a 401 with a message naming the user, never the password,
  /// and listing the login methods the appliance offers.
  core::Result<void> login() override;
  void logout() override;
  /// Sends the logout on a thread of its own and returns at once, so that the work after
  /// the last read (normalizing, diffing, rendering, saving the plan) overlaps its round
  /// trip. logout(), any other call and the destructor wait for its answer first; its log
  /// lines are written then, on the caller's thread. The client is never used by two
  /// threads at once.
  void start_logout() override;
  /// The appliance's login methods, for messages: "local (local: password, x509), ..."
  /// from GET /api/authentication/login_methods (7.1+), else /api/authentication/types
  /// (6.x); empty when neither answers.
  std::string offered_login_methods();
  /// Logs in first when there is no session yet.
  core::Result<appliance::Response> get(std::string_view path) override;
  std::vector<core::Result<appliance::Response>> get_many(
      std::span<const std::string> paths) override;
  /// A null body is sent as an empty body (Content-Length: 0).
  core::Result<appliance::Response> post(std::string_view path,
                                         const boost::json::value& body) override;
  core::Result<appliance::Response> put(std::string_view path,
                                        const boost::json::value& body) override;
  core::Result<appliance::Response> del(std::string_view path) override;

  /// Connection and request counters of the underlying client.
  ClientStats stats() {
    finish_logout();
    return m_client->stats();
  }

  ~HttpsApplianceApi() override;
  HttpsApplianceApi(const HttpsApplianceApi&) = delete;
  HttpsApplianceApi& operator=(const HttpsApplianceApi&) = delete;

  /// Log lines, passed on to ConnectionSettings::log, or held while the logout runs on its
  /// own thread (the log usually writes to the terminal the caller writes to).
  struct LogRelay {
    core::LogFunction target;
    bool holding = false;  // changed only while no other thread uses the client
    std::vector<std::pair<core::LogLevel, std::string>> held;
    void operator()(core::LogLevel level, std::string_view line);
    void release();
  };

 private:
  HttpsApplianceApi(ConnectionSettings settings, std::unique_ptr<HttpsClient> client,
                    std::shared_ptr<LogRelay> relay);
  /// The logout request itself (the caller's thread or the logout thread).
  void send_logout();
  /// Waits for a logout started by start_logout(), then writes its log lines.
  void finish_logout();

  HttpRequest make_request(Method method, std::string_view path, std::string body) const;
  core::Result<appliance::Response> finish(Method method, std::string_view path,
                                           const ClientResult<HttpResponse>& result) const;
  core::Result<appliance::Response> write(Method method, std::string_view path,
                                          const boost::json::value* body);
  void log(core::LogLevel level, const std::string& line) const;
  /// The error with our own password, Basic credentials and session id masked wherever an
  /// answer repeated them (an error page echoing the request), in case redact_credentials
  /// did not recognise the form they were echoed in.
  core::Error without_credentials(core::Error error) const;

  ConnectionSettings m_settings;
  RetryPolicy m_retry;
  std::unique_ptr<HttpsClient> m_client;
  std::string m_session_id;  // secret: the session_id cookie value
  std::shared_ptr<LogRelay> m_relay;
  /// The login's round trip (HttpResponse::round_trip): sizes the read waves
  /// (read_connections in retry.h).
  std::chrono::microseconds m_round_trip{0};
  std::thread m_logout;
};

/// The TLS library linked in, for --version: "OpenSSL 3.0.11 19 Sep 2023".
std::string tls_library_version();

}  // namespace sps::transport
