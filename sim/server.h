#pragma once
// The simulator's HTTPS accept/session loop: one io_context on one thread, C++20
// coroutines (awaitable style), keep-alive, one coroutine per connection, timers for
// latency and stalls so a slow or stalled answer never blocks other clients. What to answer
// is decided by a callback (Simulator wires it to the router, faults and journal); this
// file only moves bytes.
#include "core/error.h"
#include "sim/router.h"
#include "sim/tls.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sps::sim {

/// What the server does with one request, decided by the callback.
struct Exchange {
  enum class Action { kRespond, kDropBefore, kDropAfter, kStall, kCutAfter };
  Action action = Action::kRespond;
  Response response;
};

/// Callbacks from the server; both run on the server thread.
struct ServerHooks {
  /// Delay before the request is processed (latency injection).
  std::function<std::chrono::milliseconds()> latency;
  /// Processes one request.
  std::function<Exchange(const Request&)> handle;
};

/// An HTTPS server bound at construction; run() serves until stop().
class Server {
 public:
  /// Binds host:port (port 0 = any free port). Fails with kInvalidArgument on a bad host
  /// or bad certificates, kUnavailable when the bind fails.
  static core::Result<std::unique_ptr<Server>> create(const std::string& host,
                                                      std::uint16_t port,
                                                      const Certificates& certificates,
                                                      ServerHooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  /// Serves until stop(); call on the server thread.
  void run();
  /// Thread-safe: closes the listener and every connection and makes run() return.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sps::sim
