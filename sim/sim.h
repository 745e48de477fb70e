#pragma once
// sps-sim in-process API: an HTTPS simulator of the One Identity Safeguard for Privileged
// Sessions REST API that the project's tests (and the `sps-sim` executable) run against.
// It behaves as the real appliance is documented to: Basic login with session_id cookies,
// {key, body, meta} envelopes, server-generated keys, references rendered as {key, meta},
// one global configuration lock, transactions with per-session pending state, commit
// validation (referential integrity), rollback and a changelog. Any path of its seed is
// served: collections, singletons (object, array or scalar bodies) and the directories
// between them (sim/tree.h). On top of that it records a request journal and injects faults
// (latency, error statuses, dropped connections, stalls, a lock held by another admin,
// transaction expiry, commit rejection).
//
// It also plays the central management node of a cluster (GET /api/cluster/status, sim/cluster.h).
// It does not implement audit search or firmware, and it never contains client code. See sim/README.md for every behaviour the real
// appliance does not document and the choice made here.
//
// Usage (tests normally use sps::testing::SimFixture instead):
//   sps::sim::Simulator sim{{.rng_seed = 42}};
//   if (auto started = sim.start(); !started) { ... started.error().message ... }
//   // talk to sim.url() trusting sim.ca_pem(); then
//   sim.stop();  // also done by the destructor
#include "core/error.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sps::sim {

/// A user that can log in. Read-only users get 403 Unauthorized on every write; a user may
/// also lack write access to some paths only (their group's privileges), which /api/user_info
/// reports and writes there answer 403.
struct User {
  std::string name;
  std::string password;
  bool read_only = false;
  std::string login_method = "local";  // the login method whose backend holds the account
  /// Paths relative to /api/configuration ("management/email") the user may read only.
  std::vector<std::string> read_only_paths = {};
};

/// A login method of the appliance (AAA > Login methods in SPS 7.1+): users of its backend
/// log in with `GET /api/authentication?login_method=NAME`; the first method of
/// Options::login_methods is the default (used without ?login_method=).
struct LoginMethod {
  std::string name;                      // "local", "corp-ldap"
  std::string authentication = "local";  // "local" or "ldap" (user_info login_method.authentication)
  bool password = true;                  // accepts HTTP Basic
  bool x509 = false;                     // accepts a client certificate (?type=x509)
};

/// What a fault rule does to a matching request.
enum class FaultAction {
  kStatus,      // answer with status + error type instead of processing the request
  kDropBefore,  // close the connection without processing or answering
  kDropAfter,   // process the request (state changes happen), then close without answering
  kStall,       // keep the connection open and never answer
  kExpireTransaction,  // expire the open transaction (as if it timed out), then process
  kCut,         // process the request (state changes happen), send the first half of the
                // answer's bytes (status line, headers, part of the body), then reset
  kRewrite,     // process the request (state changes happen), then answer status + body
                // instead of the real answer: a garbled or mistyped answer, or an error
                // status after the work was done
};

/// A fault rule. A request matches when method and path match; among the matching
/// requests the rule fires on the nth one (1-based) only, or on every one when nth == 0.
struct Fault {
  FaultAction action = FaultAction::kStatus;
  std::string method;      // "GET", "POST", ...; "WRITE" = POST|PUT|DELETE; "" = any
  std::string path;        // glob on the path without query; "*" matches any characters
                           // except "/", "**" matches anything; "" = any path
  unsigned nth = 0;        // 0 = every matching request
  int status = 500;        // kStatus only
  std::string error_type = "InternalError";  // kStatus only
  std::string message = "Injected fault";    // kStatus only
  std::string body;        // kRewrite only: the raw answer body (any bytes)

  /// Parses the command-line grammar (sim/README.md), e.g.
  /// "status=500,method=PUT,path=/api/configuration/policies/*,nth=3,type=InternalError",
  /// "drop=before,nth=2", "stall,path=/api/transaction", "expire,method=PUT",
  /// "rewrite=200,method=PUT,path=/api/transaction,body=<html>" (body takes the rest).
  /// Fails with kInvalidArgument naming the bad item.
  static core::Result<Fault> parse(std::string_view spec);
};

