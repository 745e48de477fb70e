#include "apply/planner.h"

#include "apply/live_reader.h"
#include "core/canonical_json.h"
#include "core/json_pointer.h"
#include "model/discovered.h"
#include "model/normalize.h"

#include <boost/json.hpp>


namespace sps::apply {
namespace json = boost::json;

std::set<std::string> managed_kinds(const model::DesiredState& desired) {
  std::set<std::string> out(desired.settings.prune.begin(), desired.settings.prune.end());
  for (const auto& [kind, where] : desired.settings.kind_locations) out.insert(kind);
  for (const auto& r : desired.resources) out.insert(r.address.kind);
  return out;
}

std::vector<std::string> kinds_to_read(const catalog::Catalog& catalog, const std::set<std::string>& managed) {
  const std::vector<std::string> curated = model::kinds_to_fetch(catalog, managed);
  std::set<std::string> out(curated.begin(), curated.end());
  for (const auto& kind : managed) {
    if (catalog.find(kind) == nullptr) out.insert(kind);
  }
  return {out.begin(), out.end()};
}

core::Result<Planned> plan_against(const model::DesiredState& desired, appliance::ApplianceApi& api,
                                   const catalog::Catalog& catalog, const diff::DiffOptions& options,
                                   core::Diagnostics& diags) {
  const std::set<std::string> managed = managed_kinds(desired);
  core::Diagnostics read_diags;
  ReadOptions read_options;
  read_options.refine = [&](catalog::Kind& kind) { model::mark_desired_secrets(kind, desired); };
  auto read = read_live_kinds(api, catalog, kinds_to_read(catalog, managed), read_diags, std::move(read_options));
  // A discovered path that is no endpoint is the YAML's problem: point at its key.
  for (const auto& d : read_diags.items()) {
    core::Diagnostic located = d;
    if (auto it = desired.settings.kind_locations.find(d.resource); located.where.file.empty() &&
                                                                    it != desired.settings.kind_locations.end()) {
      located.where = it->second;
    }
    diags.add(std::move(located));
  }
  if (!read) return read.error();
  Planned out{read->kinds, std::move(read->catalog), desired, std::move(read->live), {}, {}};
  for (const auto& kind : managed) {
    if (out.live.missing_kinds.count(kind) != 0) {
      const catalog::Kind* k = catalog.find(kind);
      std::string detail = "remove " + kind + " from the desired state for this appliance";
      if (k != nullptr && !k->available.empty()) detail += " (the endpoint exists on SPS " + k->available + ")";
      if (k == nullptr) detail += ", or correct the path (it has no schema, so only the appliance can check it)";
      return core::Error(core::ErrorCode::kNotFound,
                         "this appliance has no /api/configuration/" + kind + " endpoint (firmware version?)", detail);
    }
  }
  if (!desired.discovered.empty()) {
    core::Diagnostics fit;
    model::bind_discovered(out.desired, out.catalog, fit);
    model::check_discovered_fields(out.desired, out.catalog, fit);
    diags.append(fit);
    if (fit.has_errors()) {
      return core::Error(core::ErrorCode::kInvalidConfig,
                         "the desired state does not fit what the appliance shows; nothing was changed");
    }
  }
  out.changes = diff::compute_changes(out.desired, out.live, out.catalog, options);
  diags.append(out.changes.diagnostics);
  if (out.changes.diagnostics.has_errors()) {
    return core::Error(core::ErrorCode::kInvalidConfig, "the desired state refers to objects that do not exist");
  }
  auto plan = plan::build_plan(out.changes, out.desired, out.live, out.catalog);
  if (!plan) return plan.error();
  out.plan = std::move(*plan);
  return out;
}

std::vector<std::string> verify_applied(const plan::Plan& plan, const model::LiveState& live) {
  std::vector<std::string> problems;
  for (const auto& step : plan.steps) {
    const model::Resource* r = live.find(step.address);
    const std::string name = step.address.to_string();
    if (step.action == diff::Action::kDelete) {
      if (r != nullptr) problems.push_back(name + " still exists");
      continue;
    }
    if (r == nullptr) {
      problems.push_back(name + " does not exist");
      continue;
    }
    for (const auto& f : step.change.fields) {
      const json::value* have = core::find_pointer(r->body, f.pointer);
      if (f.sensitive) {
        if (f.after.has_value() != (have != nullptr)) problems.push_back(name + f.pointer + " is not set as planned");
        continue;
      }
      const bool want_set = f.after.has_value() && !f.after->is_null();
      if (!want_set) {
        if (have != nullptr) problems.push_back(name + f.pointer + " should be unset");
      } else if (have == nullptr) {
        problems.push_back(name + f.pointer + " is not set");
      } else if (!core::json_equal(*have, *f.after)) {
        problems.push_back(name + f.pointer + " is " + json::serialize(*have) + ", planned " + json::serialize(*f.after));
      }
    }
  }
  return problems;
}

}  // namespace sps::apply
