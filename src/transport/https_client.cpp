#include "transport/https_client.h"

#include "transport/tls.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <set>
#include <strings.h>

#ifndef SPS_VERSION
#define SPS_VERSION "0.0.0"
#endif

namespace sps::transport {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;

// Every asynchronous step reports its error as a value (style item 3: no exceptions from
// the transport), exactly as the Beast awaitable examples do with as_tuple.
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

constexpr std::chrono::milliseconds kShutdownTimeout{2000};
// How often should_stop() is polled while requests are in flight: Ctrl-C aborts a request
// within this, not after its timeout.
constexpr std::chrono::milliseconds kStopPollInterval{50};

/// One TLS connection and its read buffer (bytes past one response stay for the next).
struct Connection {
  Connection(const net::any_io_executor& executor, ssl::context& tls, int connection_id)
      : stream(executor, tls), id(connection_id) {}
  Stream stream;
  beast::flat_buffer buffer;
  VerifyRecord verify;
  int id;
  /// Opened by open_idle() and not used yet: the server's TLS 1.3 session tickets may wait
  /// unread on it, so only an end of stream says the server closed it.
  bool unused = false;
};

http::verb to_verb(Method method) {
  switch (method) {
    case Method::kGet: return http::verb::get;
    case Method::kPost: return http::verb::post;
    case Method::kPut: return http::verb::put;
    case Method::kDelete: return http::verb::delete_;
  }
  return http::verb::get;
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms >= 1000 && ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  return std::to_string(ms) + " ms";
}

// Messages are lower case (core::Error contract) while system messages are capitalised.
std::string lower_first(std::string text) {
  if (!text.empty()) {
    text.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
  }
  return text;
}

// Only the path goes into messages and logs: a query string is not ours to print.
std::string_view path_of(const std::string& target) {
  return std::string_view(target).substr(0, target.find('?'));
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// A server closes idle keep-alive connections on its own schedule. Before reusing one, peek
// without blocking: a pending FIN (0) or unsolicited bytes (a TLS close_notify) mean the
// server is gone, and sending on it would fail or, worse, be half-sent.
// An unused connection may hold the server's post-handshake messages (TLS 1.3 session
// tickets): only an end of stream counts there. Sending on one the server closed after all
// fails at once, and a GET is then resent on a new connection (exchange()).
bool peer_has_closed(Connection& connection) {
  auto& socket = beast::get_lowest_layer(connection.stream).socket();
  char byte = 0;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (connection.unused) return n == 0;
  return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

ClientError make_error(FailureKind kind, std::string message) {
  const core::ErrorCode code =
      kind == FailureKind::kTimeout ? core::ErrorCode::kTimeout : core::ErrorCode::kUnavailable;
  return ClientError{kind, core::Error(code, std::move(message))};
}

}  // namespace

std::string_view to_string(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

std::vector<std::string_view> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Header& header : headers) {
    if (header.name.size() == name.size() &&
        ::strncasecmp(header.name.data(), name.data(), name.size()) == 0) {
      values.emplace_back(header.value);
    }
  }
  return values;
}

std::string default_user_agent() { return std::string("sps-apply/") + SPS_VERSION; }

/// The client's state: options, TLS context, the io_context the calling thread runs, and
/// the idle keep-alive connections.
struct HttpsClient::Impl {
  ClientOptions options;
  std::shared_ptr<ssl::context> tls;
  std::shared_ptr<X509_STORE> verify_store;  // the CA file's store, set on each connection (shared context)
  net::io_context ioc;
  std::optional<tcp::resolver::results_type> endpoints;
  std::vector<std::unique_ptr<Connection>> idle;
  ClientStats stats;
  std::string endpoint;     // "host:port" for messages
  std::string host_header;  // Host field value
  std::set<Connection*> in_flight;  // connections with an operation pending (for stops)
  std::string stop_reason;          // set when should_stop() fired during this run()
  int next_connection_id = 1;       // for log lines: connections opened concurrently differ
  SessionCache session;             // resumed by every connection after the first

