#pragma once
// What `apply` reports: the text report on stderr (outcome, verification, how the outcome is
// known, the lock), the JSON result (`apply --format json`, `--record`; schema in
// schemas/output/apply-result.schema.json) and the exit code of an outcome.
#include "apply/executor.h"
#include "apply/planner.h"
#include "cli/cli.h"
#include "model/model.h"
#include "plan/plan.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace sps::cli {

/// format_version of the apply result (schemas/output/README.md).
inline constexpr const char* kApplyResultVersion = "2.1";

/// outcome of an apply that stopped before it opened a transaction (bad input, no
/// connection, a preflight check, no confirmation): nothing was sent that changes anything.
inline constexpr const char* kNotStarted = "not-started";

/// The context of a result beyond the executor's own record.
struct ApplyContext {
  std::string appliance;    // URL, without credentials
  std::string plan_digest;  // digest of the applied plan file, or empty
  const apply::Verification* verification = nullptr;  // when the post-commit comparison ran
  /// On a central management node after a commit: how the managed hosts took it
  /// (cli/commands/cluster_report.h).
  const boost::json::value* cluster_sync = nullptr;
};

/// The exit code of an apply's outcome (exit_codes.h).
int exit_code(const apply::ApplyResult& result);
/// The same, and 3 when the cluster's managed hosts were not all seen in sync.
int exit_code(const apply::ApplyResult& result, const ApplyContext& context);

/// One sentence saying how the outcome is known: which answer or read established it.
std::string known_by(const apply::ApplyResult& result);

/// The JSON result of an apply.
boost::json::value result_to_json(const apply::ApplyResult& result, const plan::Plan& plan,
                                  const ApplyContext& context);

/// The JSON result of an apply that stopped with exit code `code` before it opened a
/// transaction; `message` is what it printed as the reason.
boost::json::value not_started_json(int code, const std::string& message);

/// The text report on io.err.
void report(const apply::ApplyResult& result, const plan::Plan& plan,
            const std::optional<apply::Verification>& verification, Io& io);

/// The appliance's problem list (SemanticError details {"errors": [{path, pointer, message}]})
/// mapped back to the YAML: object path -> resource address -> file:line:col of the pointer.
void print_located_problems(const apply::ApplyResult& result, const plan::Plan& plan,
                            const model::DesiredState* desired, Io& io);

}  // namespace sps::cli
