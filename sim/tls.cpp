#include "sim/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace sps::sim {
namespace {

// RAII owners for the OpenSSL objects used below.
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

core::Error openssl_error(std::string_view what) {
  // Drain the whole OpenSSL error queue so a later, unrelated call does not report it.
  std::string detail;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!detail.empty()) detail += "; ";
    detail += buf;
  }
  return core::Error(core::ErrorCode::kInternal, std::string(what), detail);
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A random positive 127-bit serial: browsers and OpenSSL reject duplicate serials from one
// issuer, and every simulator start issues a new CA anyway.
bool set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  bytes[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
  if (bn == nullptr) return false;
  const bool ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok;
}

enum class Purpose { kCa, kServer, kClient };

X509Ptr make_certificate(EVP_PKEY* subject_key, const char* common_name, X509* issuer,
                         EVP_PKEY* issuer_key, Purpose purpose) {
  const bool is_ca = purpose == Purpose::kCa;
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get())) return {};
  // Valid from an hour ago so that small clock differences never make it "not yet valid".
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return {};
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sps-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1) return {};
  bool ok = add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (is_ca) {
    ok = ok && add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    ok = ok && add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    ok = ok && add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && add_extension(cert.get(), signer, NID_key_usage,
                             "critical,digitalSignature,keyEncipherment");
    if (purpose == Purpose::kServer) {
      ok = ok && add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
      ok = ok && add_extension(cert.get(), signer, NID_subject_alt_name,
                               "IP:127.0.0.1,IP:::1,DNS:localhost");
    } else {
      ok = ok && add_extension(cert.get(), signer, NID_ext_key_usage, "clientAuth");
    }
  }
  if (!ok) return {};
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return {};
  return cert;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_text(bio.get());
}

std::string key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio.get());
}

core::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Error(core::ErrorCode::kInvalidArgument, "cannot read " + path,
                       "check that the file exists and is readable");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

core::Result<Certificates> generate_certificates() {
  PkeyPtr ca_key(EVP_EC_gen("P-256"));
  PkeyPtr server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return openssl_error("cannot generate EC P-256 keys");
  X509Ptr ca = make_certificate(ca_key.get(), "sps-sim test CA", nullptr, ca_key.get(), Purpose::kCa);
  if (!ca) return openssl_error("cannot create the CA certificate");
  X509Ptr server =
      make_certificate(server_key.get(), "localhost", ca.get(), ca_key.get(), Purpose::kServer);
  if (!server) return openssl_error("cannot create the server certificate");
  Certificates out;
  out.ca_pem = cert_pem(ca.get());
  out.cert_pem = cert_pem(server.get()) + out.ca_pem;
  out.key_pem = key_pem(server_key.get());
  out.ca_key_pem = key_pem(ca_key.get());
  return out;
}

core::Result<ClientCertificate> issue_client_certificate(const Certificates& ca, const std::string& user) {
  if (ca.ca_key_pem.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "client certificates are issued only by the generated CA (not with --cert/--key)");
  }
  BioPtr ca_bio(BIO_new_mem_buf(ca.ca_pem.data(), static_cast<int>(ca.ca_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(ca.ca_key_pem.data(), static_cast<int>(ca.ca_key_pem.size())));
  X509Ptr issuer(ca_bio ? PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  PkeyPtr issuer_key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!issuer || !issuer_key) return openssl_error("cannot read the simulator's CA");
  PkeyPtr client_key(EVP_EC_gen("P-256"));
  if (!client_key) return openssl_error("cannot generate an EC P-256 key");
  X509Ptr cert = make_certificate(client_key.get(), user.c_str(), issuer.get(), issuer_key.get(), Purpose::kClient);
  if (!cert) return openssl_error("cannot create the client certificate");
  return ClientCertificate{cert_pem(cert.get()), key_pem(client_key.get())};
}

core::Result<std::string> make_pkcs12(const ClientCertificate& certificate, const std::string& passphrase) {
  BioPtr cert_bio(BIO_new_mem_buf(certificate.cert_pem.data(), static_cast<int>(certificate.cert_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(certificate.key_pem.data(), static_cast<int>(certificate.key_pem.size())));
  X509Ptr cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert || !key) return openssl_error("cannot read the client certificate");
  PKCS12* p12 = PKCS12_create(passphrase.c_str(), "sps-sim client", key.get(), cert.get(), nullptr, 0, 0, 0, 0, 0);
  if (p12 == nullptr) return openssl_error("cannot create the PKCS#12 bundle");
  BioPtr out(BIO_new(BIO_s_mem()));
  const bool ok = i2d_PKCS12_bio(out.get(), p12) == 1;
  PKCS12_free(p12);
  if (!ok) return openssl_error("cannot encode the PKCS#12 bundle");
  return bio_text(out.get());
}

core::Result<Certificates> load_certificates(const std::string& cert_file,
                                             const std::string& key_file) {
  auto cert = read_file(cert_file);
  if (!cert) return cert.error();
  auto key = read_file(key_file);
  if (!key) return key.error();
  Certificates out;
  out.ca_pem = *cert;
  out.cert_pem = *cert;
  out.key_pem = *key;
  return out;
}

}  // namespace sps::sim
