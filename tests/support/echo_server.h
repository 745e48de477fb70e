#pragma once
// A hostile HTTPS server of our own for tests: it answers every request with 500 and an
// HTML page that echoes the request line and every header, Authorization and Cookie
// included, as some debug error pages and misconfigured proxies do. Output of the client
// must never repeat what it echoes. Listens on 127.0.0.1 port 0 with a freshly generated CA,
// serves one connection at a time on its own thread, and is stopped and joined by the
// destructor.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace sps::testing {

/// See the file comment. started() is false (and error() says why) when setup failed.
class EchoServer {
 public:
  EchoServer();
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  bool started() const { return m_port != 0; }
  const std::string& error() const { return m_error; }
  /// "https://127.0.0.1:<port>"
  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
  /// The CA certificate (PEM) that signed the server's certificate.
  const std::string& ca_pem() const { return m_ca_pem; }
  /// Requests answered so far.
  std::size_t requests() const { return m_requests.load(); }

 private:
  struct Impl;
  void serve();

  std::unique_ptr<Impl> m_impl;
  std::string m_error;
  std::string m_ca_pem;
  std::uint16_t m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::size_t> m_requests{0};
  std::thread m_thread;
};

}  // namespace sps::testing
