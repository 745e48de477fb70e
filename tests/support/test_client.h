#pragma once
// A minimal HTTPS client for the simulator's own tests: one keep-alive TLS connection,
// a session cookie, raw access to status, headers and body. Deliberately independent of
// the project's transport/ client, so the simulator is tested against Beast directly.
// Every operation has a timeout, so a stalled server fails the test instead of hanging it.
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sps::testing {

/// One HTTP response as received.
struct TestResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  /// The body parsed as JSON (null when it is not JSON); parsed once, the reference lives
  /// as long as the response.
  const boost::json::value& json() const;
  std::string header(const std::string& name) const;  // first value or ""

 private:
  mutable std::optional<boost::json::value> m_json;
};

/// How a request ended at the transport level.
enum class TransportOutcome { kOk, kClosed, kTimeout, kError };

/// One request to send. content_length = false sends no Content-Length (and no body).
struct TestRequest {
  std::string method = "GET";
  std::string target = "/";
  std::optional<std::string> body;
  std::map<std::string, std::string> headers;
  bool content_length = true;
};

/// A keep-alive HTTPS connection to 127.0.0.1:port that trusts ca_pem.
class TestClient {
 public:
  TestClient(std::uint16_t port, std::string ca_pem,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  /// Sends a request (connecting first when needed) with the session cookie, if any.
  /// On transport failure returns status 0 and sets last_outcome().
  TestResponse send(const TestRequest& request);
  TestResponse get(const std::string& target);
  TestResponse post(const std::string& target, const std::string& body);
  TestResponse put(const std::string& target, const std::string& body);
  TestResponse del(const std::string& target);

  /// GET /api/authentication with Basic credentials; keeps the session cookie on success.
  TestResponse login(const std::string& user = "admin", const std::string& password = "admin");

  TransportOutcome last_outcome() const { return m_outcome; }
  const std::string& session_id() const { return m_session_id; }
  void set_session_id(std::string id) { m_session_id = std::move(id); }
  /// Closes the connection; the next request reconnects (the cookie is kept).
  void disconnect();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_session_id;
  TransportOutcome m_outcome = TransportOutcome::kOk;
};

}  // namespace sps::testing
