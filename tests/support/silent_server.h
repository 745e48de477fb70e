#pragma once
// A hostile server for time-bound tests: it listens on 127.0.0.1 (port 0), accepts every
// TCP connection and then says nothing at all (no TLS handshake, no HTTP), holding each
// connection open until it is stopped. A client without a bound on its handshake hangs on
// it. Plain POSIX sockets on one thread; stop() (or the destructor) closes everything.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace sps::testing {

/// See the file comment.
class SilentServer {
 public:
  /// Binds and starts accepting; fails the current test (ADD_FAILURE) when it cannot bind.
  SilentServer();
  ~SilentServer();  // stop()
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  /// "https://127.0.0.1:<port>"
  std::string url() const;
  /// Connections accepted so far.
  int accepted() const { return m_accepted.load(); }
  /// Stops accepting and closes every connection. Idempotent.
  void stop();

 private:
  void serve();

  int m_listen_fd = -1;
  std::uint16_t m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<int> m_accepted{0};
  std::vector<int> m_connections;  // touched by the server thread only until joined
  std::thread m_thread;
};

}  // namespace sps::testing
