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
  std::string ca_key_pem;  // generated CA's private key (issues client certificates); empty for files
};

/// A client certificate issued by the simulator's CA, for X.509 login.
struct ClientCertificate {
  std::string cert_pem;
  std::string key_pem;
};

/// Issues a client certificate (CN = user, extendedKeyUsage clientAuth) signed by the
/// generated CA. kInvalidArgument when the certificates were loaded from files.
core::Result<ClientCertificate> issue_client_certificate(const Certificates& ca, const std::string& user);

/// A PKCS#12 bundle (DER) of a certificate and its key, protected by passphrase.
core::Result<std::string> make_pkcs12(const ClientCertificate& certificate, const std::string& passphrase);

/// Generates a CA and a server certificate valid from one hour ago for 30 days.
/// Fails with kInternal when OpenSSL fails (with OpenSSL's error string).
core::Result<Certificates> generate_certificates();

/// Loads cert_file and key_file; ca_pem is the certificate file's contents.
/// Fails with kInvalidArgument naming the unreadable file.
core::Result<Certificates> load_certificates(const std::string& cert_file,
                                             const std::string& key_file);

}  // namespace sps::sim