  /// Registers a connection as busy for the lifetime of the guard.
  struct Busy {
    Busy(Impl& impl, Connection* connection) : m_impl(impl), m_connection(connection) {
      m_impl.in_flight.insert(connection);
    }
    ~Busy() { m_impl.in_flight.erase(m_connection); }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;

   private:
    Impl& m_impl;
    Connection* m_connection;
  };

  /// Sets a step's expiry: its own limit, but never past the end of the attempt.
  static void expire(beast::tcp_stream& stream, std::chrono::milliseconds step, Clock::time_point attempt_end) {
    stream.expires_at(std::min(Clock::now() + step, attempt_end));
  }

  /// The effective limit of a step, for messages.
  std::chrono::milliseconds limit_of(std::chrono::milliseconds step) const {
    return std::min(step, options.timeouts.request);
  }

  // Polls should_stop() while any request runs; on a reason, aborts every operation in
  // flight (they complete with operation_aborted, reported as kStopped).
  net::awaitable<void> watchdog(const std::size_t& running, net::steady_timer& timer) {
    while (running > 0) {
      timer.expires_after(kStopPollInterval);
      co_await timer.async_wait(kNoThrow);
      if (running == 0) break;
      if (stop_reason.empty()) stop_reason = options.should_stop();
      if (stop_reason.empty()) continue;
      for (Connection* connection : in_flight) beast::get_lowest_layer(connection->stream).cancel();
    }
  }

  /// kStopped when a stop was asked for (before or during this request), else nullopt.
  std::optional<ClientError> stopped(const HttpRequest& request) {
    if (stop_reason.empty() && options.should_stop) stop_reason = options.should_stop();
    if (stop_reason.empty()) return std::nullopt;
    return make_error(FailureKind::kStopped, "stopped " + std::string(to_string(request.method)) + " " +
                                                 std::string(path_of(request.target)) + " (" + endpoint +
                                                 "): " + stop_reason);
  }

  void log(core::LogLevel level, const std::string& line) const {
    if (options.log) {
      options.log(level, line);
    }
  }

  // Runs coroutines to completion on the calling thread. A coroutine only throws on a bug
  // (every I/O error is a value), so an exception is rethrown rather than hidden.
  void run(std::vector<net::awaitable<void>> tasks) {
    std::exception_ptr failure;
    stop_reason.clear();
    std::size_t running = tasks.size();
    net::steady_timer watchdog_timer(ioc);
    for (auto& task : tasks) {
      net::co_spawn(ioc, std::move(task), [&failure, &running, &watchdog_timer](const std::exception_ptr& e) {
        if (e && !failure) {
          failure = e;
        }
        if (--running == 0) {
          watchdog_timer.cancel();  // the watchdog's wait ends now, not after its interval
        }
      });
    }
    if (options.should_stop && running > 0) {
      net::co_spawn(ioc, watchdog(running, watchdog_timer), net::detached);
    }
    ioc.restart();
    ioc.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
  }

  std::unique_ptr<Connection> take_idle() {
    while (!idle.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle.back());
      idle.pop_back();
      if (!peer_has_closed(*connection)) {
        return connection;
      }
      log(core::LogLevel::kInfo, "connection " + std::to_string(connection->id) + " was closed by the server");
    }
    return nullptr;
  }

  ClientError connect_error(const boost::system::error_code& ec) const {
    if (ec == beast::error::timeout) {
      return make_error(FailureKind::kTimeout, "timed out after " +
                                                   format_duration(limit_of(options.timeouts.connect)) +
                                                   " connecting to " + endpoint);
    }
    return make_error(FailureKind::kConnect,
                      "cannot connect to " + endpoint + ": " + lower_first(ec.message()));
  }