/// One request as the server saw it, in arrival order.
struct JournalEntry {
  std::uint64_t sequence = 0;  // 1, 2, 3, ...
  std::string method;
  std::string path;            // without the query string
  std::string user;            // authenticated user, "" if none
  int status = 0;              // HTTP status sent (or that would have been sent); 0 = none
  bool applied = false;        // the request was processed and succeeded (2xx)
  std::string fault;           // "" or "status", "drop-before", "drop-after", "stall", "expire",
                               // "cut", "rewrite"

  /// "PUT /api/transaction 200" (plus " [fault]" when a fault fired).
  std::string to_string() const;
  boost::json::object to_json() const;
};

/// A managed host of the simulated Central Management cluster (sim/cluster.h). It takes
/// every commit of the simulator (the central management node) Options::cluster_sync_delay
/// after it, unless a fault says otherwise.
struct ClusterNode {
  std::string fqdn;          // "node-1.cluster.example"
  bool never_syncs = false;  // fault: keeps the configuration it had when the simulator started
  bool issues = false;       // fault: reports the documentation's sample warning once it synced
};

/// Everything configurable. Defaults emulate a fresh appliance with one admin/admin user.
struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;          // 0 = pick a free port; read it back with port()
  std::string cert_file;           // PEM server certificate (chain); empty = generate
  std::string key_file;            // PEM private key for cert_file
  std::string ca_out;              // when set, start() writes the CA certificate PEM here
  std::string seed_dir;            // directory of <kind path>.json; empty = built-in seed
  std::vector<User> users{{"admin", "admin", false, "local", {}}};
  /// Login methods, the default first. With an LDAP method as the default, local users
  /// (admin) must ask for login_method=local: "When LDAP authentication is enabled, the
  /// accounts of local users is disabled".
  std::vector<LoginMethod> login_methods{{"local", "local", true, true}};
  /// When set, start() writes a client certificate (PEM) for this user, issued by the
  /// simulator's CA, to client_cert_out, its key to client_key_out, and a PKCS#12 bundle
  /// of both (passphrase client_pkcs12_passphrase) to client_pkcs12_out.
  std::string client_cert_user = "admin";
  std::string client_cert_out;
  std::string client_key_out;
  std::string client_pkcs12_out;
  std::string client_pkcs12_passphrase = "sps-sim";
  std::vector<std::string> roles;  // /api/info roles, e.g. "managed-host", "central-management"
  std::string hostname = "sps-sim";
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds latency_jitter{0};  // uniform in [0, jitter] added to latency
  std::vector<Fault> faults;
  std::string lock_held_by;        // another administrator holds the lock from the start
  int reject_commits = 0;          // reject the next N commits with a SemanticError
  std::chrono::seconds transaction_timeout{600};
  // Idle timeout of sessions. Unset: management/webinterface.timeout (minutes) of the
  // committed configuration when present, else 20 minutes.
  std::optional<std::chrono::seconds> session_timeout;
  std::string journal_file;        // append every journal entry as one JSON line
  bool debug_endpoints = false;    // serve GET /api/_debug/journal
  bool listings_include_bodies = true;  // false emulates SPS 6.0 (key + href only)
  std::string lock_error_type = "ConfigurationLocked";
  int lock_error_status = 409;
  std::uint64_t rng_seed = 0;      // 0 = seed from std::random_device
  std::string firmware_version = "7.5.0";
  /// Managed hosts of a Central Management cluster: when not empty, the simulator is their
  /// central management node (GET /api/info lists the role) and serves GET /api/cluster/status.
  std::vector<ClusterNode> cluster_nodes;
  std::chrono::milliseconds cluster_sync_delay{0};  // from a commit to each node taking it
};

/// The simulator: store + router + HTTPS server on one io_context thread.
/// All methods are thread-safe; call them from the test thread while it serves.
class Simulator {
 public:
  explicit Simulator(Options options = {});
  ~Simulator();  // stop()
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Loads the seed, sets up TLS, binds, and starts serving on a new thread. Fails with
  /// kInvalidArgument (bad seed, cert files, address) or kUnavailable (bind failed).
  core::Result<void> start();
  /// Stops serving, closes every connection and joins the thread. Idempotent.
  void stop();

