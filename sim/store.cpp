#include "sim/store.h"

#include "core/canonical_json.h"
#include "core/sha256.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <random>

namespace sps::sim {
namespace json = boost::json;

namespace {

std::string last_segment(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

json::value default_body(const NodeSpec& node) {
  if (node.kind != nullptr) {
    switch (node.kind->body) {
      case catalog::BodyType::kArray:
        return json::array{};
      case catalog::BodyType::kScalar:
        return nullptr;
      case catalog::BodyType::kObject:
        break;
    }
  }
  return json::object{};
}

std::string hex(std::mt19937_64& rng, std::size_t chars) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(chars);
  std::uniform_int_distribution<int> digit(0, 15);
  for (std::size_t i = 0; i < chars; ++i) out += kDigits[digit(rng)];
  return out;
}

core::Error bad_state(std::string_view kind, std::string_view what) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "invalid state for " + std::string(kind) + ": " + std::string(what),
                     "a singleton is {\"key\": ..., \"body\": ...}; a collection is "
                     "{\"items\": [{\"key\": ..., \"body\": ...}, ...]}");
}

}  // namespace

StoredObject* KindState::find(std::string_view key) {
  for (auto& item : items) {
    if (item.key == key) return &item;
  }
  return nullptr;
}

const StoredObject* KindState::find(std::string_view key) const {
  for (const auto& item : items) {
    if (item.key == key) return &item;
  }
  return nullptr;
}

std::string object_path(const NodeSpec& node, std::string_view key) {
  if (!node.is_collection()) return node.rest_path;
  return node.rest_path + "/" + std::string(key);
}

core::Result<Store> Store::create(const catalog::Catalog& catalog, const Options& options) {
  Store store;
  store.m_catalog = &catalog;
  store.m_options = options;
  store.m_rng.seed(options.rng_seed != 0 ? options.rng_seed : std::random_device{}());
  // GET /api/info names the node sps-sim, domain example.
  store.m_cluster = ClusterState(options.cluster_nodes, options.cluster_sync_delay, options.hostname + ".example");
  if (auto loaded = store.load_state(json::object{}); !loaded) {
    return core::Error(core::ErrorCode::kInternal, "the catalog does not form a tree",
                       loaded.error().message);
  }
  for (const auto& fault : options.faults) store.add_fault(fault);
  store.set_reject_commits(options.reject_commits, "Commit rejected by fault injection");
  return store;
}

