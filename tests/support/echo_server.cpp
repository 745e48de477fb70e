#include "support/echo_server.h"

#include "sim/tls.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sps::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct EchoServer::Impl {
  ssl::context ssl_ctx{ssl::context::tls_server};
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
};

EchoServer::EchoServer() : m_impl(std::make_unique<Impl>()) {
  auto certificates = sim::generate_certificates();
  if (!certificates) {
    m_error = certificates.error().message;
    return;
  }
  m_ca_pem = certificates->ca_pem;
  beast::error_code ec;
  m_impl->ssl_ctx.use_certificate_chain(net::buffer(certificates->cert_pem), ec);
  if (!ec) m_impl->ssl_ctx.use_private_key(net::buffer(certificates->key_pem), ssl::context::pem, ec);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  if (!ec) m_impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) m_impl->acceptor.bind(endpoint, ec);
  if (!ec) m_impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    m_error = ec.message();
    return;
  }
  m_port = m_impl->acceptor.local_endpoint().port();
  m_thread = std::thread([this] { serve(); });
}

EchoServer::~EchoServer() {
  if (!m_thread.joinable()) return;
  // Wake the blocking accept with a connection of our own; serve() sees the flag and ends.
  m_stopping.store(true);
  net::io_context ioc;
  tcp::socket wake(ioc);
  beast::error_code ec;
  wake.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), m_port), ec);
  m_thread.join();
}

void EchoServer::serve() {
  while (!m_stopping.load()) {
    // Accept, handshake, read one request, answer with the echo, close.
    tcp::socket socket(m_impl->ioc);
    beast::error_code ec;
    m_impl->acceptor.accept(socket, ec);
    if (ec || m_stopping.load()) continue;
    beast::ssl_stream<tcp::socket> stream(std::move(socket), m_impl->ssl_ctx);
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) continue;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) continue;
    std::string echo = "<html><body><h1>500 Internal Server Error</h1><pre>\n";
    echo += std::string(req.method_string()) + " " + std::string(req.target()) + " HTTP/1.1\n";
    for (const auto& field : req) echo += std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
    echo += "</pre></body></html>\n";
    http::response<http::string_body> res{http::status::internal_server_error, 11};
    res.set(http::field::content_type, "text/html");
    res.set(http::field::connection, "close");
    res.body() = std::move(echo);
    res.prepare_payload();
    http::write(stream, res, ec);
    ++m_requests;
    stream.shutdown(ec);
  }
}

}  // namespace sps::testing
