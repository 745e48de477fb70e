#include "cli/commands/apply_report.h"

#include "cli/commands/cluster_report.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>

namespace sps::cli {
namespace json = boost::json;

namespace {

bool rolled_back_by_request(const apply::ApplyResult& result) {
  return std::any_of(result.records.begin(), result.records.end(),
                     [](const auto& r) { return r.ok && r.what == "DELETE /api/transaction"; });
}

bool commit_answered(const apply::ApplyResult& result) {
  return !result.records.empty() && result.records.back().what == "PUT /api/transaction" && result.records.back().ok;
}

/// Plan steps whose every request the appliance accepted.
std::size_t steps_accepted(const apply::ApplyResult& result) {
  std::set<std::size_t> ok;
  std::set<std::size_t> failed;
  for (const auto& r : result.records) {
    if (r.index == 0) continue;
    (r.ok ? ok : failed).insert(r.index);
  }
  return static_cast<std::size_t>(
      std::count_if(ok.begin(), ok.end(), [&](std::size_t i) { return failed.count(i) == 0; }));
}

}  // namespace

std::string known_by(const apply::ApplyResult& result) {
  using apply::Outcome;
  if (!result.established.empty()) return result.established;
  switch (result.outcome) {
    case Outcome::kNothingToDo:
      return "the plan is empty: no transaction was opened and no request that changes anything was sent";
    case Outcome::kApplied:
      return "the commit (PUT /api/transaction) was answered with success and a JSON body";
    case Outcome::kRefused:
      return rolled_back_by_request(result)
                 ? "refused before any configuration write; the rollback (DELETE /api/transaction) was answered "
                   "with success"
                 : "refused before any configuration write: no transaction of this apply was open";
    case Outcome::kRolledBack:
      return rolled_back_by_request(result)
                 ? "the commit was never sent, and the rollback (DELETE /api/transaction) was answered with success"
                 : "the commit was never sent and no transaction of this apply was open";
    case Outcome::kRollbackFailed:
      return "the commit was never sent, so nothing was committed; the rollback request failed";
    case Outcome::kCommitUnknown:
      return "not established: neither the commit's answer nor the appliance (GET /api/transaction and the "
             "committed state) showed whether the plan was committed";
    case Outcome::kCommittedUnverified:
      return std::string(commit_answered(result) ? "the commit was answered with success"
                                                 : "the commit was established") +
             ", but reading the appliance back failed";
    case Outcome::kCommittedDiffers:
      return std::string(commit_answered(result) ? "the commit was answered with success"
                                                 : "the commit was established") +
             ", and reading the appliance back found differences from the desired state";
  }
  return "unknown";
}

json::value result_to_json(const apply::ApplyResult& result, const plan::Plan& plan, const ApplyContext& context) {
  json::object o;
  o["format_version"] = kApplyResultVersion;
  o["outcome"] = apply::to_string(result.outcome);
  o["exit_code"] = exit_code(result, context);
  o["known_by"] = known_by(result);
  if (!context.appliance.empty()) o["appliance"] = context.appliance;
  if (!context.plan_digest.empty()) o["plan_digest"] = context.plan_digest;
  o["desired_digest"] = plan.desired_digest;
  o["summary"] = {{"create", plan.count(diff::Action::kCreate)},
                  {"update", plan.count(diff::Action::kUpdate)},
                  {"delete", plan.count(diff::Action::kDelete)}};
  o["steps"] = {{"planned", plan.steps.size()}, {"accepted", steps_accepted(result)}};
  json::array records;
  for (const auto& r : result.records) {
    json::object jr{{"step", r.index}, {"request", r.what}, {"ok", r.ok}, {"ms", r.duration.count()}};
    if (!r.address.empty()) jr["address"] = r.address;
    if (!r.key.empty()) jr["key"] = r.key;
    if (!r.ok) jr["error"] = r.error;
    records.push_back(std::move(jr));
  }
  o["requests"] = std::move(records);
  if (const apply::Verification* v = context.verification) {
    o["verification"] = {{"verified", v->verified()},
                         {"resources", v->resources},
                         {"fields", v->fields},
                         {"differences", json::value_from(v->differences)},
                         {"unverifiable", json::value_from(v->unverifiable)}};
  } else {
    o["verification"] = nullptr;
  }
  o["verified"] = result.verified;
  o["lock"] = apply::to_string(result.lock);
  if (result.error) o["error"] = {{"message", result.error->message}, {"detail", result.error->detail}};
  if (result.failed_step != 0) o["failed_step"] = result.failed_step;
  if (!result.stale.empty()) o["stale"] = json::value_from(result.stale);
  if (!result.rollback_error.empty()) o["rollback_error"] = result.rollback_error;
  o["cluster_sync"] = context.cluster_sync != nullptr ? *context.cluster_sync : json::value(nullptr);
  return o;
}

json::value not_started_json(int code, const std::string& message) {
  json::object o;
  o["format_version"] = kApplyResultVersion;
  o["outcome"] = kNotStarted;
  o["exit_code"] = code;
  o["known_by"] = "sps-apply stopped before it opened a transaction: no request that changes anything was sent";
  o["steps"] = {{"planned", 0}, {"accepted", 0}};
  o["requests"] = json::array{};
  o["verification"] = nullptr;
  o["verified"] = false;
  o["lock"] = apply::to_string(apply::LockState::kNotTaken);
  o["error"] = {{"message", message}, {"detail", ""}};
  o["cluster_sync"] = nullptr;
  return o;
}

void print_located_problems(const apply::ApplyResult& result, const plan::Plan& plan,
                            const model::DesiredState* desired, Io& io) {
  if (!result.error) return;
  // The step the appliance refused, at the YAML of its resource: where to fix it. The fields
  // its answer names, if any, follow (below).
  const plan::Step* failed = nullptr;
  for (const auto& s : plan.steps) {
    if (result.failed_step != 0 && s.index == result.failed_step) failed = &s;
  }
  boost::system::error_code ec;
  const json::value detail = json::parse(result.error->detail, ec);
  const json::object* details = !ec ? detail.if_object() : nullptr;
  if (failed != nullptr) {
    const model::Resource* r = desired != nullptr ? desired->find(failed->address) : nullptr;
    const core::SourceLocation where = r != nullptr ? r->location_of("") : core::SourceLocation{};
    io.err << (where.file.empty() ? failed->address.to_string() : where.to_string()) << ": error: the appliance refused "
           << failed->method << " " << failed->address.to_string() << " (step " << failed->index << "): "
           << result.error->message << '\n';
  }
  if (desired == nullptr || details == nullptr) return;
  const json::value* errors = details->if_contains("errors");
  if (errors == nullptr || !errors->is_array()) return;
  std::map<std::string, model::Address> by_path;
  for (const auto& s : plan.steps) by_path[s.path] = s.address;
  for (const auto& r : result.records) {
    if (r.key.empty() || r.index == 0) continue;
    const std::string collection = r.what.substr(r.what.find(' ') + 1);
    for (const auto& s : plan.steps) {
      if (s.index == r.index && s.method == "POST" && s.path == collection) by_path[collection + "/" + r.key] = s.address;
    }
  }
  for (const auto& e : errors->get_array()) {
    if (!e.is_object()) continue;
    const auto text = [&](const char* k) {
      const json::value* v = e.get_object().if_contains(k);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto it = by_path.find(text("path"));
    const model::Resource* r = it != by_path.end() ? desired->find(it->second) : nullptr;
    if (r == nullptr) continue;
    const core::SourceLocation where = r->location_of(text("pointer"));
    io.err << (where.file.empty() ? r->address.to_string() : where.to_string()) << ": error: " << text("message")
           << " (rejected by the appliance: " << r->address.to_string() << text("pointer") << ")\n";
  }
}

/// How many of a kind, in words: "1 write-only secret", "2 write-only secrets".
namespace {

std::string counted(std::size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string lock_sentence(const apply::ApplyResult& result) {
  switch (result.lock) {
    case apply::LockState::kNotTaken: return {};  // sps-apply never held it
    case apply::LockState::kReleased: return "The configuration lock is released.";
    case apply::LockState::kHeld:
      return "The configuration lock is still held by this apply's transaction; the appliance cancels it when it "
             "expires" +
             (result.remaining_seconds ? " (in about " + std::to_string(*result.remaining_seconds) + " s)"
                                       : std::string(" (remaining_seconds, 10 minutes by default)")) +
             ".";
    case apply::LockState::kUnknown:
      return "The state of the configuration lock is unknown: this apply's transaction may still be open, and the "
             "appliance cancels it when it expires (remaining_seconds, 10 minutes by default).";
  }
  return {};
}

}  // namespace

void report(const apply::ApplyResult& result, const plan::Plan& plan,
            const std::optional<apply::Verification>& verification, Io& io) {
  using apply::Outcome;
  const std::string counts = std::to_string(plan.count(diff::Action::kCreate)) + " created, " +
                             std::to_string(plan.count(diff::Action::kUpdate)) + " updated, " +
                             std::to_string(plan.count(diff::Action::kDelete)) + " deleted";
  switch (result.outcome) {
    case Outcome::kApplied:
      io.err << "Apply complete! " << counts << "; committed";
      if (verification && verification->verified()) {
        io.err << " and verified against the whole desired state the plan was made from: "
               << counted(verification->resources, "resource") << ", " << counted(verification->fields, "field")
               << " as desired on the appliance.\n";
      } else {
        io.err << (result.verified ? " and verified: a new plan is empty.\n" : ".\n");
      }
      break;
    case Outcome::kNothingToDo:
      io.err << "No changes. Nothing to apply.\n";
      break;
    case Outcome::kRefused:
      io.err << "Apply refused; the appliance was not changed.\n";
      break;
    case Outcome::kRolledBack: {
      const bool rolled_back = std::any_of(result.records.begin(), result.records.end(), [](const auto& r) {
        return r.ok && r.what == "DELETE /api/transaction";
      });
      io.err << "Apply failed"
             << (result.failed_step ? " at step " + std::to_string(result.failed_step) : std::string())
             << (rolled_back ? "; the transaction was rolled back" : "")
             << ": nothing was committed and the appliance is unchanged.\n";
      break;
    }
    case Outcome::kRollbackFailed:
      io.err << "Apply failed, and the rollback failed too (" << result.rollback_error
             << "). Nothing was committed, so the appliance's configuration is unchanged.\n";
      break;
    case Outcome::kCommitUnknown:
      io.err << "ATTENTION: the outcome of the commit is unknown; a person must check the appliance "
                "(`sps-apply plan` shows what differs from the desired state).\n";
      break;
    case Outcome::kCommittedUnverified:
      io.err << "ATTENTION: committed (" << counts << "), but the result could not be read back to verify it.\n";
      break;
    case Outcome::kCommittedDiffers:
      io.err << "ATTENTION: committed (" << counts << "), but the appliance does not show the planned state.\n";
      break;
  }
  const bool differences_shown = verification && !verification->differences.empty() &&
                                 (result.outcome == Outcome::kCommittedDiffers || result.outcome == Outcome::kApplied);
  if (differences_shown) {
    io.err << "NOT verified: the appliance does not match the desired state the plan was made from (another "
              "administrator changed it after the commit, or the appliance rewrote values on commit):\n";
    for (const auto& d : verification->differences) io.err << "  " << d << '\n';
    io.err << "The commit stays (there is no rollback after a commit). Run `sps-apply plan` to see the "
              "appliance's state, fix the YAML or the appliance and apply again.\n";
  }
  if (verification && !verification->unverifiable.empty()) {
    io.err << "Not verifiable: " << counted(verification->unverifiable.size(), "write-only secret")
           << " (the appliance cannot return password or private-key objects; only that one is set was "
              "checked):";
    for (const auto& u : verification->unverifiable) io.err << ' ' << u;
    io.err << '\n';
  }
  if (!result.established.empty()) io.err << "How this is known: " << result.established << ".\n";
  if (const std::string lock = lock_sentence(result); !lock.empty() && result.outcome != Outcome::kApplied) {
    io.err << lock << '\n';
  }
  if (result.error && !differences_shown) print_error(*result.error, io);
}

int exit_code(const apply::ApplyResult& result, const ApplyContext& context) {
  if (context.cluster_sync != nullptr && !cluster_in_sync(*context.cluster_sync)) return kExitAttention;
  return exit_code(result);
}

int exit_code(const apply::ApplyResult& result) {
  if (apply::needs_attention(result.outcome)) return kExitAttention;
  const bool ok = (result.outcome == apply::Outcome::kApplied || result.outcome == apply::Outcome::kNothingToDo) &&
                  !result.error;
  return ok ? kExitOk : kExitError;
}

}  // namespace sps::cli
