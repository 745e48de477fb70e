#include "cli/connection.h"

#include "cli/log.h"
#include "cli/options.h"
#include "desired/read_file.h"
#include "transport/https_appliance_api.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <ostream>
#include <sstream>

namespace sps::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_cleanup{false};

std::string env_or(const std::string& flag, const char* variable) {
  if (!flag.empty()) return flag;
  const char* v = std::getenv(variable);
  return v != nullptr ? std::string(v) : std::string();
}

/// A secret from a file named by a flag: a bounded read of a regular file, one trailing
/// newline ignored.
core::Result<std::string> read_secret_file(const std::string& path, const char* flag) {
  auto text = desired::read_regular_file(path, desired::kMaxSecretFileBytes);
  if (!text) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       std::string("cannot read ") + flag + " " + path + ": " + text.error().message,
                       "give a readable file that holds it (a trailing newline is ignored)");
  }
  std::string value = std::move(*text);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

/// The client certificate options, checked for consistency; the passphrase from
/// --client-key-passphrase-file or SPS_CLIENT_KEY_PASSPHRASE (never an argument).
core::Result<transport::ClientIdentity> client_identity(const ConnectionOptions& options) {
  transport::ClientIdentity identity;
  if (!options.client_pkcs12.empty() && !options.client_cert.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "--client-pkcs12 and --client-cert exclude each other",
                       "give a PKCS#12 bundle, or a PEM certificate with --client-key");
  }
  if (!options.client_key.empty() && options.client_cert.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "--client-key needs --client-cert");
  }
  identity.cert_file = options.client_cert;
  identity.key_file = options.client_key;
  identity.pkcs12_file = options.client_pkcs12;
  if (identity.empty()) return identity;
  if (!options.client_key_passphrase_file.empty()) {
    auto passphrase = read_secret_file(options.client_key_passphrase_file, "--client-key-passphrase-file");
    if (!passphrase) return passphrase.error();
    identity.passphrase = std::move(*passphrase);
  } else if (const char* v = std::getenv(options.passphrase_env.c_str()); v != nullptr) {
    identity.passphrase = v;
  }
  return identity;
}

core::Result<std::string> read_password(const ConnectionOptions& options) {
  if (!options.password_file.empty()) return read_secret_file(options.password_file, "--password-file");
  if (const char* v = std::getenv(options.password_env.c_str()); v != nullptr) return std::string(v);
  return core::Error(core::ErrorCode::kInvalidArgument, "no password given",
                     "set " + options.password_env + " or pass --password-file FILE (passwords are never taken as arguments)");
}

}  // namespace

extern "C" void on_stop_signal(int) { request_stop(); }

constexpr std::array<int, 4> kStopSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

StopSignalGuard::StopSignalGuard() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &sa, &m_old[i]);
}

StopSignalGuard::~StopSignalGuard() {
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &m_old[i], nullptr);
}

void request_stop() noexcept { g_stop.store(true); }
void clear_stop_request() noexcept {
  g_stop.store(false);
  g_cleanup.store(false);
}
bool stop_requested() noexcept { return g_stop.load(); }
void enter_cleanup() noexcept { g_cleanup.store(true); }

core::Result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return core::Error(core::ErrorCode::kInvalidArgument, "invalid duration '" + std::string(text) + "'",
                       "give a positive number of seconds, optionally with a unit: 90s, 10m, 1h");
  };
  if (text.empty() || text.size() > 12) return bad();
  std::int64_t unit = 1;
  std::string_view digits = text;
  switch (text.back()) {
    case 's': unit = 1; digits.remove_suffix(1); break;
    case 'm': unit = 60; digits.remove_suffix(1); break;
    case 'h': unit = 3600; digits.remove_suffix(1); break;
    default: break;
  }
  if (digits.empty()) return bad();
  std::int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return bad();
  return std::chrono::seconds(value * unit);
}

core::Result<std::chrono::milliseconds> parse_wait(std::string_view text) {
  if (text.ends_with("ms")) {
    const std::string_view digits = text.substr(0, text.size() - 2);
    std::int64_t value = 0;
    if (digits.empty() || digits.size() > 9) {
      return core::Error(core::ErrorCode::kInvalidArgument, "invalid duration '" + std::string(text) + "'",
                         "give milliseconds (250ms), seconds (90s), minutes (10m) or hours (1h)");
    }
    for (char c : digits) {
      if (c < '0' || c > '9') {
        return core::Error(core::ErrorCode::kInvalidArgument, "invalid duration '" + std::string(text) + "'",
                           "give milliseconds (250ms), seconds (90s), minutes (10m) or hours (1h)");
      }
      value = value * 10 + (c - '0');
    }
    return std::chrono::milliseconds(value);
  }
  if (text == "0" || text == "0s" || text == "0m" || text == "0h") return std::chrono::milliseconds(0);
  auto seconds = parse_duration(text);
  if (!seconds) return seconds.error();
  return std::chrono::duration_cast<std::chrono::milliseconds>(*seconds);
}

