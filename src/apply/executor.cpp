#include "apply/executor.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

#include <map>
#include <set>

namespace sps::apply {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::kNothingToDo: return "nothing-to-do";
    case Outcome::kApplied: return "applied";
    case Outcome::kRefused: return "refused";
    case Outcome::kRolledBack: return "rolled-back";
    case Outcome::kRollbackFailed: return "rollback-failed";
    case Outcome::kCommitUnknown: return "commit-unknown";
    case Outcome::kCommittedUnverified: return "committed-unverified";
    case Outcome::kCommittedDiffers: return "committed-not-as-planned";
  }
  return "unknown";
}

bool needs_attention(Outcome o) {
  return o == Outcome::kCommitUnknown || o == Outcome::kCommittedUnverified || o == Outcome::kCommittedDiffers;
}

std::string_view to_string(LockState s) {
  switch (s) {
    case LockState::kNotTaken: return "not-taken";
    case LockState::kReleased: return "released";
    case LockState::kHeld: return "held";
    case LockState::kUnknown: return "unknown";
  }
  return "unknown";
}

namespace {

constexpr const char* kTransaction = "/api/transaction";

/// "policies/backup_policies[nightly]" -> Address.
model::Address parse_address(const std::string& s) {
  const std::size_t open = s.find('[');
  if (open == std::string::npos || s.back() != ']') return {s, ""};
  return {s.substr(0, open), s.substr(open + 1, s.size() - open - 2)};
}

/// Why POST /api/transaction was refused with a lock error, naming the holder from the
/// error details ("locked_by", and "remaining_seconds" when the appliance gives it). A
/// holder with sps-apply's own user name is most likely an abandoned earlier run.
std::string lock_message(const core::Error& e, const std::string& username) {
  boost::system::error_code ec;
  const json::value details = json::parse(e.detail, ec);
  const json::object* o = !ec ? details.if_object() : nullptr;
  const json::value* by = o != nullptr ? o->if_contains("locked_by") : nullptr;
  const json::value* rs = o != nullptr ? o->if_contains("remaining_seconds") : nullptr;
  const std::string holder = by != nullptr && by->is_string() ? std::string(by->get_string()) : std::string();
  const std::string expires = rs != nullptr && rs->is_int64() ? " in " + std::to_string(rs->get_int64()) + " s"
                                                              : " (by default 10 minutes after its last request)";
  if (!holder.empty() && holder == username) {
    return "the configuration is locked by '" + holder +
           "', the user sps-apply logs in as: most likely an earlier sps-apply run that was stopped before it "
           "could roll back (killed, or its connection lost), or this user in the web interface. Nothing was "
           "changed (" + e.message + "). The appliance cancels that transaction when it expires" + expires +
           "; apply again after that";
  }
  return "the configuration is locked by another administrator" + (holder.empty() ? std::string() : " ('" + holder + "')") +
         ", so nothing was changed (" + e.message +
         "); try again when they have committed or left the configuration pages";
}

class Executor {
 public:
  Executor(const plan::Plan& plan, appliance::ApplianceApi& api, const catalog::Catalog& catalog,
           const ApplyOptions& options, ApplyObserver& observer)
      : m_plan(plan), m_api(api), m_catalog(catalog), m_options(options), m_observer(observer) {}

  ApplyResult run() {
    if (m_plan.empty()) return std::move(m_result);
    if (!open_transaction()) return std::move(m_result);
    if (!check_fresh()) return std::move(m_result);
    for (const auto& step : m_plan.steps) {
      if (!run_step(step)) return std::move(m_result);
    }
    if (!check_changelog()) return std::move(m_result);
    if (!commit()) return std::move(m_result);
    m_result.outcome = Outcome::kApplied;
    if (m_options.verify && !m_result.verified) {
      // The transaction is closed (the commit answer said so): these reads see the
      // committed configuration, not sps-apply's own pending changes.
      m_observer.on_phase("verifying: reading the appliance back and comparing it with the desired state");
      auto converged = m_options.verify(true);
      if (!converged) {
        m_result.outcome = Outcome::kCommittedUnverified;
        m_result.error = converged.error();
        m_result.error->message = "committed, but the verification could not read the appliance back: " +
                                  m_result.error->message;
      } else {
        m_result.verified = *converged;
        if (!*converged) {
          m_result.outcome = Outcome::kCommittedDiffers;
          m_result.error = core::Error(core::ErrorCode::kBadResponse,
                                       "committed, but a new plan is not empty: the appliance changed some values "
                                       "on commit; run `sps-apply plan` to see them");
        }
      }
    }
    return std::move(m_result);
  }