core::Result<void> Store::load_state(const json::object& state) {
  NodeTable nodes;
  Config config;
  for (const auto& kind : m_catalog->kinds()) {
    auto node = nodes.add(kind.path, kind.is_collection() ? NodeShape::kCollection
                                                          : NodeShape::kSingleton);
    if (!node) return node.error();
    (*node)->kind = &kind;
  }
  std::vector<std::pair<std::string, ReferenceSite>> learned;  // (path, site) from the seed
  auto take = [&learned](NodeSpec& node, json::value body) {
    for (auto& site : collapse_references(body)) {
      learned.emplace_back(node.path, site);
      node.add_reference(std::move(site));
    }
    return documented_read_form(node.path, std::move(body));
  };
  for (const auto& [name, doc] : state) {
    if (!doc.is_object()) return bad_state(name, "not a JSON object");
    const json::object& obj = doc.get_object();
    const json::value* body = obj.if_contains("body");
    const json::value* items = obj.if_contains("items");
    if (body == nullptr && (items == nullptr || !items->is_array())) {
      return bad_state(name, "neither a \"body\" nor an \"items\" array");
    }
    auto added = nodes.add(name, body != nullptr ? NodeShape::kSingleton : NodeShape::kCollection);
    if (!added) return added.error();
    NodeSpec& node = **added;
    KindState& kind_state = config[std::string(name)];
    kind_state.node = &node;
    if (body != nullptr) {
      std::string key = last_segment(name);
      if (const auto* k = obj.if_contains("key"); k && k->is_string()) key = std::string(k->get_string());
      kind_state.items.push_back({std::move(key), take(node, *body)});
      continue;
    }
    for (const auto& item : items->get_array()) {
      const auto* key = item.is_object() ? item.get_object().if_contains("key") : nullptr;
      const auto* item_body = item.is_object() ? item.get_object().if_contains("body") : nullptr;
      if (key == nullptr || !key->is_string() || item_body == nullptr) {
        return bad_state(name, "an item without a string \"key\" and a \"body\"");
      }
      if (kind_state.find(key->get_string()) != nullptr) {
        return bad_state(name, "duplicate key " + std::string(key->get_string()));
      }
      kind_state.items.push_back({std::string(key->get_string()), take(node, *item_body)});
    }
  }
  // Nodes without a document (curated kinds) start empty.
  for (const auto& [path, spec] : nodes.nodes()) {
    if (config.contains(path)) continue;
    NodeSpec* node = nodes.find(path);
    KindState empty{node, {}};
    if (!node->is_collection()) empty.items.push_back({last_segment(path), default_body(*node)});
    config.emplace(path, std::move(empty));
  }
  if (auto checked = nodes.check(); !checked) return checked.error();
  for (const auto& [path, site] : learned) {
    if (nodes.find(site.target) == nullptr) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         path + site.pointer + " refers to " + site.target +
                             ", which is not in the state",
                         "seed the target path too (an empty collection is enough)");
    }
  }
  m_transaction.reset();
  m_committed = std::move(config);
  m_nodes = std::move(nodes);
  // The cluster's nodes hold this configuration from before the simulator started.
  if (m_cluster.enabled()) m_cluster.set_initial(std::chrono::system_clock::now() - std::chrono::hours(1), committed_digest());
  return {};
}

core::Result<void> Store::load_seed_files(
    const std::vector<std::pair<std::string, std::string>>& files) {
  json::object state;
  for (const auto& [name, text] : files) {
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) {
      return core::Error(core::ErrorCode::kInvalidArgument, "seed file " + name + " is not JSON",
                         ec.message());
    }
    state[name.substr(0, name.size() - 5)] = std::move(doc);
  }
  return load_state(state);
}

json::object Store::committed_state() const {
  json::object out;
  for (const auto& [path, state] : m_committed) {
    if (!state.node->is_collection()) {
      out[path] = json::object{{"key", state.items[0].key}, {"body", state.items[0].body}};
      continue;
    }
    json::array items;
    for (const auto& item : state.items) {
      items.push_back(json::object{{"key", item.key}, {"body", item.body}});
    }
    out[path] = json::object{{"items", std::move(items)}};
  }
  return out;
}

std::string Store::committed_digest() const {
  return core::sha256_hex(core::canonical_json(committed_state())).substr(0, 32);
}

const Config& Store::view_for(std::string_view session_id) const {
  return holds_transaction(session_id) ? m_transaction->pending : m_committed;
}

TimePoint Store::now() const { return std::chrono::steady_clock::now() + m_clock_offset; }

// --- sessions ------------------------------------------------------------------------

std::optional<std::string> Store::login(std::string_view user, std::string_view password) {
  const LoginMethod* method = login_method("");
  if (method == nullptr) return std::nullopt;
  return login_with(*method, user, password);
}

