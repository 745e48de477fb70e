#pragma once
// Connection options shared by every command that talks to an appliance (plan, apply,
// drift, export): --url, --username, --password-file, --ca-file, --insecure, --timeout,
// --deadline, --max-answer-size, --parallel, --verbose, --login-method, the X.509 client certificate
// (--client-cert/--client-key or --client-pkcs12, passphrase from --client-key-passphrase-file),
// and the environment variables SPS_URL, SPS_USERNAME, SPS_PASSWORD, SPS_CA_FILE,
// SPS_LOGIN_METHOD, SPS_CLIENT_KEY_PASSPHRASE (a flag wins over its variable). A password or
// passphrase is never accepted as a command-line argument: it would show in process
// listings and shell history.
#include "appliance/appliance_api.h"
#include "cli/cli.h"
#include "core/error.h"
#include "core/log.h"

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace CLI {
class App;
}

namespace sps::cli {

/// The appliance URL in one spelling, so that a saved plan's appliance check does not depend
/// on how the URL was typed: scheme and host in lower case, no default port (443 for
/// https), no trailing slash. "HTTPS://SPS.example.com:443/" -> "https://sps.example.com".
std::string normalize_url(std::string_view url);

/// Parsed connection flags (before the environment is consulted).
struct ConnectionOptions {
  std::string url;
  std::string username;
  std::string password_file;
  std::string ca_file;
  bool insecure = false;
  double timeout_seconds = 30;             // one attempt of one request, handshake included
  std::string deadline = "10m";            // the whole command (DURATION: 90s, 10m, 1h, 600)
  std::uint64_t max_answer_mib = 64;       // one answer's body
  /// At most this many connections read at once: a plan's reads go out in one wave of
  /// min(reads, parallel) connections.
  int parallel = 32;
  bool verbose = false;     // = --log-level info
  std::string log_level;    // --log-level; empty: --verbose, SPS_LOG, warn (cli/log.h)
  std::string login_method;
  std::string client_cert;
  std::string client_key;
  std::string client_pkcs12;
  std::string client_key_passphrase_file;
  // Where credentials come from when no flag gives them: variable names, never values. An
  // inventory names other variables per appliance (desired/inventory.h).
  std::string username_env = "SPS_USERNAME";
  std::string password_env = "SPS_PASSWORD";
  std::string passphrase_env = "SPS_CLIENT_KEY_PASSPHRASE";
  /// A fleet runs several connections at once and clears a stop request once, before it
  /// starts: connect() then leaves it alone, so a Ctrl-C during one appliance's login
  /// reaches every appliance.
  bool keep_stop_request = false;
};

/// "90s", "10m", "1h", "600" (seconds) -> seconds; kInvalidArgument otherwise.
core::Result<std::chrono::seconds> parse_duration(std::string_view text);
/// The same, also "250ms" and zero ("0", "0s"): a wait that may be short or none.
core::Result<std::chrono::milliseconds> parse_wait(std::string_view text);

// A stop request for the running command: apply's signal handlers set it, the transport
// aborts requests in flight when it is set or the --deadline passes. After
// enter_cleanup() (the commit, its status check, the rollback must go out) a stop request
// no longer aborts requests and the deadline gets a grace period (kCleanupGrace).
inline constexpr std::chrono::seconds kCleanupGrace{60};
/// Async-signal-safe.
void request_stop() noexcept;
/// Forgets a stop request (a fleet, before it starts its appliances).
void clear_stop_request() noexcept;
bool stop_requested() noexcept;
void enter_cleanup() noexcept;

/// Installs handlers that turn the stop signals into request_stop() while it lives (an apply,
/// or a fleet of them), restoring the previous handlers after: Ctrl-C, kill, a closed terminal
/// or SSH session (SIGHUP), Ctrl-Backslash (SIGQUIT). SIGPIPE is ignored process-wide
/// (main.cpp): a closed output pipe is an output error, never a reason to stop mid-transaction.
class StopSignalGuard {
 public:
  StopSignalGuard();
  ~StopSignalGuard();
  StopSignalGuard(const StopSignalGuard&) = delete;
  StopSignalGuard& operator=(const StopSignalGuard&) = delete;

