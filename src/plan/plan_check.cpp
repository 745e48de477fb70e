#include "plan/plan_check.h"

#include "core/canonical_json.h"
#include "core/json_pointer.h"
#include "diff/diff.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace sps::plan {
namespace json = boost::json;
using diff::Action;

namespace {

core::Error refuse(const std::string& what) {
  return {core::ErrorCode::kInvalidArgument, "the saved plan is refused: " + what,
          "nothing was sent to the appliance; a saved plan may only hold what `sps-apply plan --out` derives from "
          "the desired state. Make and review a new plan with `sps-apply plan --out FILE`"};
}

void collect_differences(const json::value& a, const json::value& b, const std::string& ptr,
                         std::vector<std::string>& out, std::size_t limit) {
  if (out.size() >= limit || core::json_equal(a, b)) return;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& m : a.get_object()) keys.insert(m.key());
    for (const auto& m : b.get_object()) keys.insert(m.key());
    for (const auto& k : keys) {
      const json::value* x = a.get_object().if_contains(k);
      const json::value* y = b.get_object().if_contains(k);
      const std::string child = core::append_pointer(ptr, k);
      if (x == nullptr || y == nullptr) {
        if (out.size() < limit) out.push_back(child);
      } else {
        collect_differences(*x, *y, child, out, limit);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.get_array().size() == b.get_array().size()) {
    for (std::size_t i = 0; i < a.get_array().size(); ++i) {
      collect_differences(a.get_array()[i], b.get_array()[i], ptr + "/" + std::to_string(i), out, limit);
    }
    return;
  }
  out.push_back(ptr.empty() ? "/" : ptr);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// In the states given to the planner, a secret is a string that stands for its source, so
/// the diff compares it as a leaf exactly as it compared the value it stands for.
std::string stand_in(const std::string& source) { return "\x01secret:" + source; }

/// The desired state as the planner saw it, placeholders replaced by stand-ins.
model::DesiredState desired_for_diff(const model::DesiredState& desired) {
  model::DesiredState out = desired;
  for (auto& r : out.resources) {
    for (const auto& s : r.secrets) {
      if (json::value* v = core::find_pointer(r.body, s.pointer)) *v = json::string(stand_in(s.description));
    }
  }
  return out;
}

/// The live state as the planner saw it: a masked secret that was equal to the desired value
/// becomes the desired stand-in, one that differed a string no stand-in equals.
model::LiveState live_for_diff(const model::LiveState& live, const model::DesiredState& desired) {
  model::LiveState out = live;
  for (auto& r : out.resources) {
    const model::Resource* want = desired.find(r.address);
    for_each_masked(r.body, [&](const std::string& ptr, json::value& v) {
      const json::value* wanted = want != nullptr ? core::find_pointer(want->body, ptr) : nullptr;
      const bool same = v.get_object().at("$sensitive") == "same" && wanted != nullptr;
      v = same ? *wanted : json::value("\x02differs");
    });
  }
  return out;
}

core::Result<void> check_desired(const model::DesiredState& desired, const catalog::Catalog& catalog) {
  for (const auto& r : desired.resources) {
    const catalog::Kind* kind = catalog.find(r.address.kind);
    const std::string name = r.address.to_string();
    if (kind == nullptr || kind->builtin || kind->write_once) {
      return refuse("its desired state holds " + name + ", which is not a kind sps-apply writes");
    }
    if (kind->is_collection() == r.address.name.empty()) {
      return refuse("its desired state holds " + name + ", which is not an address of a " +
                    (kind->is_collection() ? "collection item" : "singleton"));
    }
    for (const auto& s : r.secrets) {
      if (auto ok = check_secret_source(s.description); !ok) {
        return refuse("its desired state takes " + name + s.pointer + " from " + ok.error().message);
      }
      const json::value* v = core::find_pointer(r.body, s.pointer);
      const json::object* o = v != nullptr ? v->if_object() : nullptr;
      if (o == nullptr || o->size() != 1 || !o->contains("$secret") || o->at("$secret") != json::value(s.description)) {
        return refuse("in its desired state, " + name + s.pointer + " is not the placeholder of secret " + s.description);
      }
    }
  }
  for (const auto& kind : desired.settings.prune) {
    if (catalog.find(kind) == nullptr) return refuse("it prunes " + kind + ", which is not a kind of this sps-apply");
  }
  return {};
}

core::Result<void> check_step_shape(const Step& s, const catalog::Catalog& catalog) {
  const std::string where = "step " + std::to_string(s.index) + " (" + s.method + " " + s.path + ")";
  const catalog::Kind* kind = catalog.find(s.address.kind);
  if (s.path.rfind("/api/configuration/", 0) != 0 || kind == nullptr || kind->builtin || kind->write_once) {
    return refuse(where + ": a saved plan may only write the configuration endpoints of the kinds sps-apply manages");
  }
  std::string method;
  std::string path;
  switch (s.action) {
    case Action::kCreate:
      method = kind->is_collection() ? "POST" : "PUT";
      path = kind->rest_path;
      break;
    case Action::kUpdate:
      method = "PUT";
      path = kind->is_collection() ? kind->rest_path + "/" + s.change.key : kind->rest_path;
      break;
    case Action::kDelete:
      method = "DELETE";
      path = kind->rest_path + "/" + s.change.key;
      break;
    case Action::kNoOp:
      return refuse(where + ": a step must create, update or delete");
  }
  if (s.method != method || s.path != path) {
    return refuse(where + ": " + std::string(diff::to_string(s.action)) + " of " + s.address.to_string() + " is " +
                  method + " " + path);
  }
  return {};
}

std::string first_difference(const json::value& saved, const json::value& derived) {
  const json::object& a = saved.get_object();
  const json::object& b = derived.get_object();
  for (const auto& m : b) {
    const json::value* other = a.if_contains(m.key());
    if (other != nullptr && core::json_equal(*other, m.value())) continue;
    std::string what = "its \"" + std::string(m.key()) + "\"";
    if (other != nullptr) {
      const auto at = differing_pointers(*other, m.value(), 3);
      if (!at.empty()) what += " at " + joined(at);
    }
    return what;
  }
  return "its members";
}

}  // namespace

core::Result<void> check_secret_source(const std::string& source) {
  if (source.rfind("env:", 0) == 0 && source.size() > 4) {
    const std::string name = source.substr(4);
    for (const char* credential : kCredentialVariables) {
      if (name == credential) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           "secret source " + source + ", sps-apply's own credential, which no configuration field may hold");
      }
    }
    return {};
  }
  if (source.rfind("file:", 0) == 0 && source.size() > 5) return {};
  return core::Error(core::ErrorCode::kInvalidArgument, "secret source \"" + source + "\", which is not env:NAME or file:PATH");
}