void add_connection_options(CLI::App& app, ConnectionOptions& options) {
  app.add_option("--url", options.url, "Appliance URL, https://HOST[:PORT] (env SPS_URL)")
      ->type_name("URL")
      ->group("Connection");
  app.add_option("--username", options.username, "REST user (env SPS_USERNAME)")->type_name("USER")->group("Connection");
  app.add_option("--password-file", options.password_file, "File holding the password (else env SPS_PASSWORD)")
      ->type_name("FILE")
      ->group("Connection");
  app.add_option("--ca-file", options.ca_file, "PEM file of the CA that signed the appliance's certificate (env SPS_CA_FILE)")
      ->type_name("FILE")
      ->group("Connection");
  app.add_flag("--insecure", options.insecure, "Do not verify the appliance's certificate (testing only)")
      ->group("Connection");
  app.add_option("--timeout", options.timeout_seconds,
                 "Seconds one attempt of a request may take, TLS handshake included")
      ->type_name("SECONDS")
      ->check(number_in(0.001, 86400, "seconds"))
      ->capture_default_str()
      ->group("Connection");
  app.add_option("--deadline", options.deadline,
                 "Time the whole command may take (90s, 10m, 1h); an apply still rolls back after it")
      ->type_name("DURATION")
      ->check([](const std::string& text) {
        auto d = parse_duration(text);
        return d ? std::string() : d.error().message + " (" + d.error().detail + ")";
      })
      ->capture_default_str()
      ->group("Connection");
  app.add_option("--max-answer-size", options.max_answer_mib, "Largest answer accepted from the appliance, in MiB")
      ->type_name("MIB")
      ->check(number_in(1, 4096, "MiB"))
      ->capture_default_str()
      ->group("Connection");
  app.add_option("--parallel", options.parallel,
                 "Connections that read at once (at most); reads beyond it wait for a free connection")
      ->type_name("N")
      ->check(number_in(1, 256, "connections"))
      ->capture_default_str()
      ->group("Connection");
  app.add_flag("--verbose", options.verbose, "Log each request (method, path, status, duration) to stderr: --log-level info")
      ->group("Connection");
  app.add_option("--log-level", options.log_level,
                 "Log lines on stderr from LEVEL up, with UTC times: error, warn (default), info (each request) or "
                 "debug (also body sizes); env SPS_LOG")
      ->type_name("LEVEL")
      ->check(one_of({std::begin(kLogLevels), std::end(kLogLevels)}))
      ->group("Connection");
  app.add_option("--login-method", options.login_method,
                 "The appliance's login method to use, e.g. local when LDAP login is enabled (env SPS_LOGIN_METHOD)")
      ->type_name("NAME")
      ->group("Connection");
  app.add_option("--client-cert", options.client_cert,
                 "Log in with this X.509 client certificate (PEM) instead of a password")
      ->type_name("FILE")
      ->group("Connection");
  app.add_option("--client-key", options.client_key, "Private key (PEM) of --client-cert")
      ->type_name("FILE")
      ->group("Connection");
  app.add_option("--client-pkcs12", options.client_pkcs12,
                 "Log in with the certificate and key of this PKCS#12 bundle (.p12/.pfx)")
      ->type_name("FILE")
      ->group("Connection");
  app.add_option("--client-key-passphrase-file", options.client_key_passphrase_file,
                 "File holding the passphrase of --client-key or --client-pkcs12 (else env SPS_CLIENT_KEY_PASSPHRASE)")
      ->type_name("FILE")
      ->group("Connection");
}

std::string normalize_url(std::string_view url) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::string scheme = lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string path(authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end));
  while (path.ends_with('/')) path.pop_back();
  // [IPv6]:port or host:port; the port is what follows the last ':' outside brackets.
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  const bool has_port = colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  const std::string host = lower(authority.substr(0, has_port ? colon : authority.size()));
  std::string port(has_port ? authority.substr(colon + 1) : std::string_view());
  if (port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  return scheme + "://" + host + (port.empty() ? "" : ":" + port) + path;
}

