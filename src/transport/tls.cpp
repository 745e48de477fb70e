#include "transport/tls.h"

#include "transport/https_appliance_api.h"
#include "transport/https_client.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

namespace sps::transport {

namespace ssl = boost::asio::ssl;

namespace {

bool has_hash_links(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // "3513523f.0": eight hex digits of the subject-name hash, a dot, a sequence number.
    if (name.size() >= 10 && name[8] == '.' &&
        std::all_of(name.begin(), name.begin() + 8, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      return true;
    }
  }
  return false;
}

/// The hashed directories that can stand in for the system store, or none. OpenSSL's
/// default paths parse the whole bundle file (/usr/lib/ssl/cert.pem: about 145
/// certificates, at every start) besides adding the directory (SSL_CERT_DIR, else the
/// default one). When the default directory holds hash links (<subject hash>.0, which
/// Debian's update-ca-certificates(8) keeps in step with the bundle), the directories are
/// looked up lazily instead: only the issuers a chain needs are read (X509_LOOKUP_hash_dir,
/// https://www.openssl.org/docs/man3.0/man3/SSL_CTX_load_verify_dir.html). SSL_CERT_FILE in
/// the environment keeps OpenSSL's own behaviour.
std::vector<std::string> lazy_system_store() {
  if (std::getenv(X509_get_default_cert_file_env()) != nullptr) return {};
  const std::string default_dir = X509_get_default_cert_dir();
  if (!has_hash_links(default_dir)) return {};
  std::vector<std::string> dirs;
  if (const char* env = std::getenv(X509_get_default_cert_dir_env()); env != nullptr) {
    std::string_view list(env);
    while (!list.empty()) {
      const std::size_t colon = list.find(':');
      const std::string_view dir = list.substr(0, colon);
      if (!dir.empty()) dirs.emplace_back(dir);
      list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
    }
  }
  if (std::find(dirs.begin(), dirs.end(), default_dir) == dirs.end()) dirs.push_back(default_dir);
  return dirs;
}

}  // namespace

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
  } else if (const std::vector<std::string> dirs = lazy_system_store(); !dirs.empty()) {
    // Certificates are read from the directories when a chain needs them.
    for (const std::string& dir : dirs) {
      if (SSL_CTX_load_verify_dir(ctx->native_handle(), dir.c_str()) != 1) {
        ERR_clear_error();
        ctx->set_default_verify_paths(ec);
        break;
      }
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

std::shared_ptr<ssl::context> shared_client_tls_context(bool insecure) {
  const auto make = [](bool verify) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    ctx->set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none, ec);
    return ctx;
  };
  // Function-local statics: made once, thread-safe; SSL_CTX is safe to share between threads.
  static const std::shared_ptr<ssl::context> kVerifying = make(true);
  static const std::shared_ptr<ssl::context> kInsecure = make(false);
  return insecure ? kInsecure : kVerifying;
}

core::Result<std::shared_ptr<X509_STORE>> ca_file_store(const std::string& ca_file) {
  const auto failed = [&](const std::string& why) {
    return core::Error(core::ErrorCode::kInvalidArgument, "cannot load the CA file '" + ca_file + "': " + why,
                       "--ca-file (or SPS_CA_FILE) must name a readable PEM file holding "
                       "the certificate of the CA that signed the appliance's certificate");
  };
  // A CA bundle is small; a larger file is not one.
  constexpr std::uintmax_t kMaxBytes = 8 * 1024 * 1024;
  std::error_code size_error;
  const std::uintmax_t size = std::filesystem::file_size(ca_file, size_error);
  if (size_error) return failed(size_error.message());
  if (size > kMaxBytes) return failed("larger than 8 MiB");
  std::ifstream in(ca_file, std::ios::binary);
  std::string pem(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(pem.data(), static_cast<std::streamsize>(pem.size()))) return failed("cannot read it");

  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<X509_STORE>, std::less<>> stores;  // by content
  {
    const std::lock_guard lock(mutex);
    if (auto it = stores.find(pem); it != stores.end()) return it->second;
  }
  std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509_STORE_free);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  STACK_OF(X509_INFO)* infos = bio != nullptr ? PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  int certificates = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    const X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store.get(), info->x509) == 1) ++certificates;
    if (info->crl != nullptr) X509_STORE_add_crl(store.get(), info->crl);
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  ERR_clear_error();
  if (certificates == 0) return failed("no certificate found in it (a PEM file: -----BEGIN CERTIFICATE-----)");
  const std::lock_guard lock(mutex);
  return stores.try_emplace(std::move(pem), std::move(store)).first->second;
}

namespace {

/// OpenSSL's reason for the last failure ("bad decrypt", "mac verify failure"), draining the
/// error queue so it does not leak into later, unrelated calls.
std::string openssl_reason() {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    const char* text = ERR_reason_error_string(code);
    if (reason.empty() && text != nullptr) reason = text;
  }
  return reason.empty() ? std::string("unknown reason") : reason;
}

core::Error identity_error(const std::string& what, const std::string& hint) {
  return core::Error(core::ErrorCode::kInvalidArgument, what, hint);
}

