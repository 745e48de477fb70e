#pragma once
// The simulator's appliance state: committed configuration, sessions, the one global
// configuration lock with its transaction (per-session pending copy, changelog, commit
// validation, rollback), the request journal and the fault rules. It is pure: no sockets,
// no threads, no files; time comes from a steady clock plus an offset tests can advance.
// It is not thread-safe; Simulator serialises every access with one mutex.
// It does not parse HTTP or render envelopes (router.h does that).
#include "catalog/catalog.h"
#include "core/error.h"
#include "sim/cluster.h"
#include "sim/sim.h"
#include "sim/tree.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sps::sim {

using TimePoint = std::chrono::steady_clock::time_point;

/// One object of a kind: a collection item, or the single object of a singleton.
/// References in body are stored in write form (bare key strings).
struct StoredObject {
  std::string key;
  boost::json::value body;
};

/// The objects of one node of the tree, in the collection's order (a singleton has one).
struct KindState {
  NodeSpec* node = nullptr;  // owned by the store's NodeTable
  std::vector<StoredObject> items;

  StoredObject* find(std::string_view key);
  const StoredObject* find(std::string_view key) const;
};

/// The whole configuration, keyed by node path ("policies/backup_policies").
using Config = std::map<std::string, KindState, std::less<>>;

/// A logged-in REST session.
struct Session {
  std::string id;  // 40 hex
  std::string user;
  bool read_only = false;
  TimePoint last_seen;
  std::string login_method;  // name of the login method used
  std::string authentication;  // its backend: "local", "ldap"
  std::string credential;    // "password" or "x509"
  std::vector<std::string> read_only_paths;  // relative to /api/configuration
};

/// The open transaction. holder_session is empty when another administrator (not a REST
/// session: web UI, console) holds the lock; external_admin then names them.
struct Transaction {
  std::string holder_session;
  std::string holder_user;
  Config pending;
  std::vector<std::pair<std::string, std::string>> touched;  // (kind path, key), first change first
  TimePoint last_activity;
};

/// One problem found by commit validation.
struct Problem {
  std::string path;     // "/api/configuration/policies/backup_policies/<key>"
  std::string pointer;  // JSON pointer inside the body ("" = the whole object)
  std::string message;
};

/// State + transactions + journal + faults. See the file comment.
class Store {
 public:
  /// Builds the store over a catalog (which must outlive it): every curated kind is a node
  /// of the tree even without a seed document, and its closed schema says which unknown
  /// members writes drop. Commit validation never uses the catalog's schemas.
  static core::Result<Store> create(const catalog::Catalog& catalog, const Options& options);

  const Options& options() const { return m_options; }
  /// The tree's nodes and directories.
  const NodeTable& nodes() const { return m_nodes; }
  /// The node at a path relative to /api/configuration, or nullptr.
  NodeSpec* find_node(std::string_view path) { return m_nodes.find(path); }

  // --- state -------------------------------------------------------------------------
  /// Replaces the committed state with a snapshot/seed value: an object mapping node paths
  /// to seed documents ({"key","body"} or {"items":[{"key","body"}]}). Any path becomes a
  /// node of that shape; curated kinds absent from the value get an empty default. Read-form
  /// references in bodies are stored as bare keys and mark their sites. Drops the
  /// transaction. Fails with kInvalidArgument naming the path on a malformed document, a
  /// path inside another node, or a reference to a path that is not in the tree.
  core::Result<void> load_state(const boost::json::object& state);
  /// Reads a seed as files {"<kind path>.json", text}.
  core::Result<void> load_seed_files(const std::vector<std::pair<std::string, std::string>>& files);
  /// The committed state in the load_state format, members and kinds in sorted order.
  boost::json::object committed_state() const;
  const Config& committed() const { return m_committed; }
  /// An MD5-length digest of the committed configuration (/api/info config_hash): it
  /// changes with every commit that changes something.
  std::string committed_digest() const;
  /// The state a session sees: pending if it holds the transaction, else committed.
  const Config& view_for(std::string_view session_id) const;

  // --- time --------------------------------------------------------------------------
  TimePoint now() const;
  void advance_clock(std::chrono::seconds by) { m_clock_offset += by; }

  // --- sessions ----------------------------------------------------------------------
  /// Checks credentials; on success creates a session and returns its id.
  std::optional<std::string> login(std::string_view user, std::string_view password);
  /// The login method named `name`, or the default one (the first) when name is empty;
  /// nullptr when there is no such method.
  const LoginMethod* login_method(std::string_view name) const;
  /// Logs `user` in through `method` with a password (credential "password") or with an
  /// already verified client certificate (password nullopt, credential "x509"). The account
  /// must live in the method's backend. Returns the session id.
  std::optional<std::string> login_with(const LoginMethod& method, std::string_view user,
                                        std::optional<std::string_view> password);
  /// The live session for an id (touching it), or nullptr when unknown, idle-expired or
  /// terminated. Also expires a due transaction first.
  Session* authenticate(std::string_view session_id);
  /// Why authenticate() failed, for the 401 message.
  std::string why_unauthenticated(std::string_view session_id) const;
  std::chrono::seconds session_timeout() const;

