#include "support/test_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <optional>

namespace sps::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  while (out.size() % 4 != 0) out += '=';
  return out;
}
}  // namespace

const boost::json::value& TestResponse::json() const {
  if (!m_json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    m_json = ec ? boost::json::value() : std::move(v);
  }
  return *m_json;
}

std::string TestResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct TestClient::Impl {
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
};

TestClient::TestClient(std::uint16_t port, std::string ca_pem, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->port = port;
  m_impl->timeout = timeout;
  m_impl->ctx.add_certificate_authority(net::buffer(ca_pem));
  m_impl->ctx.set_verify_mode(ssl::verify_peer);
}

TestClient::~TestClient() = default;

void TestClient::disconnect() {
  m_impl->stream.reset();
  m_impl->buffer.clear();
}

TestResponse TestClient::send(const TestRequest& request) {
  Impl& impl = *m_impl;
  TestResponse response;
  TransportOutcome outcome = TransportOutcome::kOk;
  auto run = [&]() -> net::awaitable<void> {
    auto fail = [&](const beast::error_code& ec) {
      outcome = ec == beast::error::timeout ? TransportOutcome::kTimeout
                : (ec == http::error::end_of_stream || ec == net::error::eof ||
                   ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset)
                    ? TransportOutcome::kClosed
                    : TransportOutcome::kError;
      impl.stream.reset();
      impl.buffer.clear();
    };
    if (!impl.stream) {
      // Connect, verify the certificate for 127.0.0.1 (IP SAN), handshake.
      impl.stream.emplace(impl.ioc, impl.ctx);
      impl.stream->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
      beast::get_lowest_layer(*impl.stream).expires_after(impl.timeout);
      auto [cec] = co_await beast::get_lowest_layer(*impl.stream)
                       .async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), impl.port),
                                      kTuple);
      if (cec) co_return fail(cec);
      auto [hec] = co_await impl.stream->async_handshake(ssl::stream_base::client, kTuple);
      if (hec) co_return fail(hec);
    }
    http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::user_agent, "sps-sim-tests");
    req.set(http::field::accept, "application/json");
    if (!m_session_id.empty()) req.set(http::field::cookie, "session_id=" + m_session_id);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (request.content_length) {
      req.body() = request.body.value_or("");
      if (request.body) req.set(http::field::content_type, "application/json");
      req.prepare_payload();
    }
    beast::get_lowest_layer(*impl.stream).expires_after(impl.timeout);
    auto [wec, wn] = co_await http::async_write(*impl.stream, req, kTuple);
    (void)wn;
    if (wec) co_return fail(wec);
    http::response<http::string_body> res;
    auto [rec, rn] = co_await http::async_read(*impl.stream, impl.buffer, res, kTuple);
    (void)rn;
    if (rec) co_return fail(rec);
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response.headers.emplace(name, std::string(field.value()));
    }
    response.body = res.body();
    if (!res.keep_alive()) {
      impl.stream.reset();
      impl.buffer.clear();
    }
  };
  net::co_spawn(impl.ioc, run(), net::detached);
  impl.ioc.restart();
  impl.ioc.run();
  m_outcome = outcome;
  return response;
}

TestResponse TestClient::get(const std::string& target) { return send({"GET", target, {}, {}, true}); }
TestResponse TestClient::post(const std::string& target, const std::string& body) {
  return send({"POST", target, body, {}, true});
}
TestResponse TestClient::put(const std::string& target, const std::string& body) {
  return send({"PUT", target, body, {}, true});
}
TestResponse TestClient::del(const std::string& target) {
  return send({"DELETE", target, {}, {}, true});
}

TestResponse TestClient::login(const std::string& user, const std::string& password) {
  TestRequest request{"GET", "/api/authentication", {}, {}, true};
  request.headers["Authorization"] = "Basic " + base64(user + ":" + password);
  TestResponse response = send(request);
  const std::string cookie = response.header("set-cookie");
  if (response.status == 200 && cookie.starts_with("session_id=")) {
    m_session_id = cookie.substr(11, cookie.find(';') - 11);
  }
  return response;
}

}  // namespace sps::testing
