#include "sim/sim.h"

#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "core/canonical_json.h"
#include "sim/router.h"
#include "sim/server.h"
#include "sim/store.h"
#include "sim/tls.h"

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace sps::sim {
namespace json = boost::json;

namespace {

core::Result<std::vector<std::pair<std::string, std::string>>> read_seed(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  if (dir.empty()) {
    for (const auto& file : catalog::embedded_default_seed()) {
      files.emplace_back(std::string(file.path), std::string(file.contents));
    }
    return files;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Error(core::ErrorCode::kInvalidArgument, "seed directory " + dir + " not found",
                       "--seed expects a directory of <kind path>.json files");
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files.emplace_back(std::filesystem::relative(entry.path(), dir).generic_string(), text.str());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

struct Simulator::Impl {
  Options options;
  mutable std::mutex mutex;
  std::optional<Store> store;
  std::unique_ptr<Router> router;
  std::vector<std::pair<std::string, std::string>> seed_files;
  Certificates certificates;
  std::unique_ptr<Server> server;
  std::thread thread;
  std::ofstream journal_out;
  std::mt19937 jitter_rng{12345};
  std::uint16_t port = 0;

  std::chrono::milliseconds latency() {
    std::lock_guard lock(mutex);
    auto delay = options.latency;
    if (options.latency_jitter.count() > 0) {
      std::uniform_int_distribution<long long> jitter(0, options.latency_jitter.count());
      delay += std::chrono::milliseconds(jitter(jitter_rng));
    }
    return delay;
  }

  Exchange process(const Request& request);
  Exchange process_locked(const Request& request, JournalEntry& entry);
  std::function<void(const JournalEntry&)> after_request;  // test hook, called without the lock

  /// Resolves a path relative to /api/configuration to (node, key); key is empty for a
  /// collection node.
  core::Result<std::pair<NodeSpec*, std::string>> resolve(std::string_view path);
};

Exchange Simulator::Impl::process(const Request& request) {
  JournalEntry entry;
  std::function<void(const JournalEntry&)> hook;
  Exchange exchange;
  {
    std::lock_guard lock(mutex);
    exchange = process_locked(request, entry);
    hook = after_request;
  }
  // Before the response is sent: what the hook does happens before the client hears back.
  if (hook) hook(entry);
  return exchange;
}

Exchange Simulator::Impl::process_locked(const Request& request, JournalEntry& entry) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  entry = JournalEntry{0, request.method, path, "", 0, false, ""};
  Exchange exchange;
  const std::optional<Fault> fault = store->match_fault(request.method, path);
  if (fault) {
    switch (fault->action) {
      case FaultAction::kStatus:
        exchange.response = error_response(fault->status, fault->error_type, fault->message,
                                           {{"path", path}, {"injected", true}}, path);
        entry.status = fault->status;
        entry.fault = "status";
        break;
      case FaultAction::kDropBefore:
        exchange.action = Exchange::Action::kDropBefore;
        entry.fault = "drop-before";
        break;
      case FaultAction::kStall:
        exchange.action = Exchange::Action::kStall;
        entry.fault = "stall";
        break;
      case FaultAction::kExpireTransaction:
        store->expire_transaction();
        entry.fault = "expire";
        break;
      case FaultAction::kDropAfter:
        exchange.action = Exchange::Action::kDropAfter;
        entry.fault = "drop-after";
        break;
      case FaultAction::kCut:
        exchange.action = Exchange::Action::kCutAfter;
        entry.fault = "cut";
        break;
      case FaultAction::kRewrite:
        entry.fault = "rewrite";
        break;
    }
  }
  const bool process_it = !fault || fault->action == FaultAction::kExpireTransaction ||
                          fault->action == FaultAction::kDropAfter || fault->action == FaultAction::kCut ||
                          fault->action == FaultAction::kRewrite;
  if (process_it) {
    exchange.response = router->handle(request);
    entry.status = exchange.response.status;
    entry.user = exchange.response.user;
    entry.applied = entry.status >= 200 && entry.status < 300;
  }
  if (fault && fault->action == FaultAction::kRewrite) {
    // The work is done (entry.applied says whether it succeeded); only the answer lies.
    exchange.response.status = fault->status;
    exchange.response.body = fault->body;
  }
  store->record(entry);
  if (journal_out.is_open()) {
    journal_out << json::serialize(store->journal().back().to_json()) << '\n' << std::flush;
  }
  return exchange;
}

core::Result<std::pair<NodeSpec*, std::string>> Simulator::Impl::resolve(
    std::string_view path) {
  if (NodeSpec* node = store->find_node(path)) {
    // A singleton's key is whatever the seed says (normally the endpoint name).
    std::string key = node->is_collection() ? std::string()
                                            : store->committed().at(node->path).items.at(0).key;
    return std::make_pair(node, std::move(key));
  }
  const auto slash = path.rfind('/');
  if (slash != std::string_view::npos) {
    NodeSpec* node = store->find_node(path.substr(0, slash));
    if (node != nullptr && node->is_collection()) {
      return std::make_pair(node, std::string(path.substr(slash + 1)));
    }
  }
  return core::Error(core::ErrorCode::kNotFound, "no object or collection at " + std::string(path));
}

Simulator::Simulator(Options options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = std::move(options);
}

Simulator::~Simulator() { stop(); }

core::Result<void> Simulator::start() {
  Impl& impl = *m_impl;
  {
    std::lock_guard lock(impl.mutex);
    auto store = Store::create(catalog::Catalog::builtin(), impl.options);
    if (!store) return store.error();
    impl.store.emplace(std::move(*store));
    auto seed = read_seed(impl.options.seed_dir);
    if (!seed) return seed.error();
    impl.seed_files = std::move(*seed);
    if (auto loaded = impl.store->load_seed_files(impl.seed_files); !loaded) return loaded.error();
    if (!impl.options.lock_held_by.empty()) {
      // load_state() drops transactions; take the configured lock again.
      if (auto held = impl.store->hold_lock(impl.options.lock_held_by); !held) return held.error();
    }
    impl.router = std::make_unique<Router>(*impl.store);
    if (!impl.options.journal_file.empty()) {
      impl.journal_out.open(impl.options.journal_file, std::ios::app);
      if (!impl.journal_out) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           "cannot write journal file " + impl.options.journal_file);
      }
    }
  }
  auto certificates = impl.options.cert_file.empty()
                          ? generate_certificates()
                          : load_certificates(impl.options.cert_file, impl.options.key_file);
  if (!certificates) return certificates.error();
  impl.certificates = std::move(*certificates);
  if (!impl.options.ca_out.empty()) {
    std::ofstream out(impl.options.ca_out, std::ios::binary | std::ios::trunc);
    out << impl.certificates.ca_pem;
    if (!out) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "cannot write the CA certificate to " + impl.options.ca_out);
    }
  }
  if (!impl.options.client_cert_out.empty() || !impl.options.client_pkcs12_out.empty()) {
    auto issued = sim::issue_client_certificate(impl.certificates, impl.options.client_cert_user);
    if (!issued) return issued.error();
    auto bundle = make_pkcs12(*issued, impl.options.client_pkcs12_passphrase);
    if (!bundle) return bundle.error();
    const std::pair<const std::string*, const std::string*> outputs[] = {
        {&impl.options.client_cert_out, &issued->cert_pem},
        {&impl.options.client_key_out, &issued->key_pem},
        {&impl.options.client_pkcs12_out, &*bundle}};
    for (const auto& [path, text] : outputs) {
      if (path->empty()) continue;
      std::ofstream out(*path, std::ios::binary | std::ios::trunc);
      out << *text;
      if (!out) return core::Error(core::ErrorCode::kInvalidArgument, "cannot write " + *path);
    }
  }
  ServerHooks hooks{[&impl] { return impl.latency(); },
                    [&impl](const Request& request) { return impl.process(request); }};
  auto server =
      Server::create(impl.options.host, impl.options.port, impl.certificates, std::move(hooks));
  if (!server) return server.error();
  impl.server = std::move(*server);
  impl.port = impl.server->port();
  impl.thread = std::thread([&impl] { impl.server->run(); });
  return {};
}