  ClientError handshake_error(const boost::system::error_code& ec, Connection& connection) const {
    if (ec == beast::error::timeout) {
      return make_error(FailureKind::kTimeout, "timed out after " +
                                                   format_duration(limit_of(options.timeouts.handshake)) +
                                                   " during the TLS handshake with " + endpoint);
    }
    if (!options.insecure) {
      const long verify_result = SSL_get_verify_result(connection.stream.native_handle());
      if (!connection.verify.reason.empty() || verify_result != X509_V_OK) {
        const std::string reason = connection.verify.reason.empty()
                                       ? X509_verify_cert_error_string(verify_result)
                                       : connection.verify.reason;
        return make_error(FailureKind::kTlsVerify,
                          tls_verify_failure_message(endpoint, reason, connection.verify.name_mismatch));
      }
    }
    // OpenSSL reads the answer of a plain-HTTP server ("HTTP/1.1 400 ...") as a TLS record of
    // an unknown version: the URL names an HTTP port with https://.
    if (const std::string what = ec.message(); what.find("wrong version number") != std::string::npos ||
                                               what.find("http request") != std::string::npos) {
      return make_error(FailureKind::kTls, "TLS handshake with " + endpoint +
                                               " failed: the server answered in plain HTTP, not TLS; " + endpoint +
                                               " is not an HTTPS port. Use the web interface's HTTPS port in --url "
                                               "(https://HOST, port 443 by default)");
    }
    return make_error(FailureKind::kTls,
                      "TLS handshake with " + endpoint + " failed: " + lower_first(ec.message()));
  }

  ClientError io_error(const boost::system::error_code& ec, std::string_view phase,
                       const HttpRequest& request) const {
    const std::string what = std::string(to_string(request.method)) + " " +
                             std::string(path_of(request.target));
    if (ec == beast::error::timeout) {
      return make_error(FailureKind::kTimeout,
                        "timed out after " + format_duration(options.timeouts.request) + " " +
                            std::string(phase) + " " + what + " (" + endpoint + ")");
    }
    if (ec == http::error::body_limit) {
      return make_error(FailureKind::kTooLarge,
                        "the answer to " + what + " from https://" + endpoint + " is larger than the limit of " +
                            format_bytes(options.max_response_bytes) +
                            " (--max-answer-size); sps-apply stopped reading it. Raise the limit if the "
                            "appliance really holds that much configuration");
    }
    std::string reason = lower_first(ec.message());
    if (ec == http::error::end_of_stream || ec == ssl::error::stream_truncated ||
        ec == net::error::eof) {
      reason = "the server closed the connection";
    }
    return make_error(FailureKind::kIo, "connection to " + endpoint + " failed " +
                                            std::string(phase) + " " + what + ": " + reason);
  }

