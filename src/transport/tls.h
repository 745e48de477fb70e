#pragma once
// TLS helpers of the HTTPS client: building the client context, keeping the session its
// later connections resume, and turning handshake failures into messages a user can act on.
// Internal to transport/.
#include "core/error.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace sps::transport {

/// A TLS 1.2+ client context that verifies peers against ca_file (PEM) or, when ca_file is
/// empty, the system store; with insecure it verifies nothing. Fails with kInvalidArgument
/// naming the file when the CA file cannot be loaded.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& ca_file, bool insecure);

/// The client context a process shares between its clients that present no client
/// certificate: TLS 1.2+, verifying peers (or, with insecure, nothing) against the store each
/// connection is given (ca_file_store, SSL_set1_verify_cert_store). Created once: with
/// OpenSSL 3, SSL_CTX_new costs about as much as parsing a certificate, and a fleet makes a
/// client per appliance.
std::shared_ptr<boost::asio::ssl::context> shared_client_tls_context(bool insecure);

/// The trust store of a PEM CA file, parsed once per process for each distinct content (the
/// file is read every time, so a replaced file is parsed again). Fails with kInvalidArgument
/// naming the file when it cannot be read or holds no certificate.
core::Result<std::shared_ptr<X509_STORE>> ca_file_store(const std::string& ca_file);

struct ClientIdentity;

/// Loads the client certificate and key (PEM pair or PKCS#12 bundle) into ctx, so every
/// handshake presents them. Fails with kInvalidArgument naming the file and the reason (a
/// wrong passphrase, a key that does not match the certificate); never echoes the passphrase.
core::Result<void> load_client_identity(boost::asio::ssl::context& ctx, const ClientIdentity& identity);

/// The last resumable TLS session a server gave one client (RFC 8446 section 2.2). Its later
/// connections resume it, which skips the certificate chain's parsing and verification and
/// the server's signature: the pool's extra connections cost a fraction of the first one.
/// Only one client's connections, to its one host, verified with its one context, use it.
class SessionCache {
 public:
  SessionCache() = default;
  SessionCache(const SessionCache&) = delete;
  SessionCache& operator=(const SessionCache&) = delete;
  ~SessionCache() { forget(); }

  /// Offers the kept session (if any) to a connection about to shake hands; a server that
  /// declines it makes a full handshake. False when OpenSSL refuses to set it.
  bool offer(SSL* ssl) const { return m_session == nullptr || SSL_set_session(ssl, m_session) == 1; }

  /// Keeps the connection's session when the server allows resuming it. TLS 1.3 servers
  /// send their tickets after the handshake: call this after a whole response was read.
  void remember(SSL* ssl);

  /// Drops the kept session: a server that failed a handshake resuming it gets full ones.
  void forget();

 private:
  SSL_SESSION* m_session = nullptr;  // owned: one reference
};

/// What the verify callback saw, for the error message after a failed handshake.
struct VerifyRecord {
  std::string reason;  // empty when verification did not fail
  bool name_mismatch = false;  // the chain is trusted, but not issued for the URL's host
};

/// A verify callback: OpenSSL's chain verification plus the RFC 6125 host-name check
/// (ssl::host_name_verification), recording the first reason for failure in `record`.
bool verify_certificate(const std::string& host, VerifyRecord& record, bool preverified,
                        boost::asio::ssl::verify_context& ctx);

/// The message for a certificate that could not be verified, with how to fix it: for a name
/// mismatch, to use a name the certificate has (the reason lists them); else to pass the CA.
std::string tls_verify_failure_message(const std::string& endpoint, const std::string& reason,
                                       bool name_mismatch = false);

}  // namespace sps::transport