void Simulator::stop() {
  Impl& impl = *m_impl;
  if (impl.server) impl.server->stop();
  if (impl.thread.joinable()) impl.thread.join();
  impl.server.reset();
}

std::uint16_t Simulator::port() const { return m_impl->port; }

std::string Simulator::url() const {
  const std::string& host = m_impl->options.host;
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "https://" + shown + ":" + std::to_string(m_impl->port);
}

const std::string& Simulator::ca_pem() const { return m_impl->certificates.ca_pem; }

std::vector<JournalEntry> Simulator::journal() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->journal();
}

std::vector<std::string> Simulator::journal_lines() const {
  std::vector<std::string> lines;
  for (const auto& entry : journal()) lines.push_back(entry.to_string());
  return lines;
}

void Simulator::after_request(std::function<void(const JournalEntry&)> hook) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->after_request = std::move(hook);
}

void Simulator::clear_journal() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->clear_journal();
}

void Simulator::add_fault(Fault fault) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->add_fault(std::move(fault));
}

void Simulator::clear_faults() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->clear_faults();
  m_impl->store->set_reject_commits(0, {});
}

void Simulator::fail_nth(unsigned nth, int status, std::string method, std::string path,
                         std::string error_type) {
  Fault fault;
  fault.nth = nth;
  fault.status = status;
  fault.method = std::move(method);
  fault.path = std::move(path);
  fault.error_type = std::move(error_type);
  add_fault(std::move(fault));
}

void Simulator::set_latency(std::chrono::milliseconds fixed, std::chrono::milliseconds jitter) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->options.latency = fixed;
  m_impl->options.latency_jitter = jitter;
}

