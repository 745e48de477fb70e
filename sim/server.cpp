#include "sim/server.h"

#include "sim/cluster.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sstream>

namespace sps::sim {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Every operation reports errors as values: a closed or misbehaving client is normal for
// a server and must not become an exception inside the coroutine.
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr auto kKeepAliveTimeout = std::chrono::minutes(5);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::size_t kBodyLimit = 16 * 1024 * 1024;

using Stream = beast::ssl_stream<beast::tcp_stream>;

/// The client certificate of a connection after the handshake: {CN if verified, why not}.
std::pair<std::string, std::string> client_certificate(Stream& stream) {
  SSL* ssl = stream.native_handle();
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  std::pair<std::string, std::string> out;
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    out.second = X509_verify_cert_error_string(verify);
  } else {
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    out.first = cn;
  }
  X509_free(cert);
  return out;
}

Request to_request(const http::request<http::string_body>& req) {
  Request out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.body = req.body();
  out.has_content_length = req.find(http::field::content_length) != req.end();
  if (auto it = req.find(http::field::cookie); it != req.end()) out.cookie = it->value();
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    out.authorization = it->value();
  }
  return out;
}

}  // namespace

struct Server::Impl {
  // Declaration order matters for destruction: connections (owned by coroutine frames that
  // the io_context destroys) refer to ssl_ctx, so ssl_ctx must outlive ioc.
  ssl::context ssl_ctx{ssl::context::tls_server};
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  ServerHooks hooks;
  std::uint16_t port = 0;

  net::awaitable<void> listen();
  net::awaitable<void> session(tcp::socket socket);
};

net::awaitable<void> Server::Impl::listen() {
  for (;;) {
    // Accept the next connection; closing the acceptor in stop() ends the loop.
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;
    }
    // Small JSON answers on keep-alive connections: Nagle would add 40 ms per request.
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(ioc, session(std::move(socket)), net::detached);
  }
}

net::awaitable<void> Server::Impl::session(tcp::socket socket) {
  Stream stream(std::move(socket), ssl_ctx);

  // TLS handshake, bounded so that a client that connects and says nothing goes away.
  beast::get_lowest_layer(stream).expires_after(kHandshakeTimeout);
  auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
  if (hs_ec) co_return;
  const auto [cert_user, cert_error] = client_certificate(stream);

  beast::flat_buffer buffer;
  for (;;) {
    // Read the next request of this keep-alive connection.
    beast::get_lowest_layer(stream).expires_after(kKeepAliveTimeout);
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, kTuple);
    (void)read_n;
    if (read_ec) co_return;  // peer closed, timeout or malformed HTTP: drop the connection
    const http::request<http::string_body>& req = parser.get();
    // The Date of the answer is when the request arrived (as Apache httpd sets it): a commit
    // happens at or after its answer's Date.
    const std::string date = http_date(std::chrono::system_clock::now());
    Request request = to_request(req);
    request.client_certificate_user = cert_user;
    request.client_certificate_error = cert_error;

    // Latency injection: a timer, so other connections keep being served meanwhile.
    if (const auto delay = hooks.latency(); delay.count() > 0) {
      beast::get_lowest_layer(stream).expires_never();
      net::steady_timer timer(co_await net::this_coro::executor, delay);
      co_await timer.async_wait(kTuple);
    }

    Exchange exchange = hooks.handle(request);
    switch (exchange.action) {
      case Exchange::Action::kDropBefore:
      case Exchange::Action::kDropAfter: {
        // Close the TCP connection without a TLS close_notify: the client sees the
        // connection vanish mid-request, like a network failure or appliance crash.
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).close();
        co_return;
      }
      case Exchange::Action::kStall: {
        // Never answer; keep reading (and discarding) until the client gives up and closes,
        // so stalled connections do not pile up for the simulator's lifetime.
        beast::get_lowest_layer(stream).expires_never();
        for (;;) {
          auto [stall_ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
          if (stall_ec) co_return;
          buffer.consume(n);
        }
      }
      case Exchange::Action::kRespond:
      case Exchange::Action::kCutAfter:
        break;
    }

    http::response<http::string_body> res;
    res.version(req.version());
    res.result(static_cast<unsigned>(exchange.response.status));
    res.set(http::field::server, "sps-sim");
    res.set(http::field::date, date);
    if (!exchange.response.body.empty()) {
      res.set(http::field::content_type, "application/json");
    }
    for (const auto& [name, value] : exchange.response.headers) res.insert(name, value);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(exchange.response.body);
    res.prepare_payload();

    if (exchange.action == Exchange::Action::kCutAfter) {
      // Half of the answer's bytes, then the connection vanishes: a byte cut mid-answer.
      std::ostringstream text;
      text << res;
      const std::string bytes = text.str();
      beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
      co_await net::async_write(stream, net::buffer(bytes.data(), bytes.size() / 2), kTuple);
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(stream).close();
      co_return;
    }

    // Write the answer.
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [write_ec, write_n] = co_await http::async_write(stream, res, kTuple);
    (void)write_n;
    if (write_ec) co_return;
    if (!res.keep_alive()) break;
  }

  // Graceful TLS shutdown when the client asked to close; errors here are irrelevant
  // (many clients close the socket without waiting for close_notify).
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  co_await stream.async_shutdown(kTuple);
}