  // --- transactions ------------------------------------------------------------------
  const std::optional<Transaction>& transaction() const { return m_transaction; }
  bool holds_transaction(std::string_view session_id) const;
  /// Who holds the lock ("alice"), or empty when it is free.
  std::string lock_holder() const;
  /// Opens a transaction for the session. kConflict when someone else holds the lock.
  /// Returns true when a new transaction was opened, false when the session already held one.
  core::Result<bool> open(const Session& session);
  /// Seconds before the transaction expires (0 when none).
  std::int64_t remaining_seconds() const;
  /// Resets the transaction's idle timer when the session holds it.
  void touch_transaction(std::string_view session_id);
  /// Validates the pending state; on success makes it committed and closes the
  /// transaction. On failure returns the problems and leaves the transaction open.
  /// honour_faults = false ignores reject-commit faults (out-of-band changes).
  std::vector<Problem> commit(std::string commit_message, bool honour_faults = true);
  /// Discards the pending state and releases the lock.
  void rollback();
  /// Rolls back and terminates the holder's session (transaction timeout).
  void expire_transaction();
  /// Rolls back when the holder has been idle for the transaction timeout.
  void expire_if_due();
  /// Another administrator (not a REST session) takes the lock. kConflict if held.
  core::Result<void> hold_lock(std::string admin);
  void release_external_lock();
  const std::string& last_commit_message() const { return m_last_commit_message; }
  /// The managed hosts of the cluster this node is the central management node of (disabled
  /// without Options::cluster_nodes). Commits are recorded in it with the wall clock.
  const ClusterState& cluster() const { return m_cluster; }
  /// The changelog of the open transaction (array of change objects), secrets redacted.
  boost::json::array changes() const;

  // --- objects (applied to the pending state of the session's transaction) ---------------
  /// Normalises a write body: converts references given as {key, ...} to bare keys (a
  /// read-form reference at a new place teaches the node a new site) and, for curated kinds,
  /// strips members their closed schema does not declare.
  boost::json::value normalize_body(NodeSpec& node, boost::json::value body);
  /// Creates an item in a collection; returns its new key.
  std::string create(Config& config, const NodeSpec& node, boost::json::value body);
  void replace(Config& config, const NodeSpec& node, std::string_view key,
               boost::json::value body);
  void remove(Config& config, const NodeSpec& node, std::string_view key);
  /// The config a writer should change: the pending state of the open transaction.
  Config& pending();
  /// Records that an object changed in this transaction (keeps first-change order);
  /// key "@order" records a change of a collection's order.
  void mark_touched(std::string_view kind_path, std::string_view key);
  /// A new random 22-hex key.
  std::string new_key();
  /// Whether a write-once object's stored digest matches a body (for tests).
  bool secret_matches(std::string_view kind_path, std::string_view key,
                      const boost::json::value& body) const;

  /// Problems of a write-once body at POST time (pointer + message; path left empty).
  std::vector<Problem> validate_write_once(const NodeSpec& node, const boost::json::value& body) const;
  /// Commit-time checks: referential integrity only (dangling references, references to
  /// objects this transaction deletes, a password/private-key object referenced twice).
  std::vector<Problem> validate(const Config& config) const;

  // --- faults and journal ------------------------------------------------------------
  void add_fault(Fault fault) { m_faults.push_back(Armed{std::move(fault), 0, false}); }
  void clear_faults() { m_faults.clear(); }
  /// Counts the request against every rule and returns the first rule that fires.
  std::optional<Fault> match_fault(std::string_view method, std::string_view path);
  void set_reject_commits(int count, std::string message);
  void record(JournalEntry entry);
  const std::vector<JournalEntry>& journal() const { return m_journal; }
  void clear_journal() { m_journal.clear(); }

 private:
  /// A fault rule with its match counter.
  struct Armed {
    Fault fault;
    unsigned matched = 0;
    bool spent = false;
  };

  Store() = default;
  /// The write form of a body at the node's known sites, unknown members stripped.
  boost::json::value written(const NodeSpec& node, boost::json::value body) const;
  void check_references(const Config& config, std::vector<Problem>& problems) const;

  const catalog::Catalog* m_catalog = nullptr;
  Options m_options;
  NodeTable m_nodes;
  Config m_committed;
  std::map<std::string, Session, std::less<>> m_sessions;
  std::map<std::string, std::string, std::less<>> m_terminated;  // session id -> reason
  std::optional<Transaction> m_transaction;
  std::string m_last_commit_message;
  ClusterState m_cluster;
  std::map<std::string, std::string, std::less<>> m_secret_digests;  // "kind/key" -> sha256
  std::chrono::seconds m_clock_offset{0};
  std::mt19937_64 m_rng;
  std::vector<Armed> m_faults;
  int m_reject_commits = 0;
  std::string m_reject_message;
  std::vector<JournalEntry> m_journal;
  std::uint64_t m_sequence = 0;
};

/// Path of an object: "/api/configuration/<node>" for singletons,
/// "/api/configuration/<node>/<key>" for collection items.
std::string object_path(const NodeSpec& node, std::string_view key);

/// Whether a reference resolves in config (dotted keys walk into the object's body).
bool reference_resolves(const Config& config, std::string_view target, std::string_view key);

/// Glob match: "*" matches any run of characters except "/", "**" matches anything.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace sps::sim