core::Result<std::pair<std::string, std::string>> Simulator::issue_client_certificate(const std::string& user) const {
  auto issued = sim::issue_client_certificate(m_impl->certificates, user);
  if (!issued) return issued.error();
  return std::pair{std::move(issued->cert_pem), std::move(issued->key_pem)};
}

core::Result<std::string> Simulator::issue_client_pkcs12(const std::string& user, const std::string& passphrase) const {
  auto issued = sim::issue_client_certificate(m_impl->certificates, user);
  if (!issued) return issued.error();
  return make_pkcs12(*issued, passphrase);
}

core::Result<void> Simulator::hold_lock(std::string admin) {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->hold_lock(std::move(admin));
}

void Simulator::release_lock() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->release_external_lock();
}

void Simulator::expire_transaction() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->expire_transaction();
}

void Simulator::reject_next_commit(std::string message) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->set_reject_commits(1, std::move(message));
}

void Simulator::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->advance_clock(by);
}

json::value Simulator::committed_snapshot() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->committed_state();
}

std::string Simulator::committed_snapshot_text() const {
  return core::canonical_json(committed_snapshot());
}

core::Result<void> Simulator::reset() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->store->clear_faults();
  m_impl->store->set_reject_commits(0, {});
  return m_impl->store->load_seed_files(m_impl->seed_files);
}

core::Result<void> Simulator::load_state(const json::value& snapshot) {
  if (!snapshot.is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "a state snapshot must be a JSON object");
  }
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->load_state(snapshot.get_object());
}

bool Simulator::transaction_open() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->transaction().has_value();
}

namespace {

/// Runs fn inside a transaction of another administrator and commits it, validating like
/// any commit; on failure nothing changes.
template <class Fn>
core::Result<void> out_of_band(Store& store, Fn&& fn) {
  if (auto held = store.hold_lock("out-of-band administrator"); !held) return held.error();
  if (auto done = fn(); !done) {
    store.rollback();
    return done.error();
  }
  const auto problems = store.commit("out-of-band change", false);
  if (!problems.empty()) {
    std::string detail;
    for (const auto& p : problems) detail += p.path + p.pointer + ": " + p.message + "\n";
    store.rollback();
    return core::Error(core::ErrorCode::kRejected, "the out-of-band change is invalid", detail);
  }
  return {};
}

}  // namespace

core::Result<std::string> Simulator::out_of_band_create(std::string_view collection,
                                                        json::value body) {
  std::lock_guard lock(m_impl->mutex);
  auto target = m_impl->resolve(collection);
  if (!target) return target.error();
  NodeSpec& kind = *target->first;
  if (!kind.is_collection() || !target->second.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       std::string(collection) + " is not a collection");
  }
  Store& store = *m_impl->store;
  std::string key;
  auto done = out_of_band(store, [&]() -> core::Result<void> {
    key = store.create(store.pending(), kind, store.normalize_body(kind, std::move(body)));
    return {};
  });
  if (!done) return done.error();
  return key;
}

core::Result<void> Simulator::out_of_band_replace(std::string_view path, json::value body) {
  std::lock_guard lock(m_impl->mutex);
  auto target = m_impl->resolve(path);
  if (!target) return target.error();
  NodeSpec& kind = *target->first;
  Store& store = *m_impl->store;
  return out_of_band(store, [&]() -> core::Result<void> {
    if (target->second.empty() || store.pending().at(kind.path).find(target->second) == nullptr) {
      return core::Error(core::ErrorCode::kNotFound, "no object at " + std::string(path));
    }
    store.replace(store.pending(), kind, target->second,
                  store.normalize_body(kind, std::move(body)));
    return {};
  });
}

core::Result<void> Simulator::out_of_band_delete(std::string_view path) {
  std::lock_guard lock(m_impl->mutex);
  auto target = m_impl->resolve(path);
  if (!target) return target.error();
  NodeSpec& kind = *target->first;
  Store& store = *m_impl->store;
  return out_of_band(store, [&]() -> core::Result<void> {
    if (!kind.is_collection() || target->second.empty() ||
        store.pending().at(kind.path).find(target->second) == nullptr) {
      return core::Error(core::ErrorCode::kNotFound, "no collection item at " + std::string(path));
    }
    store.remove(store.pending(), kind, target->second);
    return {};
  });
}

core::Result<json::value> Simulator::committed_body(std::string_view path) const {
  std::lock_guard lock(m_impl->mutex);
  auto target = m_impl->resolve(path);
  if (!target) return target.error();
  const KindState& state = m_impl->store->committed().at(target->first->path);
  const StoredObject* object = state.find(target->second);
  if (object == nullptr) {
    return core::Error(core::ErrorCode::kNotFound, "no object at " + std::string(path));
  }
  return object->body;
}

bool Simulator::secret_matches(std::string_view kind_path, std::string_view key,
                               const json::value& body) const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->store->secret_matches(kind_path, key, body);
}

}  // namespace sps::sim