 private:
  std::array<struct sigaction, 4> m_old{};
};

/// Adds the connection flags to a subcommand.
void add_connection_options(CLI::App& app, ConnectionOptions& options);

/// An appliance session ready to use (logged in), plus the URL it talks to. Ends the
/// session (ApplianceApi::logout) when destroyed, so every command logs out on success,
/// on failure and after an interrupted apply has rolled back.
struct Connection {
  std::unique_ptr<appliance::ApplianceApi> api;
  std::string url;
  std::string username;
  /// Set when this connection's commit, status check or rollback must go out (an apply's
  /// ApplyOptions::on_cleanup): like enter_cleanup(), for this connection only, so one
  /// appliance of a fleet entering its cleanup gives no grace to the others.
  std::shared_ptr<std::atomic<bool>> cleanup = std::make_shared<std::atomic<bool>>(false);

  Connection(std::unique_ptr<appliance::ApplianceApi> a, std::string u, std::string user,
             std::shared_ptr<std::atomic<bool>> c = std::make_shared<std::atomic<bool>>(false))
      : api(std::move(a)), url(std::move(u)), username(std::move(user)), cleanup(std::move(c)) {}
  Connection(Connection&&) = default;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (api) api->logout();
  }
};

/// The part of connect() that sends nothing to the REST API: flags and environment resolved,
/// the TLS context built and the first connection opened (TCP and TLS handshake,
/// ApplianceApi::preconnect). It prints nothing, so a command runs it on a thread of its own
/// while it loads and validates the desired state, and logs in only once that state is
/// valid: an invalid desired state still costs no request and no session.
struct PendingConnection {
  std::unique_ptr<appliance::ApplianceApi> api;
  std::string url;
  std::string username;
  bool insecure = false;
  std::string logging_in;  // the debug line login_pending() logs
  core::LogFunction log;
  std::shared_ptr<std::atomic<bool>> cleanup;
};

/// Resolves flags and environment, creates the HTTPS API and opens its first connection.
/// Starts the command's deadline and clears any stop request. Errors as connect()'s.
core::Result<PendingConnection> prepare_connection(const ConnectionOptions& options, Io& io);

/// Warns on --insecure (to io.err) and logs in.
core::Result<Connection> login_pending(PendingConnection pending, Io& io);

/// Resolves flags and environment, warns on --insecure (to io.err), creates the HTTPS API
/// and logs in (prepare_connection, then login_pending). Starts the command's deadline and
/// clears any stop request. Errors say what is missing or wrong and how to fix it.
core::Result<Connection> connect(const ConnectionOptions& options, Io& io);

/// Runs `load` on the calling thread while prepare_connection() runs on another, and
/// returns load's result; `pending` receives the prepared connection (or its error), which
/// the caller looks at only when load succeeded, so errors come in the order connect()
/// after loading would give them. `load` may print; prepare_connection() does not.
/// login_pending() of what load_while_connecting() prepared, or its error.
core::Result<Connection> login_prepared(std::optional<core::Result<PendingConnection>>& pending, Io& io);

template <class Load>
auto load_while_connecting(const ConnectionOptions& options, Io& io,
                           std::optional<core::Result<PendingConnection>>& pending, Load&& load) {
  std::jthread preparing([&] { pending.emplace(prepare_connection(options, io)); });
  auto loaded = load();
  preparing.join();
  return loaded;
}

/// Prints an error (message, detail, and a hint for common causes) to io.err; a detail that
/// is a JSON object (the appliance's error.details) is shown as readable_detail() lines.
void print_error(const core::Error& error, Io& io);

/// An error detail for a person: a JSON object becomes one "name: value" line per member
/// (nested members joined with ".", list items numbered: "errors.1.message: ..."); any other
/// text is returned unchanged.
std::string readable_detail(const std::string& detail);

}  // namespace sps::cli