 private:
  /// Sends one request, times it, records it and tracks remaining_seconds.
  core::Result<appliance::Response> send(std::size_t index, const std::string& address, const std::string& method,
                                         const std::string& path, const json::value* body) {
    StepRecord rec;
    rec.index = index;
    rec.address = address;
    rec.what = method + " " + path;
    const auto start = Clock::now();
    core::Result<appliance::Response> r = core::Error(core::ErrorCode::kInternal, "unknown method " + method);
    if (method == "GET") r = m_api.get(path);
    else if (method == "POST") r = m_api.post(path, body ? *body : json::value(json::object{}));
    else if (method == "PUT") r = m_api.put(path, body ? *body : json::value(json::object{}));
    else if (method == "DELETE") r = m_api.del(path);
    rec.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    rec.ok = r.has_value();
    if (r) {
      track_remaining(r->body);
      if (const json::value* key = r->body.is_object() ? r->body.get_object().if_contains("key") : nullptr;
          key && key->is_string() && method == "POST" && index > 0) {
        rec.key = key->get_string();
      }
    } else {
      rec.error = r.error().message;
    }
    m_observer.on_record(rec);
    m_result.records.push_back(rec);
    return r;
  }

  void track_remaining(const json::value& body) {
    const json::value* meta = body.is_object() ? body.get_object().if_contains("meta") : nullptr;
    const json::value* rs = meta && meta->is_object() ? meta->get_object().if_contains("remaining_seconds") : nullptr;
    if (rs && rs->is_int64()) m_remaining = rs->get_int64();
    else if (rs && rs->is_uint64() && rs->get_uint64() <= 1'000'000'000) m_remaining = static_cast<std::int64_t>(rs->get_uint64());
    m_result.remaining_seconds = m_remaining;
  }

  /// Rolls back and records why; returns false so callers can `return fail(...)`.
  bool fail(core::Error error, std::size_t step = 0) {
    m_result.error = std::move(error);
    m_result.failed_step = step;
    rollback();
    return false;
  }

  /// Rolls the open transaction back and establishes that it is closed. Only called while
  /// nothing was committed: before the commit was sent, or when the appliance says the
  /// transaction is still open after it.
  void rollback() {
    const Outcome rolled_back = m_result.outcome == Outcome::kRefused ? Outcome::kRefused : Outcome::kRolledBack;
    if (!m_open) {
      m_result.outcome = rolled_back;
      return;
    }
    cleanup();
    for (int attempt = 0; attempt < 2; ++attempt) {
      m_observer.on_phase("rolling back: DELETE /api/transaction");
      auto r = send(0, "", "DELETE", kTransaction, nullptr);
      // The documented answer is 200 {"meta": {...}} (DELETE transaction reference page).
      if (r && r->body.is_object()) {
        m_open = false;
        m_result.lock = LockState::kReleased;
        m_result.outcome = rolled_back;
        return;
      }
      m_result.rollback_error = r ? "the appliance answered without a JSON body" : r.error().message;
      // The answer is lost or garbled: ask whether the transaction is still open.
      const std::optional<std::string> status = transaction_status();
      if (status == "closed") {
        m_open = false;
        m_result.lock = LockState::kReleased;
        m_result.outcome = rolled_back;
        m_result.established = "GET /api/transaction: closed after the rollback";
        m_result.rollback_error.clear();
        return;
      }
      if (status != "open") {
        m_result.lock = LockState::kUnknown;
        break;
      }
      m_result.lock = LockState::kHeld;
    }
    m_open = false;
    m_result.outcome = Outcome::kRollbackFailed;
  }

  /// GET /api/transaction: "open" or "closed", or nullopt when the answer is missing or not
  /// the documented shape. The reference guide's sample has {"transaction": {"status"}},
  /// One Identity's own client (safeguard-ps sessionapi.psm1) reads {"body": {"status"}}:
  /// both are accepted.
  std::optional<std::string> transaction_status() {
    m_observer.on_phase("asking the appliance for the transaction's status: GET /api/transaction");
    auto r = send(0, "", "GET", kTransaction, nullptr);
    if (!r || !r->body.is_object()) return std::nullopt;
    const json::object& o = r->body.get_object();
    const json::value* holder = o.if_contains("body");
    if (holder == nullptr || !holder->is_object()) holder = o.if_contains("transaction");
    const json::value* st = holder != nullptr && holder->is_object() ? holder->get_object().if_contains("status") : nullptr;
    if (st == nullptr || !st->is_string() || (st->get_string() != "open" && st->get_string() != "closed")) {
      return std::nullopt;
    }
    return std::string(st->get_string());
  }

  void cleanup() {
    if (!m_cleanup && m_options.on_cleanup) m_options.on_cleanup();
    m_cleanup = true;
  }

  bool interrupted(std::size_t step) {
    if (m_options.cancelled && m_options.cancelled()) {
      return !fail(core::Error(core::ErrorCode::kUnavailable, "interrupted by a signal before the commit"), step);
    }
    if (m_open && m_remaining && *m_remaining < m_options.min_remaining_seconds) {
      return !fail(core::Error(core::ErrorCode::kTimeout,
                               "the transaction has only " + std::to_string(*m_remaining) +
                                   " s left before the appliance cancels it; rolling back instead of racing the expiry"),
                   step);
    }
    return false;
  }

  bool open_transaction() {
    if (m_options.cancelled && m_options.cancelled()) {
      m_result.outcome = Outcome::kRefused;
      m_result.error = core::Error(core::ErrorCode::kUnavailable, "interrupted by a signal; nothing was changed");
      return false;
    }
    m_observer.on_phase("opening transaction: POST /api/transaction");
    auto r = send(0, "", "POST", kTransaction, nullptr);
    // Another administrator holds the lock: wait for it when the caller allows (--lock-timeout).
    for (int attempt = 1; !r && r.error().code == core::ErrorCode::kConflict && m_options.wait_for_lock &&
                          m_options.wait_for_lock(attempt);
         ++attempt) {
      if (m_options.cancelled && m_options.cancelled()) break;
      r = send(0, "", "POST", kTransaction, nullptr);
    }
    if (r) {
      m_open = true;
      m_result.lock = LockState::kHeld;
      return true;
    }
    core::Error e = r.error();
    if (e.code == core::ErrorCode::kConflict || e.code == core::ErrorCode::kPermissionDenied ||
        e.code == core::ErrorCode::kUnauthenticated) {
      m_result.outcome = Outcome::kRefused;
      if (e.code == core::ErrorCode::kConflict) e.message = lock_message(e, m_options.username);
      m_result.error = std::move(e);
      return false;
    }
    // No answer: the appliance may have opened the transaction anyway. Release it.
    m_open = true;
    m_result.lock = LockState::kUnknown;
    return fail(std::move(e));
  }

  bool check_fresh() {
    if (m_options.find_stale) {
      m_observer.on_phase("checking the plan is not stale: re-reading what it depends on inside the transaction");
      if (interrupted(0)) return false;
      auto stale = m_options.find_stale();
      if (!stale) return fail(stale.error());
      if (stale->empty()) return true;
      std::string detail;
      for (const auto& s : *stale) {
        m_result.stale.push_back(s.address);
        std::string fields;
        for (const auto& f : s.fields) fields += (fields.empty() ? "" : ", ") + f;
        detail += "\n" + s.address + (fields.empty() ? std::string() : ": " + fields);
      }
      return refuse_stale(detail.substr(1));
    }
    if (!m_options.read_live || m_plan.fingerprints.empty()) return true;
    m_observer.on_phase("checking the plan is not stale: re-reading inside the transaction");
    std::set<std::string> kinds;
    for (const auto& [address, fp] : m_plan.fingerprints) kinds.insert(parse_address(address).kind);
    if (interrupted(0)) return false;
    auto live = m_options.read_live({kinds.begin(), kinds.end()});
    if (!live) return fail(live.error());
    for (const auto& [address, fp] : m_plan.fingerprints) {
      if (plan::fingerprint(live->find(parse_address(address))) != fp) m_result.stale.push_back(address);
    }
    if (m_result.stale.empty()) return true;
    return refuse_stale({});
  }

  bool refuse_stale(std::string detail) {
    std::string names;
    for (const auto& s : m_result.stale) names += (names.empty() ? "" : ", ") + s;
    m_result.outcome = Outcome::kRefused;
    return fail(core::Error(core::ErrorCode::kConflict,
                            "the plan is stale: the appliance changed since it was made (" + names +
                                "); nothing was changed. Run `sps-apply plan` again, review it and apply the new plan",
                            std::move(detail)));
  }

  core::Result<std::string> create_secret(const plan::Step& step, const plan::SecretSlot& slot, const json::value& value) {
    const bool password = slot.mode == catalog::SecretMode::kPasswordObject;
    const catalog::Kind* kind = m_catalog.find(password ? "passwords" : "private_keys");
    std::string field = password ? "plain" : "private_key";
    if (kind != nullptr && !kind->secrets.empty()) field = core::split_pointer(kind->secrets.front().pointer).back();
    const std::string path = kind != nullptr ? kind->rest_path
                                             : std::string("/api/configuration/") + (password ? "passwords" : "private_keys");
    const json::value body = json::object{{field, value}};
    auto r = send(step.index, step.address.to_string() + " " + slot.source, "POST", path, &body);
    if (!r) return r.error();
    const json::value* key = r->body.is_object() ? r->body.get_object().if_contains("key") : nullptr;
    if (key == nullptr || !key->is_string()) {
      return core::Error(core::ErrorCode::kBadResponse, "the appliance created a secret object without returning its key");
    }
    m_secret_paths.insert(path + "/" + std::string(key->get_string()));
    return std::string(key->get_string());
  }

  bool run_step(const plan::Step& step) {
    if (interrupted(step.index)) return false;
    json::value body = step.body;
    for (const auto& slot : step.secrets) {
      json::value* v = core::find_pointer(body, slot.pointer);
      if (v == nullptr) continue;
      auto key = create_secret(step, slot, *v);
      if (!key) return fail(key.error(), step.index);
      *v = json::string(*key);
    }
    for (const auto& ref : step.references) {
      auto it = m_created.find(ref.target.to_string());
      json::value* v = core::find_pointer(body, ref.pointer);
      if (it == m_created.end() || v == nullptr) {
        return fail(core::Error(core::ErrorCode::kInternal, "step " + std::to_string(step.index) + " refers to " +
                                                                ref.target.to_string() + ", which no earlier step created"),
                    step.index);
      }
      *v = json::string(it->second);
    }
    auto r = send(step.index, step.address.to_string(), step.method, step.path,
                  step.method == "DELETE" ? nullptr : &body);
    if (!r) return fail(r.error(), step.index);
    if (step.method == "POST") {
      const json::value* key = r->body.is_object() ? r->body.get_object().if_contains("key") : nullptr;
      if (key == nullptr || !key->is_string()) {
        return fail(core::Error(core::ErrorCode::kBadResponse, "the appliance did not return the key of the object it created"),
                    step.index);
      }
      m_created[step.address.to_string()] = key->get_string();
      m_written[step.path + "/" + std::string(key->get_string())] = "create";
    } else {
      m_written[step.path] = step.method == "PUT" ? "replace" : "delete";
    }
    return true;
  }

  /// The appliance's own changelog must name exactly the objects the plan wrote.
  bool check_changelog() {
    if (interrupted(0)) return false;
    m_observer.on_phase("verifying the transaction's changelog against the plan");
    auto r = send(0, "", "GET", std::string(kTransaction) + "/changes", nullptr);
    if (!r) return fail(r.error());
    const json::value* changes = r->body.is_object() ? r->body.get_object().if_contains("changes") : nullptr;
    if (changes == nullptr || !changes->is_array()) {
      return fail(core::Error(core::ErrorCode::kBadResponse, "GET /api/transaction/changes returned no \"changes\" list"));
    }
    std::map<std::string, std::string> seen;
    for (const auto& c : changes->get_array()) {
      if (!c.is_object() || !c.get_object().contains("path") || !c.at("path").is_string()) continue;
      const std::string path(c.at("path").get_string());
      if (m_secret_paths.count(path) != 0) continue;
      seen[path] = c.get_object().contains("type") && c.at("type").is_string() ? std::string(c.at("type").get_string()) : "";
    }
    std::string problems;
    for (const auto& [path, type] : m_written) {
      auto it = seen.find(path);
      if (it == seen.end()) problems += "\n  missing from the changelog: " + type + " " + path;
      else if (it->second != type) problems += "\n  " + path + ": planned " + type + ", the appliance recorded " + it->second;
    }
    for (const auto& [path, type] : seen) {
      if (m_written.count(path) == 0) problems += "\n  not in the plan: " + type + " " + path;
    }
    if (problems.empty()) return true;
    return fail(core::Error(core::ErrorCode::kBadResponse,
                            "the appliance's changelog does not match the plan; rolled back instead of committing",
                            problems.substr(1)));
  }

  bool commit() {
    if (interrupted(0)) return false;
    cleanup();
    m_observer.on_phase("committing: PUT /api/transaction");
    const json::value body = json::object{{"status", "commit"}, {"commit_message", m_options.commit_message}};
    auto r = send(0, "", "PUT", kTransaction, &body);
    if (r && r->body.is_object()) {
      m_open = false;
      m_result.lock = LockState::kReleased;
      m_result.commit_date = r->date;
      return true;
    }
    // Any other answer proves nothing: no answer at all, an error status (which the
    // appliance may send after it committed), or a 2xx without a JSON body.
    core::Error cause = r ? core::Error(core::ErrorCode::kBadResponse, "the commit was answered " +
                                                                          std::to_string(r->status) + " without a JSON body")
                          : r.error();
    return establish(std::move(cause));
  }

  /// After a commit whose answer proved nothing: finds out from the appliance whether it
  /// committed. Returns true when the plan is committed and verified.
  bool establish(core::Error cause) {
    const std::optional<std::string> status = transaction_status();
    if (!status) {
      m_result.outcome = Outcome::kCommitUnknown;
      m_result.lock = LockState::kUnknown;
      m_result.error = core::Error(cause.code,
                                   "the commit's outcome is unknown: its answer proved nothing (" + cause.message +
                                       ") and the appliance did not say whether the transaction is still open",
                                   cause.detail);
      return false;
    }
    if (*status == "open") {
      // Not committed: the appliance refused it (or never got it). Roll back as before.
      m_result.established = "GET /api/transaction: still open after the commit, so nothing was committed";
      return fail(std::move(cause));
    }
    m_open = false;
    m_result.lock = LockState::kReleased;
    // Closed: either committed (only the answer was lost or garbled) or dropped by the
    // appliance (expiry). Commits are atomic, so the committed state tells which; the
    // transaction is closed, so these reads see the committed configuration.
    m_observer.on_phase("the transaction is closed; reading the appliance to find out whether it was committed");
    if (m_options.verify) {
      auto converged = m_options.verify(false);
      if (converged && *converged) {
        m_result.verified = true;
        m_result.established = "GET /api/transaction: closed; the committed state shows the plan";
        return true;
      }
    }
    if (unchanged()) {
      m_result.outcome = Outcome::kRolledBack;
      m_result.established = "GET /api/transaction: closed; the committed state is the state the plan was made from";
      m_result.error = core::Error(cause.code,
                                   "the transaction was closed without committing (" + cause.message +
                                       "); the appliance shows the state before the apply",
                                   cause.detail);
      return false;
    }
    m_result.outcome = Outcome::kCommitUnknown;
    m_result.error = core::Error(cause.code,
                                 "the commit's answer proved nothing (" + cause.message +
                                     "); the transaction is closed, but the appliance shows neither the planned state "
                                     "nor the state before (or could not be read). Run `sps-apply plan` to see it",
                                 cause.detail);
    return false;
  }

  /// Whether every resource the plan depends on reads back exactly as when it was planned.
  bool unchanged() {
    if (!m_options.read_live || m_plan.fingerprints.empty()) return false;
    std::set<std::string> kinds;
    for (const auto& [address, fp] : m_plan.fingerprints) kinds.insert(parse_address(address).kind);
    auto live = m_options.read_live({kinds.begin(), kinds.end()});
    if (!live) return false;
    for (const auto& [address, fp] : m_plan.fingerprints) {
      if (plan::fingerprint(live->find(parse_address(address))) != fp) return false;
    }
    return true;
  }

  const plan::Plan& m_plan;
  appliance::ApplianceApi& m_api;
  const catalog::Catalog& m_catalog;
  const ApplyOptions& m_options;
  ApplyObserver& m_observer;
  ApplyResult m_result;
  bool m_open = false;
  bool m_cleanup = false;
  std::optional<std::int64_t> m_remaining;
  std::map<std::string, std::string> m_created;   // address -> key of objects created by this apply
  std::map<std::string, std::string> m_written;   // object path -> changelog type expected
  std::set<std::string> m_secret_paths;           // password/private-key objects created
};

}  // namespace

ApplyResult apply_plan(const plan::Plan& plan, appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                       const ApplyOptions& options, ApplyObserver& observer) {
  return Executor(plan, api, catalog, options, observer).run();
}

}  // namespace sps::apply
