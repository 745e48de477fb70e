#include "transport/tls.h"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace sps::transport {

namespace ssl = boost::asio::ssl;

core::Result<std::shared_ptr<ssl::context>> make_client_tls_context(const std::string& ca_file,
                                                                    bool insecure) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  // SPS 6.x and later speak TLS 1.2+; refusing older protocols costs nothing.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (insecure) {
    ctx->set_verify_mode(ssl::verify_none, ec);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "cannot load the CA file '" + ca_file + "': " + ec.message(),
                         "--ca-file (or SPS_CA_FILE) must name a readable PEM file holding "
                         "the certificate of the CA that signed the appliance's certificate");
    }
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "cannot load the system CA certificates: " + ec.message(),
                         "pass the appliance's CA with --ca-file PEM (or SPS_CA_FILE)");
    }
  }
  return ctx;
}

bool verify_certificate(const std::string& host, VerifyRecord& record, bool preverified,
                        ssl::verify_context& ctx) {
  if (!preverified) {
    // OpenSSL calls us once per failing certificate; the first reason is the useful one
    // ("self-signed certificate in certificate chain", "certificate has expired").
    if (record.reason.empty()) {
      X509_STORE_CTX* store = ctx.native_handle();
      const int error = X509_STORE_CTX_get_error(store);
      record.reason = X509_verify_cert_error_string(error);
    }
    return false;
  }
  // host_name_verification checks only the leaf (depth 0) and handles IP literals, which
  // must match an IP SAN rather than a DNS name.
  const bool matches = ssl::host_name_verification(host)(preverified, ctx);
  if (!matches && record.reason.empty()) {
    record.reason = "the certificate does not match the host name '" + host + "'";
  }
  return matches;
}

std::string tls_verify_failure_message(const std::string& endpoint, const std::string& reason) {
  return "the TLS certificate of " + endpoint + " could not be verified (" +
         (reason.empty() ? std::string("unknown reason") : reason) +
         "); pass the appliance's CA certificate with --ca-file PEM (or SPS_CA_FILE), or use "
         "--insecure for testing only";
}

}  // namespace sps::transport