  net::awaitable<ClientResult<std::unique_ptr<Connection>>> open_connection(Clock::time_point attempt_end) {
    // Look up the domain name, once per client: getaddrinfo cannot be cancelled, so its
    // duration is bounded by the system resolver's own timeouts, not by ours.
    if (!endpoints) {
      tcp::resolver resolver(ioc);
      auto [ec, results] =
          co_await resolver.async_resolve(options.host, std::to_string(options.port), kNoThrow);
      if (ec) {
        co_return make_error(FailureKind::kResolve, "cannot resolve the host name '" +
                                                        options.host + "': " +
                                                        lower_first(ec.message()) +
                                                        "; check the appliance URL");
      }
      endpoints = results;
    }
    const auto started = Clock::now();
    auto connection = std::make_unique<Connection>(ioc.get_executor(), *tls, next_connection_id++);
    if (verify_store && SSL_set1_verify_cert_store(connection->stream.native_handle(), verify_store.get()) != 1) {
      co_return make_error(FailureKind::kTls, "cannot set the trusted CA certificates of the connection");
    }
    auto& tcp_layer = beast::get_lowest_layer(connection->stream);
    const Busy busy(*this, connection.get());

    // Make the connection on an IP address we got from the lookup.
    expire(tcp_layer, options.timeouts.connect, attempt_end);
    if (auto [ec, unused] = co_await tcp_layer.async_connect(*endpoints, kNoThrow); ec) {
      co_return connect_error(ec);
    }
    ++stats.connections_opened;

    // Set SNI, so a server (or a load balancer in front of the appliance) presents the
    // certificate for this name. RFC 6066 section 3 forbids IP literals in SNI.
    if (!is_ip_literal(options.host) &&
        SSL_set_tlsext_host_name(connection->stream.native_handle(), options.host.c_str()) != 1) {
      co_return make_error(FailureKind::kTls, "cannot set the TLS server name '" +
                                                  options.host + "'");
    }

    // Verify the remote host's name against its certificate (on top of the chain check
    // the context does), recording why it failed for the error message.
    if (!options.insecure) {
      Connection* raw = connection.get();
      connection->stream.set_verify_callback(
          [host = options.host, raw](bool preverified, ssl::verify_context& ctx) {
            return verify_certificate(host, raw->verify, preverified, ctx);
          });
    }

    // Offer the session of an earlier connection; a server that declines it simply makes a
    // full handshake (and the certificate is verified as usual).
    if (!session.offer(connection->stream.native_handle())) {
      co_return make_error(FailureKind::kTls, "cannot resume the TLS session with " + endpoint);
    }

    // Perform the TLS handshake, bounded by the attempt too: a server that accepts TCP and
    // never speaks TLS must not hold up a short --timeout.
    expire(tcp_layer, options.timeouts.handshake, attempt_end);
    if (auto [ec] = co_await connection->stream.async_handshake(ssl::stream_base::client, kNoThrow);
        ec) {
      // A server that cannot resume sessions should fall back to a full handshake; one that
      // fails instead gets full handshakes from now on (the read's retry makes one).
      session.forget();
      co_return handshake_error(ec, *connection);
    }
    tcp_layer.expires_never();
    const bool resumed = SSL_session_reused(connection->stream.native_handle()) == 1;
    if (resumed) ++stats.connections_resumed;
    log(core::LogLevel::kInfo, "connection " + std::to_string(connection->id) + " to " + endpoint +
        (resumed ? " established, TLS session resumed (" : " established (") +
        format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                              started)) +
        ")");
    co_return connection;
  }

  // Sends one request on an open connection and reads the whole response.
  net::awaitable<ClientResult<HttpResponse>> round_trip(Connection& connection,
                                                        const HttpRequest& request,
                                                        Clock::time_point attempt_end,
                                                        bool& keep_alive) {
    http::request<http::string_body> req{to_verb(request.method), request.target, 11};
    req.set(http::field::host, host_header);
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept, "application/json");
    for (const Header& header : request.headers) {
      req.set(header.name, header.value);
    }
    if (!request.body.empty() || request.method == Method::kPost ||
        request.method == Method::kPut) {
      req.set(http::field::content_type, "application/json");
      req.body() = request.body;
    }
    req.keep_alive(true);
    // Sets Content-Length, also "0" for an empty POST/PUT: SPS answers 411 to a
    // POST /api/transaction without it (sps-api.md 3.1).
    req.prepare_payload();

    auto& tcp_layer = beast::get_lowest_layer(connection.stream);
    const Busy busy(*this, &connection);

    // Send the HTTP request to the remote host.
    const auto sent = Clock::now();
    expire(tcp_layer, options.timeouts.request, attempt_end);
    ++stats.requests_sent;
    if (auto [ec, unused] = co_await http::async_write(connection.stream, req, kNoThrow); ec) {
      co_return io_error(ec, "sending", request);
    }

    // Receive the HTTP response.
    // One deadline for the whole answer, however slowly it trickles in, and a size limit
    // checked against Content-Length before anything is buffered (and while reading a
    // chunked answer).
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    expire(tcp_layer, options.timeouts.request, attempt_end);
    if (auto [ec, unused] =
            co_await http::async_read(connection.stream, connection.buffer, parser, kNoThrow);
        ec) {
      co_return io_error(ec, "reading the response to", request);
    }
    tcp_layer.expires_never();

    http::response<http::string_body>& res = parser.get();
    keep_alive = res.keep_alive();
    HttpResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(res.body());
    response.round_trip = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
    co_return response;
  }

  // Gracefully closes a connection: send close_notify and wait briefly for the peer's.
  net::awaitable<void> shutdown(std::unique_ptr<Connection> connection) {
    auto& tcp_layer = beast::get_lowest_layer(connection->stream);
    tcp_layer.expires_after(kShutdownTimeout);
    auto [ec] = co_await connection->stream.async_shutdown(kNoThrow);
    // Many servers close the TCP connection without answering our close_notify. OpenSSL 3
    // reports that as ssl::error::stream_truncated (older stacks as eof). It is harmless
    // here: the whole response was already read and framed by Content-Length, so a
    // truncation attack has nothing to truncate. See
    // https://www.boost.org/doc/libs/1_81_0/libs/beast/doc/html/beast/using_io/ssl_tls_shutdown.html
    // and http://stackoverflow.com/questions/25587403
    if (ec == ssl::error::stream_truncated || ec == net::error::eof) {
      ec = {};
    }
    // Any other error changes nothing: the connection is discarded either way.
    boost::system::error_code ignored;
    tcp_layer.socket().close(ignored);
  }

  void log_request(const HttpRequest& request, const ClientResult<HttpResponse>& result,
                   Clock::time_point started, int connection_id) const {
    if (!options.log) {
      return;
    }
    std::string line = std::string(to_string(request.method)) + " " +
                       std::string(path_of(request.target)) + " -> ";
    line += result ? std::to_string(result->status)
                   : "failed: " + result.error().error.message;
    line += " (" +
            format_duration(
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started));
    if (connection_id > 0) {
      line += ", connection " + std::to_string(connection_id);
    }
    line += ")";
    log(core::LogLevel::kInfo, line);
    if (result) {
      // Sizes and the content type only: bodies and headers may hold credentials.
      const auto type = result->header_values("Content-Type");
      log(core::LogLevel::kDebug, std::string(to_string(request.method)) + " " + std::string(path_of(request.target)) +
                                      ": sent " + std::to_string(request.body.size()) + " bytes of body, received " +
                                      std::to_string(result->body.size()) + " bytes" +
                                      (type.empty() ? std::string() : " of " + std::string(type.front())));
    }
  }

  net::awaitable<ClientResult<HttpResponse>> exchange(const HttpRequest& request) {
    const auto started = Clock::now();
    if (auto stop = stopped(request)) {
      ClientResult<HttpResponse> failed = *stop;
      log_request(request, failed, started, 0);
      co_return failed;
    }
    Clock::time_point attempt_end = started + options.timeouts.request;
    std::unique_ptr<Connection> connection = take_idle();
    const bool reused = connection != nullptr;
    if (connection) connection->unused = false;
    if (!connection) {
      auto opened = co_await open_connection(attempt_end);
      if (!opened && !stop_reason.empty()) opened = *stopped(request);
      if (!opened) {
        ClientResult<HttpResponse> failed = opened.error();
        log_request(request, failed, started, 0);
        co_return failed;
      }
      connection = std::move(*opened);
    }
    bool keep_alive = false;
    ClientResult<HttpResponse> result = co_await round_trip(*connection, request, attempt_end, keep_alive);
    if (!result && !stop_reason.empty()) result = *stopped(request);
    if (!result && reused && request.method == Method::kGet &&
        result.error().kind == FailureKind::kIo) {
      // The server closed the idle connection between our liveness check and the write.
      // Only a GET may be resent: a write might have been executed (never retried).
      log(core::LogLevel::kWarn, "connection " + std::to_string(connection->id) + " broke; resending on a new one");
      connection.reset();
      attempt_end = Clock::now() + options.timeouts.request;
      auto opened = co_await open_connection(attempt_end);
      if (!opened && !stop_reason.empty()) opened = *stopped(request);
      if (!opened) {
        ClientResult<HttpResponse> failed = opened.error();
        log_request(request, failed, started, 0);
        co_return failed;
      }
      connection = std::move(*opened);
      result = co_await round_trip(*connection, request, attempt_end, keep_alive);
      if (!result && !stop_reason.empty()) result = *stopped(request);
    }
    log_request(request, result, started, connection->id);
    if (result) session.remember(connection->stream.native_handle());
    if (result && keep_alive) {
      idle.push_back(std::move(connection));
    } else if (result) {
      co_await shutdown(std::move(connection));
    }
    // A failed connection is simply dropped: its state is unknown.
    co_return result;
  }

  net::awaitable<void> open_idle(bool& opened) {
    auto connection = co_await open_connection(Clock::now() + options.timeouts.request);
    opened = connection.has_value();
    if (!opened) co_return;
    (*connection)->unused = true;
    idle.push_back(std::move(*connection));
  }

  net::awaitable<void> worker(std::span<const HttpRequest> requests, std::size_t& next,
                              std::vector<std::optional<ClientResult<HttpResponse>>>& results) {
    while (next < requests.size()) {
      const std::size_t index = next++;
      results[index] = co_await exchange(requests[index]);
    }
  }
};