std::vector<std::string> differing_pointers(const json::value& a, const json::value& b, std::size_t limit) {
  std::vector<std::string> out;
  collect_differences(a, b, "", out, limit);
  return out;
}

core::Result<Plan> check_saved_plan(const SavedPlan& saved, const catalog::Catalog& curated) {
  const PlanBasis& basis = saved.basis;
  auto full = saved_catalog(saved, curated);
  if (!full) return full.error();
  const catalog::Catalog& catalog = *full;
  for (const auto& kind : saved.origin.kinds) {
    if (catalog.find(kind) == nullptr) return refuse("it read " + kind + ", which is not a kind of this sps-apply");
  }
  for (const auto& kind : basis.live.kinds) {
    if (catalog.find(kind) == nullptr) return refuse("its live state holds " + kind + ", which is not a kind of this sps-apply");
  }
  for (const auto& r : basis.live.resources) {
    if (basis.live.kinds.count(r.address.kind) == 0) {
      return refuse("its live state holds " + r.address.to_string() + ", of a kind it did not read");
    }
  }
  if (auto ok = check_desired(basis.desired, catalog); !ok) return ok.error();
  for (const auto& s : saved.plan.steps) {
    if (auto ok = check_step_shape(s, catalog); !ok) return ok.error();
  }

  // Re-derive with the pure planner and require the very same plan.
  const model::DesiredState desired = desired_for_diff(basis.desired);
  const model::LiveState live = live_for_diff(basis.live, desired);
  const diff::ChangeSet all = diff::compute_changes(desired, live, catalog, basis.options);
  if (all.diagnostics.has_errors()) return refuse("its desired state refers to objects that exist nowhere");
  auto changes = select_changes(all, desired, catalog, basis.selection);
  if (!changes) return refuse("its selection cannot be planned: " + changes.error().message);
  auto derived = build_plan(*changes, desired, live, catalog);
  if (!derived) return refuse("its desired state cannot be planned: " + derived.error().message);
  if (derived->desired_digest != saved.plan.desired_digest) {
    return refuse("its desired_digest is not the digest of the desired state it carries");
  }
  const std::size_t n = std::max(derived->steps.size(), saved.plan.steps.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= derived->steps.size()) {
      const Step& s = saved.plan.steps[i];
      return refuse("step " + std::to_string(s.index) + " (" + s.method + " " + s.path +
                    ") does not follow from the desired and live states the plan carries");
    }
    if (i >= saved.plan.steps.size()) {
      const Step& s = derived->steps[i];
      return refuse("it lacks a step " + std::to_string(s.index) + " (" + s.method + " " + s.path + ", " +
                    s.address.to_string() + ") that the desired and live states it carries imply");
    }
    const json::value want = step_to_json(derived->steps[i]);
    const json::value have = step_to_json(saved.plan.steps[i]);
    if (!core::json_equal(want, have)) {
      const Step& s = saved.plan.steps[i];
      return refuse("step " + std::to_string(s.index) + " (" + s.method + " " + s.path + ", " + s.address.to_string() +
                    ") is not what the desired and live states it carries imply: " + first_difference(have, want) +
                    " differs");
    }
  }
  if (derived->unmanaged != saved.plan.unmanaged || derived->no_change != saved.plan.no_change) {
    return refuse("its unmanaged or unchanged resources are not those the states it carries imply");
  }
  // Secrets go back to placeholders, which resolve_secrets() fills.
  for (auto& st : derived->steps) {
    for (const auto* slots : {&st.secrets, &st.inline_secrets}) {
      for (const auto& slot : *slots) {
        if (json::value* v = core::find_pointer(st.body, slot.pointer)) *v = json::object{{"$secret", slot.source}};
      }
    }
  }
  derived->fingerprints = fingerprints_of(basis.live);
  if (derived->fingerprints != saved.plan.fingerprints) {
    return refuse("its fingerprints are not those of the live state it carries");
  }
  return std::move(*derived);
}

