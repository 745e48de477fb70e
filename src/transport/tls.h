#pragma once
// TLS helpers of the HTTPS client: building the client context and turning handshake
// failures into messages a user can act on. Internal to transport/.
#include "core/error.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <memory>
#include <string>

namespace sps::transport {

/// A TLS 1.2+ client context that verifies peers against ca_file (PEM) or, when ca_file is
/// empty, the system store; with insecure it verifies nothing. Fails with kInvalidArgument
/// naming the file when the CA file cannot be loaded.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& ca_file, bool insecure);

struct ClientIdentity;

/// Loads the client certificate and key (PEM pair or PKCS#12 bundle) into ctx, so every
/// handshake presents them. Fails with kInvalidArgument naming the file and the reason (a
/// wrong passphrase, a key that does not match the certificate); never echoes the passphrase.
core::Result<void> load_client_identity(boost::asio::ssl::context& ctx, const ClientIdentity& identity);

/// What the verify callback saw, for the error message after a failed handshake.
struct VerifyRecord {
  std::string reason;  // empty when verification did not fail
};

/// A verify callback: OpenSSL's chain verification plus the RFC 6125 host-name check
/// (ssl::host_name_verification), recording the first reason for failure in `record`.
bool verify_certificate(const std::string& host, VerifyRecord& record, bool preverified,
                        boost::asio::ssl::verify_context& ctx);

/// The message for a certificate that could not be verified, with how to fix it.
std::string tls_verify_failure_message(const std::string& endpoint, const std::string& reason);

}  // namespace sps::transport