HttpsClient::HttpsClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpsClient::~HttpsClient() { close(); }

core::Result<std::unique_ptr<HttpsClient>> HttpsClient::create(ClientOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.tls_context) {
    impl->tls = options.tls_context;
  } else if (options.identity.empty() && (options.insecure || !options.ca_file.empty())) {
    // The process's shared context, with this client's CA file as each connection's store.
    impl->tls = shared_client_tls_context(options.insecure);
    if (!options.insecure) {
      auto store = ca_file_store(options.ca_file);
      if (!store) return store.error();
      impl->verify_store = std::move(*store);
    }
  } else {
    auto tls = make_client_tls_context(options.ca_file, options.insecure);
    if (!tls) {
      return tls.error();
    }
    impl->tls = *tls;
  }
  if (!options.identity.empty()) {
    if (auto loaded = load_client_identity(*impl->tls, options.identity); !loaded) {
      return loaded.error();
    }
  }
  if (options.user_agent.empty()) {
    options.user_agent = default_user_agent();
  }
  if (options.pool_size < 1) {
    options.pool_size = 1;
  }
  const bool ipv6 = options.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + options.host + "]" : options.host;
  impl->endpoint = host + ":" + std::to_string(options.port);
  impl->host_header = options.port == 443 ? host : impl->endpoint;
  impl->options = std::move(options);
  return std::unique_ptr<HttpsClient>(new HttpsClient(std::move(impl)));
}