std::vector<StaleResource> compare_live(const model::LiveState& planned, const model::LiveState& now) {
  std::vector<StaleResource> out;
  for (const auto& kind : planned.missing_kinds) {
    if (now.missing_kinds.count(kind) == 0) out.push_back({kind, {"(the endpoint exists now)"}});
  }
  for (const auto& kind : now.missing_kinds) {
    if (planned.missing_kinds.count(kind) == 0) out.push_back({kind, {"(the endpoint is gone)"}});
  }
  auto a = planned.resources.begin();
  auto b = now.resources.begin();
  while (a != planned.resources.end() || b != now.resources.end()) {
    if (b == now.resources.end() || (a != planned.resources.end() && a->address < b->address)) {
      out.push_back({a->address.to_string(), {"(deleted)"}});
      ++a;
    } else if (a == planned.resources.end() || b->address < a->address) {
      out.push_back({b->address.to_string(), {"(created)"}});
      ++b;
    } else {
      StaleResource s{a->address.to_string(), {}};
      if (a->key != b->key) s.fields.push_back("(key)");
      for (auto& p : differing_pointers(a->body, b->body)) s.fields.push_back(std::move(p));
      if (a->preserved != b->preserved) s.fields.push_back("(fields sps-apply does not manage)");
      if (!s.fields.empty()) out.push_back(std::move(s));
      ++a;
      ++b;
    }
  }
  return out;
}

}  // namespace sps::plan
