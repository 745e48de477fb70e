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

std::vector<std::string> dependency_kinds(const catalog::Catalog& catalog, const model::DesiredState& desired,
                                          const std::vector<std::string>& read) {
  const std::set<std::string> was_read(read.begin(), read.end());
  std::set<std::string> out;
  for (const auto& k : managed_kinds(desired)) {
    if (was_read.count(k) == 0) continue;
    out.insert(k);
    const catalog::Kind* kind = catalog.find(k);
    if (kind == nullptr) continue;
    for (const auto& ref : kind->references) {
      const catalog::Kind* target = catalog.find(ref.target);
      if (target != nullptr && !target->discovered && target->identity.empty()) continue;
      if (was_read.count(ref.target) != 0) out.insert(ref.target);
    }
  }
  return {out.begin(), out.end()};
}

core::Result<Planned> plan_against(model::DesiredState desired, appliance::ApplianceApi& api,
                                   const catalog::Catalog& catalog, const diff::DiffOptions& options,
                                   core::Diagnostics& diags, std::vector<std::string> side_paths,
                                   const plan::Selection& selection, std::function<void()> after_reads,
                                   KindCache* reuse) {
  const std::set<std::string> managed = managed_kinds(desired);
  core::Diagnostics read_diags;
  ReadOptions read_options;
  read_options.side_paths = std::move(side_paths);
  read_options.after_reads = std::move(after_reads);
  read_options.reuse = reuse;
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
  Planned out{read->kinds, std::move(read->catalog), std::move(desired), std::move(read->live), {}, {}, std::move(read->side)};
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
  if (!out.desired.discovered.empty()) {
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
  if (selection.partial()) {
    auto selected = plan::select_changes(out.changes, out.desired, out.catalog, selection);
    if (!selected) return selected.error();
    out.changes = std::move(*selected);
  }
  auto plan = plan::build_plan(out.changes, out.desired, out.live, out.catalog);
  if (!plan) return plan.error();
  out.plan = std::move(*plan);
  if (selection.partial()) out.plan.notes.push_back(plan::partial_warning(selection));
  return out;
}

Verification verify_desired(const model::DesiredState& desired, const model::LiveState& live,
                            const catalog::Catalog& catalog) {
  Verification out;
  out.resources = desired.resources.size();
  const diff::ChangeSet changes = diff::compute_changes(desired, live, catalog, {});
  for (const auto& c : changes.changes) {
    const std::string name = c.address.to_string();
    out.fields += c.unchanged_fields;
    switch (c.action) {
      case diff::Action::kNoOp: break;
      case diff::Action::kCreate: out.differences.push_back(name + ": not on the appliance"); break;
      case diff::Action::kDelete: out.differences.push_back(name + ": still on the appliance (pruned)"); break;
      case diff::Action::kUpdate:
        for (const auto& f : c.fields) {
          const auto shown = [&](const std::optional<json::value>& v) {
            if (!v || v->is_null()) return std::string("not set");
            return f.sensitive || f.write_only ? std::string("(sensitive)") : json::serialize(*v);
          };
          out.differences.push_back(name + f.pointer + ": " + shown(f.before) + " on the appliance, desired " +
                                    shown(f.after));
        }
        break;
    }
  }
  for (const auto& r : desired.resources) {
    const catalog::Kind* kind = catalog.find(r.address.kind);
    if (kind == nullptr) continue;
    for (const auto& spec : kind->secrets) {
      if (spec.mode == catalog::SecretMode::kInline) continue;
      core::for_each_match(r.body, spec.pointer, [&](const std::string& ptr, const json::value& v) {
        if (v.is_string()) out.unverifiable.push_back(r.address.to_string() + ptr);  // not a {key} literal
      });
    }
  }
  return out;
}

}  // namespace sps::apply