ClientResult<HttpResponse> HttpsClient::send(const HttpRequest& request) {
  auto results = send_many(std::span<const HttpRequest>(&request, 1));
  return std::move(results.front());
}

std::vector<ClientResult<HttpResponse>> HttpsClient::send_many(
    std::span<const HttpRequest> requests, std::size_t connections) {
  std::vector<std::optional<ClientResult<HttpResponse>>> slots(requests.size());
  std::size_t next = 0;
  std::size_t workers = std::min(requests.size(), static_cast<std::size_t>(m_impl->options.pool_size));
  if (connections > 0) workers = std::min(workers, connections);
  std::vector<net::awaitable<void>> tasks;
  for (std::size_t i = 0; i < workers; ++i) {
    tasks.push_back(m_impl->worker(requests, next, slots));
  }
  m_impl->run(std::move(tasks));
  std::vector<ClientResult<HttpResponse>> results;
  results.reserve(slots.size());
  for (auto& slot : slots) {
    // Every slot is filled: workers only stop when no request is left.
    results.push_back(std::move(*slot));
  }
  return results;
}

bool HttpsClient::open_idle() {
  bool opened = false;
  std::vector<net::awaitable<void>> tasks;
  tasks.push_back(m_impl->open_idle(opened));
  m_impl->run(std::move(tasks));
  return opened;
}

void HttpsClient::close() {
  std::vector<net::awaitable<void>> tasks;
  for (auto& connection : m_impl->idle) {
    tasks.push_back(m_impl->shutdown(std::move(connection)));
  }
  m_impl->idle.clear();
  m_impl->run(std::move(tasks));
}

ClientStats HttpsClient::stats() const { return m_impl->stats; }

std::string HttpsClient::endpoint_name() const { return m_impl->endpoint; }

}  // namespace sps::transport
