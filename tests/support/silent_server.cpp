#include "support/silent_server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sps::testing {

SilentServer::SilentServer() {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (m_listen_fd < 0 || ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(m_listen_fd, 16) != 0 ||
      ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "SilentServer cannot listen on 127.0.0.1";
    return;
  }
  m_port = ntohs(address.sin_port);
  m_thread = std::thread([this] { serve(); });
}

SilentServer::~SilentServer() { stop(); }

std::string SilentServer::url() const { return "https://127.0.0.1:" + std::to_string(m_port); }

void SilentServer::serve() {
  // Bounded: every wait is a 50 ms poll, and the loop ends when stop() is called.
  while (!m_stopping.load()) {
    pollfd ready{m_listen_fd, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    m_connections.push_back(fd);  // held open, never read or written
    ++m_accepted;
  }
  for (int fd : m_connections) ::close(fd);
  m_connections.clear();
}

void SilentServer::stop() {
  m_stopping.store(true);
  if (m_thread.joinable()) m_thread.join();
  if (m_listen_fd >= 0) ::close(m_listen_fd);
  m_listen_fd = -1;
}

}  // namespace sps::testing