core::Result<void> load_pkcs12(ssl::context& ctx, const ClientIdentity& identity) {
  const std::string& file = identity.pkcs12_file;
  BIO* bio = BIO_new_file(file.c_str(), "rb");
  if (bio == nullptr) {
    ERR_clear_error();
    return identity_error("cannot read the PKCS#12 bundle '" + file + "'", "--client-pkcs12 must name a readable file");
  }
  PKCS12* p12 = d2i_PKCS12_bio(bio, nullptr);
  BIO_free(bio);
  if (p12 == nullptr) {
    return identity_error("'" + file + "' is not a PKCS#12 bundle (" + openssl_reason() + ")",
                          "give a .p12/.pfx file, or a PEM pair with --client-cert and --client-key");
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  const bool parsed = PKCS12_parse(p12, identity.passphrase.c_str(), &key, &cert, &chain) == 1;
  PKCS12_free(p12);
  if (!parsed || key == nullptr || cert == nullptr) {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    return identity_error("cannot open the PKCS#12 bundle '" + file + "' (" + openssl_reason() + ")",
                          "check the passphrase given with SPS_CLIENT_KEY_PASSPHRASE or "
                          "--client-key-passphrase-file; the bundle must hold a certificate and its key");
  }
  SSL_CTX* native = ctx.native_handle();
  bool ok = SSL_CTX_use_certificate(native, cert) == 1 && SSL_CTX_use_PrivateKey(native, key) == 1;
  // Intermediate certificates go with the leaf; add_extra_chain_cert takes ownership.
  while (ok && chain != nullptr && sk_X509_num(chain) > 0) {
    X509* extra = sk_X509_shift(chain);
    ok = SSL_CTX_add_extra_chain_cert(native, extra) == 1;
    if (!ok) X509_free(extra);
  }
  EVP_PKEY_free(key);
  X509_free(cert);
  sk_X509_pop_free(chain, X509_free);
  if (!ok || SSL_CTX_check_private_key(native) != 1) {
    return identity_error("cannot use the certificate in '" + file + "' (" + openssl_reason() + ")", "");
  }
  return {};
}

}  // namespace

void SessionCache::remember(SSL* ssl) {
  SSL_SESSION* current = SSL_get1_session(ssl);
  if (current == nullptr) return;
  if (current == m_session || SSL_SESSION_is_resumable(current) != 1) {
    SSL_SESSION_free(current);
    return;
  }
  forget();
  m_session = current;
}

void SessionCache::forget() {
  if (m_session != nullptr) SSL_SESSION_free(m_session);
  m_session = nullptr;
}

core::Result<void> load_client_identity(ssl::context& ctx, const ClientIdentity& identity) {
  if (!identity.pkcs12_file.empty()) return load_pkcs12(ctx, identity);
  // PEM pair. The key may be encrypted: OpenSSL asks the callback for its passphrase.
  const std::string passphrase = identity.passphrase;
  boost::system::error_code ec;
  ctx.set_password_callback([passphrase](std::size_t, ssl::context::password_purpose) { return passphrase; }, ec);
  ctx.use_certificate_chain_file(identity.cert_file, ec);
  if (ec) {
    ERR_clear_error();
    return identity_error("cannot load the client certificate '" + identity.cert_file + "': " + ec.message(),
                          "--client-cert must name a readable PEM certificate (chain)");
  }
  const std::string key_file = identity.key_file.empty() ? identity.cert_file : identity.key_file;
  ctx.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    ERR_clear_error();
    return identity_error("cannot load the client key '" + key_file + "': " + ec.message(),
                          "--client-key must name the PEM private key of --client-cert; an encrypted key needs "
                          "its passphrase in SPS_CLIENT_KEY_PASSPHRASE or --client-key-passphrase-file");
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    ERR_clear_error();
    return identity_error("the client key '" + key_file + "' does not belong to the certificate '" +
                              identity.cert_file + "'",
                          "give the key that was issued with the certificate");
  }
  return {};
}

namespace {

/// The names a server certificate is issued for: its DNS and IP subject alternative names,
/// else its common name. "sps.example.com, 10.0.0.5".
std::string certificate_names(X509* cert) {
  std::string names;
  const auto add = [&](const std::string& n) { names += (names.empty() ? "" : ", ") + n; };
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
    if (n->type == GEN_DNS) {
      add(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                      static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName))));
    } else if (n->type == GEN_IPADD && (ASN1_STRING_length(n->d.iPAddress) == 4 || ASN1_STRING_length(n->d.iPAddress) == 16)) {
      const unsigned char* b = ASN1_STRING_get0_data(n->d.iPAddress);
      const int len = ASN1_STRING_length(n->d.iPAddress);
      boost::asio::ip::address a = len == 4 ? boost::asio::ip::address(boost::asio::ip::address_v4({b[0], b[1], b[2], b[3]}))
                                            : boost::asio::ip::address(boost::asio::ip::address_v6([&] {
                                                boost::asio::ip::address_v6::bytes_type bytes{};
                                                std::copy(b, b + 16, bytes.begin());
                                                return bytes;
                                              }()));
      add(a.to_string());
    }
  }
  GENERAL_NAMES_free(sans);
  if (names.empty()) {
    char cn[256] = {0};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) > 0) add(cn);
  }
  return names;
}

}  // namespace

std::string tls_library_version() { return OpenSSL_version(OPENSSL_VERSION); }

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
    X509* leaf = X509_STORE_CTX_get_current_cert(ctx.native_handle());
    const std::string names = leaf != nullptr ? certificate_names(leaf) : std::string();
    record.reason = "the certificate does not match the host name '" + host + "'" +
                    (names.empty() ? std::string() : "; it is issued for: " + names);
    record.name_mismatch = true;
  }
  return matches;
}

std::string tls_verify_failure_message(const std::string& endpoint, const std::string& reason, bool name_mismatch) {
  if (name_mismatch) {
    return "the TLS certificate of " + endpoint + " could not be verified (" + reason +
           "); use --url with a name the certificate has (https://NAME[:PORT]), not another name or address "
           "of the appliance";
  }
  return "the TLS certificate of " + endpoint + " could not be verified (" +
         (reason.empty() ? std::string("unknown reason") : reason) +
         "); pass the appliance's CA certificate with --ca-file PEM (or SPS_CA_FILE), or use "
         "--insecure for testing only";
}

}  // namespace sps::transport
