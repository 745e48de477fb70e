#pragma once
// Carries out a plan on an appliance inside one SPS transaction: all or nothing.
//
//   1. POST /api/transaction (explicitly; never rely on the appliance opening one on the
//      first write). A configuration lock held by another administrator stops here, before
//      any write.
//   2. Re-read, inside the transaction, the kinds the plan depends on (find_stale; or, without
//      it, the kinds of the plan's fingerprints) and compare them with what the plan was made
//      from: a stale plan is refused, naming what changed.
//   3. The steps in plan order. Write-only secrets are POSTed to /api/configuration/passwords
//      (or private_keys) first and their keys written into the body; keys of objects created
//      by earlier steps are written into later bodies.
//   4. GET /api/transaction/changes must list exactly the objects the plan wrote.
//   5. PUT /api/transaction {"status": "commit", "commit_message": ...}.
//   6. After the commit, the caller's verify() reads the appliance back and compares it with
//      the desired state.
// Any failure before the commit is sent (HTTP error, SemanticError, timeout, lost
// connection, cancellation by a signal, remaining_seconds running low) rolls the
// transaction back with DELETE /api/transaction, so the appliance is exactly as before.
//
// Every outcome is established, never assumed:
//   * committed: only a 2xx commit answer with a JSON object body says so directly; then
//     verify() reads the committed state (the transaction is closed, so no read ever sees
//     sps-apply's own pending changes);
//   * any other commit answer (none, an error status, an unparsable body) is followed by
//     GET /api/transaction: "open" = not committed, so it is rolled back; "closed" = the
//     committed state decides: as planned (verify()), as before (the plan's fingerprints),
//     or neither; no status = the outcome and the lock state are unknown;
//   * rolled back: the DELETE was answered 2xx, or GET /api/transaction says "closed".
// This module never prints: progress goes to an ApplyObserver.
#include "appliance/appliance_api.h"
#include "catalog/catalog.h"
#include "core/error.h"
#include "plan/plan.h"
#include "plan/plan_check.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sps::apply {

/// How one request of the apply went.
struct StepRecord {
  std::size_t index = 0;  // plan step index; 0 for protocol requests (transaction, secrets)
  std::string what;       // "POST /api/configuration/policies/backup_policies" or "open transaction"
  std::string address;    // resource address, empty for protocol requests
  bool ok = false;
  std::string key;        // key returned by a create
  std::chrono::milliseconds duration{0};
  std::string error;      // message when !ok
};

enum class Outcome {
  kNothingToDo,     // empty plan: no transaction opened
  kApplied,         // committed (and verified when a verifier was given)
  kRefused,         // lock held or stale plan: nothing written
  kRolledBack,      // not committed, proven: rolled back, or the transaction closed unused
  kRollbackFailed,  // not committed (the commit was never sent, or the transaction is still
                    // open) and the rollback failed: the appliance cancels it on expiry
  kCommitUnknown,   // whether the commit happened could not be established, or the appliance
                    // shows neither the planned state nor the state before
  kCommittedUnverified,  // committed (proven), but the verification could not read it back
  kCommittedDiffers,     // committed (proven), but the verification found differences
};

std::string_view to_string(Outcome o);

/// Whether a person must look at the appliance: it changed but not as planned, or the
/// outcome is unknown (the CLI's exit code 3).
bool needs_attention(Outcome o);

/// What sps-apply knows about the configuration lock (its transaction) at the end.
enum class LockState {
  kNotTaken,  // no transaction was opened
  kReleased,  // committed or rolled back: the lock is free
  kHeld,      // the transaction is still open in sps-apply's session: it expires by itself
  kUnknown,   // no answer tells
};

std::string_view to_string(LockState s);

/// The result of apply_plan.
struct ApplyResult {
  Outcome outcome = Outcome::kNothingToDo;
  std::vector<StepRecord> records;
  std::optional<core::Error> error;  // the failure, when outcome is not kApplied/kNothingToDo
  std::size_t failed_step = 0;       // plan step index that failed, 0 if none / not a step
  std::vector<std::string> stale;    // addresses whose live state changed since the plan
  bool verified = false;             // the post-commit re-plan was empty
  std::string rollback_error;        // why the rollback request failed, if it did
  LockState lock = LockState::kNotTaken;
  std::optional<std::int64_t> remaining_seconds;  // last remaining_seconds seen (lock kHeld)
  /// How the outcome was established when the commit answer did not say it ("GET
  /// /api/transaction: closed; the committed state shows the plan"), else empty.
  std::string established;
  /// The Date header of the commit's 2xx answer: when the appliance committed, by its own
  /// clock ("Wed, 02 Dec 2026 05:14:46 GMT"). Empty when the commit was established another
  /// way or the appliance sent no Date.
  std::string commit_date;
};

/// Progress callbacks; the CLI prints them. Default implementations do nothing.
class ApplyObserver {
 public:
  virtual ~ApplyObserver() = default;
  virtual void on_record(const StepRecord&) {}
  virtual void on_phase(std::string_view) {}
};

/// What apply_plan needs besides the plan.
struct ApplyOptions {
  std::string commit_message;
  /// Roll back instead of starting another step when the transaction has fewer seconds left.
  std::int64_t min_remaining_seconds = 30;
  /// Polled before every request; true = stop and roll back (SIGINT/SIGTERM/SIGHUP).
  std::function<bool()> cancelled;
  /// Called once before the first request that must go out even after an interruption or
  /// past the command's deadline: the commit, its status check, the rollback. The CLI stops
  /// aborting requests in flight from then on. Optional.
  std::function<void()> on_cleanup;
  /// The user sps-apply logs in as: a lock held by this user is reported as most likely an
  /// abandoned earlier run. Optional.
  std::string username;
  /// Reads the live state of kinds inside the transaction (re-read for the stale check).
  std::function<core::Result<model::LiveState>(const std::vector<std::string>& kinds)> read_live;
  /// Inside the transaction, before any write: re-reads what the plan was made from and
  /// returns every resource that changed since, with the fields that changed (empty = fresh).
  /// When set, it replaces the fingerprint comparison through read_live.
  std::function<core::Result<std::vector<plan::StaleResource>>()> find_stale;
  /// After the commit (never while the transaction is open): reads the appliance back and
  /// returns true when it shows the desired state. `last`: no request follows the reads of
  /// this verification (the commit's answer proved the commit), so the caller may end its
  /// session as soon as their answers are in (ApplianceApi::start_logout); false when the
  /// verification establishes a commit whose answer was lost, after which apply may read
  /// again.
  std::function<core::Result<bool>(bool last)> verify;
  /// Called when opening the transaction finds the configuration locked by another
  /// administrator, with the number of refused attempts so far: waits and returns true to
  /// try again, or returns false to give up. Unset: give up at once.
  std::function<bool(int attempt)> wait_for_lock;
};

/// Applies a plan whose secrets are resolved. The API must be logged in.
ApplyResult apply_plan(const plan::Plan& plan, appliance::ApplianceApi& api, const catalog::Catalog& catalog,
                       const ApplyOptions& options, ApplyObserver& observer);

}  // namespace sps::apply