  std::uint16_t port() const;
  /// "https://127.0.0.1:<port>" (IPv6 hosts in brackets).
  std::string url() const;
  /// PEM of the CA that signed the server certificate (the certificate itself when files
  /// were given).
  const std::string& ca_pem() const;
  /// A client certificate for `user` issued by the simulator's CA (generated certificates
  /// only; kInvalidArgument otherwise): {certificate PEM, private key PEM}.
  core::Result<std::pair<std::string, std::string>> issue_client_certificate(const std::string& user) const;
  /// The same as a PKCS#12 bundle (DER bytes) protected by passphrase.
  core::Result<std::string> issue_client_pkcs12(const std::string& user, const std::string& passphrase) const;

  // --- journal -----------------------------------------------------------------------
  std::vector<JournalEntry> journal() const;
  /// journal() as "METHOD PATH STATUS" strings, convenient for EXPECT_THAT.
  std::vector<std::string> journal_lines() const;
  void clear_journal();
  /// Test hook: called on the server thread after each request is processed (journal entry
  /// as recorded) and before its response is sent, without the simulator's lock, so it may
  /// act as another administrator (out_of_band_*). Empty function = no hook.
  void after_request(std::function<void(const JournalEntry&)> hook);

  // --- faults ------------------------------------------------------------------------
  void add_fault(Fault fault);
  void clear_faults();
  /// Fail the nth request (1-based) matching method/path with status + error type.
  void fail_nth(unsigned nth, int status, std::string method = {}, std::string path = {},
                std::string error_type = "InternalError");
  void set_latency(std::chrono::milliseconds fixed, std::chrono::milliseconds jitter = {});
  /// Another administrator takes the configuration lock. kConflict when it is held.
  core::Result<void> hold_lock(std::string admin = "alice");
  /// Releases a lock taken by hold_lock().
  void release_lock();
  /// Expires the open transaction now: rollback, and the holder's session is terminated.
  void expire_transaction();
  /// Rejects the next commit with a SemanticError carrying message.
  void reject_next_commit(std::string message = "Commit rejected by fault injection");
  /// Moves the simulator's clock forward (session and transaction timeouts).
  void advance_clock(std::chrono::seconds by);

  // --- state -------------------------------------------------------------------------
  /// The committed configuration: {"<kind path>": {"key","body"} | {"items":[...]}, ...}.
  boost::json::value committed_snapshot() const;
  /// committed_snapshot() as canonical JSON text, for byte-identical comparisons.
  std::string committed_snapshot_text() const;
  /// Back to the seed the simulator started with; drops sessions, locks and faults state.
  core::Result<void> reset();
  /// Replaces the committed state with a committed_snapshot() value.
  core::Result<void> load_state(const boost::json::value& snapshot);
  /// Whether a transaction (any holder) is open.
  bool transaction_open() const;

  // --- another administrator's committed changes (out of band) ------------------------
  // Paths are relative to /api/configuration: "management/email",
  // "policies/backup_policies" (collection) or "policies/backup_policies/<key>" (item).
  // They fail with kConflict while a transaction is open and kNotFound on unknown paths.
  core::Result<std::string> out_of_band_create(std::string_view collection,
                                               boost::json::value body);
  core::Result<void> out_of_band_replace(std::string_view path, boost::json::value body);
  core::Result<void> out_of_band_delete(std::string_view path);
  /// The committed body at a path (write form: references as bare keys), or kNotFound.
  core::Result<boost::json::value> committed_body(std::string_view path) const;
  /// Whether a write-once object (passwords/<key>) was created from exactly this body.
  bool secret_matches(std::string_view kind_path, std::string_view key,
                      const boost::json::value& body) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Applies one --fault SPEC to options: "lock-held-by=NAME" and "reject-commit[=N]" set
/// state; everything else is parsed by Fault::parse and appended to options.faults.
core::Result<void> apply_fault_spec(std::string_view spec, Options& options);

/// n managed hosts named node-1.cluster.example ... node-N.cluster.example.
std::vector<ClusterNode> cluster_of(unsigned n);

/// Parses "NAME:AUTHENTICATION[:x509][:nopassword]" (a --login-method of sps-sim).
core::Result<LoginMethod> parse_login_method(std::string_view spec);

/// Parses "NAME:PASSWORD[:readonly][:method=LOGIN_METHOD]".
core::Result<User> parse_user(std::string_view spec);

}  // namespace sps::sim
