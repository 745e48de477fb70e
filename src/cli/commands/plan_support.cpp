#include "cli/commands/plan_support.h"

#include "apply/planner.h"
#include "catalog/catalog.h"
#include "cli/files.h"
#include "desired/read_file.h"
#include "desired/suggest.h"
#include "plan/plan_check.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

namespace sps::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::vector<std::string> secret_env_names(const model::DesiredState& desired) {
  std::vector<std::string> out;
  for (const auto& r : desired.resources) {
    for (const auto& s : r.secrets) {
      if (s.description.starts_with("env:")) out.push_back(s.description.substr(4));
    }
  }
  return out;
}

render::PlanHeader plan_header(const plan::PlanOrigin& origin, std::string plan_digest) {
  return {origin.appliance_url, origin.user, origin.created_at, origin.git_revision, std::move(plan_digest)};
}

core::Result<std::string> save_plan_file(const std::string& path, const plan::Plan& plan, plan::PlanOrigin origin,
                                         const plan::PlanBasis& basis) {
  origin.tool_version = std::string("sps-apply ") + SPS_APPLY_VERSION;
  const json::value doc = plan::plan_to_file(plan, origin, basis);
  auto written = write_file_atomic(path, json::serialize(doc) + "\n", /*owner_only=*/true);
  if (!written) return written.error();
  return std::string(doc.at("digest").as_string());
}

namespace {
// A saved plan holds whole bodies of every change; 256 MiB is far beyond 10,000 objects.
constexpr std::uintmax_t kMaxPlanFileBytes = std::uintmax_t{256} << 20;

core::Result<json::value> read_json(const std::string& path) {
  auto text = desired::read_regular_file(path, kMaxPlanFileBytes);
  if (!text) return core::Error(core::ErrorCode::kInvalidArgument, "cannot read " + path + ": " + text.error().message);
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       path + " is not JSON (" + ec.message() + "): a saved plan cut short or damaged",
                       "nothing was sent to the appliance; make and review a new plan with `sps-apply plan --out FILE`");
  }
  return v;
}
}  // namespace

core::Result<plan::SavedPlan> load_plan_file(const std::string& path) {
  auto doc = read_json(path);
  if (!doc) return doc.error();
  auto loaded = plan::plan_from_file(*doc);
  if (!loaded) {
    core::Error e = loaded.error();
    e.message = path + ": " + e.message;
    return e;
  }
  auto checked = plan::check_saved_plan(*loaded, catalog::Catalog::builtin());
  if (!checked) {
    core::Error e = checked.error();
    e.message = path + ": " + e.message;
    return e;
  }
  loaded->plan = std::move(*checked);
  // What apply and show print of a partial plan, as plan printed it.
  if (loaded->basis.selection.partial()) loaded->plan.notes.push_back(plan::partial_warning(loaded->basis.selection));
  return loaded;
}

void add_selection_options(CLI::App& command, plan::Selection& selection) {
  command
      .add_option("--target", selection.targets,
                  "Plan only ADDRESS: a kind (policies/backup_policies) or one resource "
                  "(policies/backup_policies[nightly-nfs]); repeatable. A partial plan: for emergencies")
      ->type_name("ADDRESS");
  command.add_option("--exclude", selection.excludes, "Leave ADDRESS out of the plan (same syntax; repeatable)")
      ->type_name("ADDRESS");
}

core::Result<void> check_selection(const plan::Selection& selection, const model::DesiredState& desired) {
  const std::set<std::string> managed = apply::managed_kinds(desired);
  const std::vector<std::string> kinds(managed.begin(), managed.end());
  for (const auto* list : {&selection.targets, &selection.excludes}) {
    const std::string flag = list == &selection.targets ? "--target " : "--exclude ";
    for (const auto& text : *list) {
      auto address = plan::parse_address(text);
      if (!address) {
        core::Error e = address.error();
        e.message = flag + text + ": " + e.message;
        return e;
      }
      if (managed.count(address->kind) == 0) {
        const std::string hint = desired::did_you_mean(address->kind, kinds);
        return core::Error(core::ErrorCode::kInvalidArgument,
                           flag + text + ": the desired state does not manage " + address->kind,
                           hint.empty() ? "the desired state manages: " + std::accumulate(kinds.begin(), kinds.end(), std::string(),
                                                                                      [](std::string a, const std::string& b) {
                                                                                        return a.empty() ? b : a + ", " + b;
                                                                                      })
                                        : hint);
      }
      if (address->name.empty() || desired.find(*address) != nullptr ||
          desired.settings.prune.count(address->kind) != 0) {
        continue;
      }
      std::vector<std::string> names;
      for (const auto& r : desired.resources) {
        if (r.address.kind == address->kind) names.push_back(r.address.to_string());
      }
      const std::string hint = desired::did_you_mean(text, names);
      return core::Error(core::ErrorCode::kInvalidArgument,
                         flag + text + ": the desired state declares no " + address->kind + " named \"" +
                             address->name + "\"",
                         hint.empty() ? "select the whole kind with " + flag + address->kind : hint);
    }
  }
  return {};
}

bool is_plan_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  // A directory of YAML is the common case; only a .json file or a file that starts like
  // a JSON object is read as a plan.
  std::ifstream in(path, std::ios::binary);
  char first = 0;
  while (in.get(first) && std::isspace(static_cast<unsigned char>(first))) {
  }
  if (first != '{') return false;
  auto doc = read_json(path);
  if (!doc) return fs::path(path).extension() == ".json";  // a damaged plan: report it as one
  return doc->is_object() && doc->get_object().contains("kind") && doc->at("kind") == json::value(plan::kPlanFileKind);
}

std::string desired_root_of(const std::string& desired_path) {
  std::error_code ec;
  fs::path root = fs::is_directory(desired_path, ec) ? fs::path(desired_path) : fs::path(desired_path).parent_path();
  if (root.empty()) root = ".";
  if (root.is_relative()) return root.lexically_normal().generic_string();
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    const fs::path rel = root.lexically_normal().lexically_relative(cwd);
    if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  }
  return root.lexically_normal().generic_string();
}

void relativize_file_secrets(model::DesiredState& desired, const std::string& root) {
  std::error_code ec;
  const fs::path base = fs::absolute(root, ec).lexically_normal();
  if (ec) return;
  for (auto& r : desired.resources) {
    for (auto& s : r.secrets) {
      if (s.description.rfind("file:", 0) != 0) continue;
      const fs::path file(s.description.substr(5));
      if (!file.is_absolute()) continue;
      const fs::path rel = file.lexically_normal().lexically_relative(base);
      if (!rel.empty()) s.description = "file:" + rel.generic_string();
    }
  }
}

}  // namespace sps::cli
