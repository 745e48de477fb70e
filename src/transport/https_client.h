#pragma once
// An HTTPS/1.1 client for one host, on Boost.Beast and OpenSSL, with a synchronous API.
//
// Each request is straight-line coroutine code (resolve, connect, SNI, host-name check,
// TLS handshake, write, read) where every step has its own deadline, run on a private
// io_context by the calling thread: the synchronous Beast operations have no timeouts, and
// a stalled appliance must never hang sps-apply. Connections are kept alive and reused; up
// to pool_size of them run requests in parallel for send_many().
//
// TLS verification is on by default (system CA store, or ca_file) including the host-name
// check; `insecure` turns it off and must only come from an explicit user request.
//
// This client knows nothing about SPS: no login, cookies, retries or JSON (see
// HttpsApplianceApi). It never logs headers or bodies, so credentials passed in headers
// stay out of the log. Not thread-safe: use one client from one thread.
#include "core/error.h"
#include "core/log.h"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace sps::transport {

/// The HTTP methods the SPS REST API uses.
enum class Method { kGet, kPost, kPut, kDelete };

/// "GET", "POST", ...
std::string_view to_string(Method method);

/// One HTTP header field.
struct Header {
  std::string name;
  std::string value;
};

/// A request to send. Host, User-Agent, Accept and (when there is a body or the method is
/// POST/PUT) Content-Type and Content-Length are added by the client.
struct HttpRequest {
  Method method = Method::kGet;
  std::string target;  // "/api/configuration/management/email"
  std::string body;    // sent as application/json
  std::vector<Header> headers;
};

/// A complete response, whatever its status.
struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<Header> headers;
  /// From the first byte of the request written to the whole answer read, on an open
  /// connection (no connect or handshake): the link's round trip plus the server's time.
  std::chrono::microseconds round_trip{0};

  /// Values of every header with this name (case-insensitive), in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
};

/// Deadlines of a request. Resolution uses the system resolver's own limits.
struct Timeouts {
  std::chrono::milliseconds connect{10'000};    // TCP connect (at most `request`)
  std::chrono::milliseconds handshake{10'000};  // TLS handshake (at most `request`)
  /// The whole attempt: connect, TLS handshake, writing the request and reading the whole
  /// response, whichever phases it needs. A server that accepts TCP and never speaks TLS,
  /// or trickles its answer, fails within this.
  std::chrono::milliseconds request{30'000};
};

/// Default limit on the size of one answer body (a guard against a runaway or hostile
/// server: the client holds the whole answer and its parsed JSON in memory).
inline constexpr std::uint64_t kDefaultMaxResponseBytes = 64ULL * 1024 * 1024;

/// Why a request failed before a complete response arrived. Decides retries upstream.
enum class FailureKind {
  kResolve,    // DNS failure
  kConnect,    // TCP connect failed (refused, unreachable)
  kTlsVerify,  // the server's certificate could not be verified: never retry
  kTls,        // other TLS failure
  kTimeout,    // a phase hit its deadline
  kIo,         // the connection broke while writing or reading
  kTooLarge,   // the answer is larger than max_response_bytes: never retry
  kStopped,    // should_stop() asked to stop (a signal, the command's deadline): never retry
};

/// A transport failure: its kind and the user-facing error (kUnavailable or kTimeout).
struct ClientError {
  FailureKind kind = FailureKind::kIo;
  core::Error error;
};

template <class T>
using ClientResult = boost::system::result<T, ClientError>;

/// The client's own certificate for X.509 login (TLS client authentication): a PEM
/// certificate chain plus its PEM private key, or one PKCS#12 bundle. The passphrase
/// decrypts the key or the bundle; it is a secret (never logged or printed).
struct ClientIdentity {
  std::string cert_file;
  std::string key_file;
  std::string pkcs12_file;
  std::string passphrase;
  bool empty() const { return cert_file.empty() && pkcs12_file.empty(); }
};

/// How to reach and trust the server.
struct ClientOptions {
  std::string host;  // DNS name or IP literal (IPv6 without brackets)
  std::uint16_t port = 443;
  std::string ca_file;    // PEM bundle to trust instead of the system store; empty = system
  bool insecure = false;  // skip certificate and host-name verification (testing only)
  /// A ready TLS context; when set, ca_file and insecure are ignored (tests trust a
  /// simulator's CA this way). Host-name verification still applies unless insecure.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  /// Presented in every handshake when set (loaded into the TLS context, also a given one).
  ClientIdentity identity;
  Timeouts timeouts;
  int pool_size = 4;  // parallel keep-alive connections for send_many (at least 1)
  std::uint64_t max_response_bytes = kDefaultMaxResponseBytes;  // body limit of one answer
  /// Polled about every 50 ms while requests are in flight, and before each request: a
  /// non-empty reason ("interrupted by a signal") aborts them at once with kStopped. Optional.
  std::function<std::string()> should_stop;
  std::string user_agent;  // empty = default_user_agent()
  /// Receives one line per request at info (method, path, status or failure, duration), one
  /// per connection at info (opened, TLS session resumed or not), and at debug the size and
  /// content type of each request and answer body. Never headers, bodies or query strings.
  core::LogFunction log;
};

/// Counters for tests and verbose output.
struct ClientStats {
  int connections_opened = 0;
  int connections_resumed = 0;  // of those, handshakes that resumed an earlier TLS session
  int requests_sent = 0;
};

/// "sps-apply/<project version>".
std::string default_user_agent();

/// A pool of keep-alive HTTPS connections to one server. See the file comment.
class HttpsClient {
 public:
  /// Builds the TLS context. Fails with kInvalidArgument when the CA file or the client
  /// identity cannot be loaded (naming the file and why, never the passphrase).
  /// Does not connect: the first request does.
  static core::Result<std::unique_ptr<HttpsClient>> create(ClientOptions options);

  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  /// Sends one request on an idle pooled connection (or a new one) and waits for the whole
  /// response. Any status is a success here. A GET that fails on a reused connection
  /// because the server had closed it is resent once on a fresh connection; other methods
  /// are never resent.
  ClientResult<HttpResponse> send(const HttpRequest& request);

  /// Sends all requests over up to pool_size parallel connections (fewer when
  /// `connections` is smaller and not 0); results are in request order. Same per-request
  /// rules as send().
  std::vector<ClientResult<HttpResponse>> send_many(std::span<const HttpRequest> requests,
                                                    std::size_t connections = 0);

  /// Opens one connection into the pool (TCP connect and TLS handshake, certificate
  /// verified; no request is sent), so that the first request finds it ready. Best effort:
  /// false on any failure, which the first request then meets (and reports) itself.
  bool open_idle();

  /// Closes every pooled connection (TLS close_notify, bounded by a short deadline).
  void close();

  ClientStats stats() const;

  /// "host:port" as used in messages.
  std::string endpoint_name() const;

 private:
  struct Impl;
  explicit HttpsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sps::transport