core::Result<std::unique_ptr<Server>> Server::create(const std::string& host,
                                                     std::uint16_t port,
                                                     const Certificates& certificates,
                                                     ServerHooks hooks) {
  auto impl = std::make_unique<Impl>();
  impl->hooks = std::move(hooks);

  beast::error_code ec;
  impl->ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
  impl->ssl_ctx.use_certificate_chain(net::buffer(certificates.cert_pem), ec);
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument, "invalid server certificate",
                       ec.message());
  }
  impl->ssl_ctx.use_private_key(net::buffer(certificates.key_pem), ssl::context::pem, ec);
  if (ec) {
    // The key's contents are never echoed; OpenSSL's message names only the problem.
    return core::Error(core::ErrorCode::kInvalidArgument, "invalid server private key",
                       ec.message());
  }
  // Client certificates (X.509 login) are asked for, never required, and never fail the
  // handshake: whether one is accepted is decided per request (GET
  // /api/authentication?type=x509), which then answers with an error the client can show.
  impl->ssl_ctx.add_certificate_authority(net::buffer(certificates.ca_pem), ec);
  if (!ec) {
    impl->ssl_ctx.set_verify_mode(ssl::verify_peer, ec);
    impl->ssl_ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; }, ec);
    // Resumed sessions are accepted, as a web server in front of the appliance's API does
    // (nginx and Apache httpd set a session id context for this): OpenSSL refuses to resume
    // a session on a context that asks for client certificates without one
    // (https://www.openssl.org/docs/man3.0/man3/SSL_CTX_set_session_id_context.html).
    static constexpr unsigned char kSessionContext[] = "sps-sim";
    SSL_CTX_set_session_id_context(impl->ssl_ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
  }
  ec = {};

  const std::string address_text = host == "localhost" ? "127.0.0.1" : host;
  const auto address = net::ip::make_address(address_text, ec);
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument, "invalid listen address '" + host + "'",
                       "use an IP address such as 127.0.0.1 or ::1, or localhost");
  }
  const tcp::endpoint endpoint(address, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error(core::ErrorCode::kUnavailable,
                       "cannot listen on " + host + ":" + std::to_string(port), ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  net::co_spawn(impl->ioc, impl->listen(), net::detached);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Server::~Server() = default;

std::uint16_t Server::port() const { return m_impl->port; }

void Server::run() { m_impl->ioc.run(); }

void Server::stop() {
  // Close the listener on the server thread, then stop the loop. Pending connection
  // coroutines are destroyed with the io_context (which closes their sockets).
  net::post(m_impl->ioc, [impl = m_impl.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->ioc.stop();
  });
}

}  // namespace sps::sim