core::Result<PendingConnection> prepare_connection(const ConnectionOptions& options, Io& io) {
  const auto level = resolve_log_level(options.log_level, options.verbose, std::getenv("SPS_LOG"));
  if (!level) return level.error();
  const Logger logger(io.err, *level);
  transport::ConnectionSettings settings;
  settings.url = env_or(options.url, "SPS_URL");
  settings.username = env_or(options.username, options.username_env.c_str());
  settings.ca_file = env_or(options.ca_file, "SPS_CA_FILE");
  settings.insecure = options.insecure;
  settings.login_method = env_or(options.login_method, "SPS_LOGIN_METHOD");
  if (settings.url.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "no appliance URL given",
                       "pass --url https://HOST[:PORT] or set SPS_URL");
  }
  auto identity = client_identity(options);
  if (!identity) return identity.error();
  settings.identity = std::move(*identity);
  if (settings.identity.empty()) {
    // Password login; a certificate login needs neither (the certificate names the user).
    if (settings.username.empty()) {
      return core::Error(core::ErrorCode::kInvalidArgument, "no user name given",
                         "pass --username NAME or set " + options.username_env +
                             " (or log in with --client-cert or --client-pkcs12)");
    }
    auto password = read_password(options);
    if (!password) return password.error();
    settings.password = std::move(*password);
  }
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options.timeout_seconds * 1000));
  settings.timeouts.request = timeout;  // bounds connect and handshake too (transport/https_client.h)
  settings.max_response_bytes = options.max_answer_mib * 1024 * 1024;
  settings.parallelism = options.parallel;
  auto deadline = parse_duration(options.deadline);
  if (!deadline) return deadline.error();
  if (!options.keep_stop_request) {
    g_stop.store(false);
    g_cleanup.store(false);
  }
  const auto end = std::chrono::steady_clock::now() + *deadline;
  auto own_cleanup = std::make_shared<std::atomic<bool>>(false);
  settings.should_stop = [end, text = options.deadline, own_cleanup]() -> std::string {
    const bool cleanup = g_cleanup.load() || own_cleanup->load();
    if (g_stop.load() && !cleanup) return "interrupted by a signal";
    const auto now = std::chrono::steady_clock::now();
    if (now >= end + (cleanup ? kCleanupGrace : std::chrono::seconds(0))) {
      return "the command's deadline (--deadline " + text + ") has passed" +
             (cleanup ? " even with its " + std::to_string(kCleanupGrace.count()) + " s grace for the rollback" : "");
    }
    return {};
  };
  settings.log = logger.function();
  const core::LogFunction log = settings.log;
  const bool insecure = settings.insecure;
  const std::string url = normalize_url(settings.url);
  const std::string username = settings.username;
  const std::string connecting =
      "logging in to " + url + (settings.identity.empty() ? " as " + username : " with a client certificate") +
      (settings.login_method.empty() ? std::string() : ", login method " + settings.login_method) + "; timeout " +
      std::to_string(timeout.count()) + " ms per attempt, deadline " + options.deadline + ", up to " +
      std::to_string(settings.parallelism) + " connections";
  auto api = transport::HttpsApplianceApi::create(std::move(settings));
  if (!api) return api.error();
  (*api)->preconnect();
  return PendingConnection{std::move(*api), url, username, insecure, connecting, log, std::move(own_cleanup)};
}

core::Result<Connection> login_pending(PendingConnection pending, Io& io) {
  if (pending.insecure) {
    io.err << "warning: --insecure: the appliance's certificate is not verified; anyone on the network path "
              "can impersonate it and read the credentials. Use --ca-file instead outside of tests.\n";
  }
  // After create(), which refuses a URL holding credentials.
  if (pending.log) pending.log(core::LogLevel::kDebug, pending.logging_in);
  if (auto ok = pending.api->login(); !ok) return ok.error();
  return Connection(std::move(pending.api), pending.url, pending.username, std::move(pending.cleanup));
}

core::Result<Connection> login_prepared(std::optional<core::Result<PendingConnection>>& pending, Io& io) {
  if (!pending) return core::Error(core::ErrorCode::kInternal, "no connection was prepared");
  if (!*pending) return pending->error();
  return login_pending(std::move(**pending), io);
}

core::Result<Connection> connect(const ConnectionOptions& options, Io& io) {
  auto pending = prepare_connection(options, io);
  if (!pending) return pending.error();
  return login_pending(std::move(*pending), io);
}

namespace {

void flatten(const boost::json::value& v, const std::string& name, std::string& out) {
  if (const auto* o = v.if_object(); o != nullptr && !o->empty()) {
    for (const auto& m : *o) flatten(m.value(), name.empty() ? std::string(m.key()) : name + "." + std::string(m.key()), out);
  } else if (const auto* a = v.if_array(); a != nullptr && !a->empty()) {
    for (std::size_t i = 0; i < a->size(); ++i) flatten((*a)[i], name + "." + std::to_string(i + 1), out);
  } else {
    const auto* text = v.if_string();
    out += name + ": " + (text != nullptr ? std::string(*text) : boost::json::serialize(v)) + "\n";
  }
}

}  // namespace

std::string readable_detail(const std::string& detail) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(detail, ec);
  if (ec || !v.is_object() || v.as_object().empty()) return detail;
  std::string out;
  flatten(v, "", out);
  out.pop_back();
  return out;
}

void print_error(const core::Error& error, Io& io) {
  io.err << "error: " << error.message << '\n';
  if (!error.detail.empty()) {
    std::istringstream lines(readable_detail(error.detail));
    for (std::string line; std::getline(lines, line);) io.err << "  " << line << '\n';
  }
}

}  // namespace sps::cli