const LoginMethod* Store::login_method(std::string_view name) const {
  if (m_options.login_methods.empty()) return nullptr;
  if (name.empty()) return &m_options.login_methods.front();
  for (const auto& m : m_options.login_methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::optional<std::string> Store::login_with(const LoginMethod& method, std::string_view user,
                                             std::optional<std::string_view> password) {
  if (password ? !method.password : !method.x509) return std::nullopt;
  for (const auto& known : m_options.users) {
    if (known.name != user || known.login_method != method.name) continue;
    if (password && known.password != *password) return std::nullopt;
    Session session{hex(m_rng, 40), known.name, known.read_only, now(), method.name, method.authentication,
                    password ? "password" : "x509", known.read_only_paths};
    std::string id = session.id;
    m_sessions.emplace(id, std::move(session));
    return id;
  }
  return std::nullopt;
}

std::chrono::seconds Store::session_timeout() const {
  if (m_options.session_timeout) return *m_options.session_timeout;
  // SPS uses management/webinterface.timeout (minutes) for web and REST sessions alike.
  if (auto it = m_committed.find(std::string_view("management/webinterface"));
      it != m_committed.end() && !it->second.items.empty()) {
    const json::value& body = it->second.items[0].body;
    if (const auto* obj = body.if_object()) {
      if (const auto* minutes = obj->if_contains("timeout"); minutes && minutes->is_int64() &&
                                                              minutes->get_int64() > 0) {
        return std::chrono::minutes(minutes->get_int64());
      }
    }
  }
  return std::chrono::minutes(20);
}

Session* Store::authenticate(std::string_view session_id) {
  expire_if_due();
  auto it = m_sessions.find(session_id);
  if (it == m_sessions.end()) return nullptr;
  const auto timeout = session_timeout();
  if (now() - it->second.last_seen >= timeout) {
    if (holds_transaction(session_id)) rollback();
    m_terminated[std::string(session_id)] =
        "The session expired after " + std::to_string(timeout.count()) +
        " seconds of inactivity; log in again";
    m_sessions.erase(it);
    return nullptr;
  }
  it->second.last_seen = now();
  return &it->second;
}

std::string Store::why_unauthenticated(std::string_view session_id) const {
  if (session_id.empty()) {
    return "Authentication required: log in with GET /api/authentication and send the "
           "session_id cookie";
  }
  if (auto it = m_terminated.find(session_id); it != m_terminated.end()) return it->second;
  return "Unknown or expired session; log in again with GET /api/authentication";
}

// --- transactions --------------------------------------------------------------------

bool Store::holds_transaction(std::string_view session_id) const {
  return m_transaction && !session_id.empty() && m_transaction->holder_session == session_id;
}

std::string Store::lock_holder() const { return m_transaction ? m_transaction->holder_user : ""; }

core::Result<bool> Store::open(const Session& session) {
  expire_if_due();
  if (m_transaction) {
    if (m_transaction->holder_session == session.id) return false;
    return core::Error(core::ErrorCode::kConflict,
                       "The configuration is locked by another administrator (" +
                           m_transaction->holder_user + ")");
  }
  m_transaction = Transaction{session.id, session.user, m_committed, {}, now()};
  return true;
}

std::int64_t Store::remaining_seconds() const {
  if (!m_transaction) return 0;
  const auto idle =
      std::chrono::duration_cast<std::chrono::seconds>(now() - m_transaction->last_activity);
  return std::max<std::int64_t>(0, (m_options.transaction_timeout - idle).count());
}

void Store::touch_transaction(std::string_view session_id) {
  if (holds_transaction(session_id)) m_transaction->last_activity = now();
}

std::vector<Problem> Store::commit(std::string commit_message, bool honour_faults) {
  if (honour_faults && m_reject_commits > 0) {
    --m_reject_commits;
    return {Problem{"/api/transaction", "", m_reject_message}};
  }
  std::vector<Problem> problems = validate(m_transaction->pending);
  if (!problems.empty()) return problems;  // the transaction stays open (see README)
  m_committed = std::move(m_transaction->pending);
  m_last_commit_message = std::move(commit_message);
  m_transaction.reset();
  if (m_cluster.enabled()) m_cluster.record_commit(std::chrono::system_clock::now(), committed_digest());
  return {};
}

void Store::rollback() { m_transaction.reset(); }

void Store::expire_transaction() {
  if (!m_transaction) return;
  if (!m_transaction->holder_session.empty()) {
    m_terminated[m_transaction->holder_session] =
        "The transaction timed out; its changes were rolled back and the session was "
        "terminated. Log in again";
    m_sessions.erase(m_transaction->holder_session);
  }
  m_transaction.reset();
}

void Store::expire_if_due() {
  // Transactions of other administrators (hold_lock) never time out by themselves.
  if (m_transaction && !m_transaction->holder_session.empty() &&
      now() - m_transaction->last_activity >= m_options.transaction_timeout) {
    expire_transaction();
  }
}

core::Result<void> Store::hold_lock(std::string admin) {
  expire_if_due();
  if (m_transaction) {
    return core::Error(core::ErrorCode::kConflict,
                       "the configuration lock is already held by " + m_transaction->holder_user);
  }
  m_transaction = Transaction{"", std::move(admin), m_committed, {}, now()};
  return {};
}

void Store::release_external_lock() {
  if (m_transaction && m_transaction->holder_session.empty()) m_transaction.reset();
}

// --- objects ---------------------------------------------------------------------------

std::string Store::create(Config& config, const NodeSpec& node, json::value body) {
  std::string key = new_key();
  if (node.write_once) {
    // Write-once secrets: keep only a digest, so no snapshot, changelog or GET can ever
    // reveal the plaintext; tests check the value with secret_matches().
    m_secret_digests[node.path + "/" + key] = core::sha256_hex(core::canonical_json(body));
    body = json::object{};
  }
  config[node.path].items.push_back({key, std::move(body)});
  mark_touched(node.path, key);
  return key;
}

void Store::replace(Config& config, const NodeSpec& node, std::string_view key,
                    json::value body) {
  if (StoredObject* item = config[node.path].find(key)) item->body = std::move(body);
  mark_touched(node.path, key);
}

void Store::remove(Config& config, const NodeSpec& node, std::string_view key) {
  auto& items = config[node.path].items;
  std::erase_if(items, [&](const StoredObject& o) { return o.key == key; });
  mark_touched(node.path, key);
}

Config& Store::pending() { return m_transaction->pending; }

void Store::mark_touched(std::string_view kind_path, std::string_view key) {
  if (!m_transaction) return;
  auto& touched = m_transaction->touched;
  const auto entry = std::make_pair(std::string(kind_path), std::string(key));
  if (std::find(touched.begin(), touched.end(), entry) == touched.end()) touched.push_back(entry);
}

std::string Store::new_key() { return hex(m_rng, 22); }

bool Store::secret_matches(std::string_view kind_path, std::string_view key,
                           const json::value& body) const {
  auto it = m_secret_digests.find(std::string(kind_path) + "/" + std::string(key));
  if (it == m_secret_digests.end()) return false;
  const NodeSpec* node = m_nodes.find(kind_path);
  const json::value normalized = node != nullptr ? written(*node, body) : body;
  return it->second == core::sha256_hex(core::canonical_json(normalized));
}

// --- faults and journal ------------------------------------------------------------------

std::optional<Fault> Store::match_fault(std::string_view method, std::string_view path) {
  std::optional<Fault> fired;
  for (auto& armed : m_faults) {
    if (armed.spent) continue;
    const std::string& want = armed.fault.method;
    const bool method_ok =
        want.empty() || want == method ||
        (want == "WRITE" && (method == "POST" || method == "PUT" || method == "DELETE"));
    const bool path_ok = armed.fault.path.empty() || glob_match(armed.fault.path, path);
    if (!method_ok || !path_ok) continue;
    ++armed.matched;
    const bool fires = armed.fault.nth == 0 || armed.matched == armed.fault.nth;
    if (armed.fault.nth != 0 && armed.matched >= armed.fault.nth) armed.spent = true;
    if (fires && !fired) fired = armed.fault;
  }
  return fired;
}

void Store::set_reject_commits(int count, std::string message) {
  m_reject_commits = count;
  m_reject_message = std::move(message);
}

void Store::record(JournalEntry entry) {
  entry.sequence = ++m_sequence;
  m_journal.push_back(std::move(entry));
}

bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.starts_with("**")) {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(2), text.substr(i))) return true;
    }
    return false;
  }
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(1), text.substr(i))) return true;
      if (i < text.size() && text[i] == '/') break;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         glob_match(pattern.substr(1), text.substr(1));
}

}  // namespace sps::sim
