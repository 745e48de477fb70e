#pragma once
// Certificates for the simulator's HTTPS listener: either a freshly generated CA plus a
// server certificate for 127.0.0.1, ::1 and localhost signed by it (EC P-256, SHA-256,
// OpenSSL 3 EVP APIs), or a certificate and key loaded from PEM files. No sockets here.
#include "core/error.h"

#include <string>

namespace sps::sim {

/// PEM texts for the listener. ca_pem is what clients must trust.
struct Certificates {
  std::string ca_pem;
  std::string cert_pem;  // server certificate (followed by the CA for generated ones)
  std::string key_pem;   // server private key; never printed
};

/// Generates a CA and a server certificate valid from one hour ago for 30 days.
/// Fails with kInternal when OpenSSL fails (with OpenSSL's error string).
core::Result<Certificates> generate_certificates();

/// Loads cert_file and key_file; ca_pem is the certificate file's contents.
/// Fails with kInvalidArgument naming the unreadable file.
core::Result<Certificates> load_certificates(const std::string& cert_file,
                                             const std::string& key_file);

}  // namespace sps::sim
