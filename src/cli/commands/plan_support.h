#pragma once
// Saved-plan files for plan and apply: written atomically with owner-only permissions
// (they describe the appliance's configuration), read back with clear errors, and checked
// (digest, structure, steps re-derived: plan/plan_check.h) before apply contacts anything.
#include "core/error.h"
#include "model/model.h"
#include "plan/plan.h"
#include "plan/plan_file.h"
#include "plan/selection.h"
#include "render/render.h"

#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sps::cli {

/// The current time in UTC, ISO 8601 to the second ("2026-12-02T09:30:00Z").
std::string utc_now();

/// The names of the environment variables the desired state's `!secret env:` sources read
/// (kept from any child process, such as git).
std::vector<std::string> secret_env_names(const model::DesiredState& desired);

/// What a plan made now is about: the origin's appliance, user, time (created_at, set by the
/// caller) and Git revision, and the saved plan's digest ("" when not saved).
render::PlanHeader plan_header(const plan::PlanOrigin& origin, std::string plan_digest);

/// Adds --target ADDRESS and --exclude ADDRESS (repeatable) to plan or apply.
void add_selection_options(CLI::App& command, plan::Selection& selection);

/// Checks a selection against the desired state before anything contacts the appliance:
/// each address must be well formed, name a kind the desired state manages and, for one
/// resource, a resource it declares (or any object of a pruned kind, which may exist only on
/// the appliance). kInvalidArgument with a did-you-mean otherwise.
core::Result<void> check_selection(const plan::Selection& selection, const model::DesiredState& desired);

/// Writes the plan to path (via a temporary file and rename, mode 0600). Returns the file's
/// digest ("sha256:...").
core::Result<std::string> save_plan_file(const std::string& path, const plan::Plan& plan, plan::PlanOrigin origin,
                                         const plan::PlanBasis& basis);

/// Reads and checks a saved plan: kInvalidArgument when the file is unreadable, too large,
/// not a saved plan, does not match its digest, or holds steps its
/// carried states do not imply. The returned plan is the re-derived one (secrets as
/// placeholders).
core::Result<plan::SavedPlan> load_plan_file(const std::string& path);

/// True when path names a file that looks like a saved plan (JSON whose "kind" says so).
bool is_plan_file(const std::string& path);

/// The directory `!secret file:` paths of a saved plan are relative to: the desired-state
/// directory given to `plan` (or a file's directory), relative to the current directory
/// when it is inside it, so the plan applies from another checkout of the same repository.
std::string desired_root_of(const std::string& desired_path);

/// Rewrites absolute `file:` secret sources under root as paths relative to root.
void relativize_file_secrets(model::DesiredState& desired, const std::string& root);

}  // namespace sps::cli
