#include "plan/selection.h"

#include "catalog/discover.h"
#include "core/json_pointer.h"

#include <algorithm>
#include <map>

namespace sps::plan {
namespace json = boost::json;
using diff::Action;

namespace {

bool any_matches(const std::vector<std::string>& patterns, const model::Address& address) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& text) {
    auto pattern = parse_address(text);
    return pattern && address_matches(*pattern, address);
  });
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

bool Selection::selects(const model::Address& address) const {
  return (targets.empty() || any_matches(targets, address)) && !any_matches(excludes, address);
}

core::Result<model::Address> parse_address(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "\"" + std::string(text) + "\" is not a resource address: " + why,
                       "write a kind (policies/backup_policies) or one resource of it "
                       "(policies/backup_policies[nightly-nfs]), as plans print them");
  };
  model::Address out;
  std::string_view kind = text;
  if (const auto open = text.find('['); open != std::string_view::npos) {
    if (!text.ends_with(']')) return bad("a name in [...] must end the address");
    kind = text.substr(0, open);
    out.name = std::string(text.substr(open + 1, text.size() - open - 2));
    if (out.name.empty()) return bad("the name in [...] is empty");
  }
  if (!catalog::is_configuration_path(kind)) return bad("\"" + std::string(kind) + "\" is not a configuration path");
  out.kind = std::string(kind);
  return out;
}

bool address_matches(const model::Address& pattern, const model::Address& address) {
  return pattern.kind == address.kind && (pattern.name.empty() || pattern.name == address.name);
}

std::string partial_warning(const Selection& selection) {
  std::string what;
  if (!selection.targets.empty()) what = "only " + joined(selection.targets);
  if (!selection.excludes.empty()) what += (what.empty() ? "everything but " : ", without ") + joined(selection.excludes);
  return "the plan is partial: it covers " + what +
         " (--target/--exclude); resources outside the selection were not compared. Do not rely on partial plans "
         "routinely: plan the whole desired state to see every difference";
}

core::Result<diff::ChangeSet> select_changes(const diff::ChangeSet& changes, const model::DesiredState& desired,
                                             const catalog::Catalog& catalog, const Selection& selection) {
  if (!selection.partial()) return changes;
  for (const auto* list : {&selection.targets, &selection.excludes}) {
    for (const auto& text : *list) {
      auto pattern = parse_address(text);
      if (!pattern) return pattern.error();
      const auto names = [&](const model::Address& a) { return address_matches(*pattern, a); };
      if (std::none_of(changes.changes.begin(), changes.changes.end(), [&](const auto& c) { return names(c.address); }) &&
          std::none_of(changes.unmanaged.begin(), changes.unmanaged.end(), names)) {
        return core::Error(core::ErrorCode::kInvalidConfig,
                           std::string(list == &selection.targets ? "--target " : "--exclude ") + text +
                               " names no resource of the desired state or of the appliance",
                           "check the address against the plan's addresses (`sps-apply plan` prints them)");
      }
    }
  }
  std::map<model::Address, bool> created;  // created by the plan -> selected
  for (const auto& c : changes.changes) {
    if (c.action == Action::kCreate) created[c.address] = selection.selects(c.address);
  }
  diff::ChangeSet out;
  out.diagnostics = changes.diagnostics;
  for (const auto& c : changes.changes) {
    if (!selection.selects(c.address)) continue;
    const model::Resource* want = desired.find(c.address);
    const catalog::Kind* kind = catalog.find(c.address.kind);
    if (want != nullptr && kind != nullptr && c.action != Action::kNoOp) {
      for (const auto& ref : kind->references) {
        const catalog::Kind* target = catalog.find(ref.target);
        if (target == nullptr || target->identity.empty()) continue;
        std::optional<core::Error> problem;
        core::for_each_match(want->body, ref.pointer, [&](const std::string&, const json::value& v) {
          if (!v.is_string() || problem) return;
          const model::Address ta{target->path, std::string(v.get_string())};
          if (auto it = created.find(ta); it != created.end() && !it->second) {
            problem = core::Error(core::ErrorCode::kInvalidConfig,
                                  c.address.to_string() + " refers to " + ta.to_string() +
                                      ", which this plan would create, but the selection (--target/--exclude) "
                                      "leaves it out",
                                  "add --target " + ta.to_string() + ", or leave " + c.address.to_string() +
                                      " out of the selection");
          }
        });
        if (problem) return *problem;
      }
    }
    out.changes.push_back(c);
  }
  for (const auto& a : changes.unmanaged) {
    if (selection.selects(a)) out.unmanaged.push_back(a);
  }
  return out;
}

model::DesiredState select_desired(const model::DesiredState& desired, const Selection& selection) {
  if (!selection.partial()) return desired;
  model::DesiredState out = desired;
  std::erase_if(out.resources, [&](const model::Resource& r) { return !selection.selects(r.address); });
  return out;
}

}  // namespace sps::plan
