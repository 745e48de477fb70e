#include "plan/plan_file.h"

#include "core/json_pointer.h"

#include <boost/json.hpp>

namespace sps::plan {
namespace json = boost::json;
using diff::Action;

namespace {

const char* mode_name(catalog::SecretMode m) {
  switch (m) {
    case catalog::SecretMode::kInline: return "inline";
    case catalog::SecretMode::kPasswordObject: return "password-object";
    case catalog::SecretMode::kPrivateKeyObject: return "private-key-object";
  }
  return "inline";
}

std::optional<catalog::SecretMode> mode_from(std::string_view s) {
  if (s == "inline") return catalog::SecretMode::kInline;
  if (s == "password-object") return catalog::SecretMode::kPasswordObject;
  if (s == "private-key-object") return catalog::SecretMode::kPrivateKeyObject;
  return std::nullopt;
}

std::optional<Action> action_from(std::string_view s) {
  for (Action a : {Action::kCreate, Action::kUpdate, Action::kDelete, Action::kNoOp}) {
    if (diff::to_string(a) == s) return a;
  }
  return std::nullopt;
}

json::value address_json(const model::Address& a) { return json::object{{"kind", a.kind}, {"name", a.name}}; }

json::array slots_json(const std::vector<SecretSlot>& slots) {
  json::array out;
  for (const auto& s : slots) {
    out.push_back(json::object{{"pointer", s.pointer}, {"mode", mode_name(s.mode)}, {"source", s.source}});
  }
  return out;
}

json::value field_json(const diff::FieldChange& f) {
  json::object o;
  o["pointer"] = f.pointer;
  // Secret fields keep only whether a value was there; others keep their values.
  if (f.before) o["before"] = f.sensitive ? json::value("(sensitive)") : *f.before;
  if (f.after) o["after"] = f.sensitive ? json::value("(sensitive)") : *f.after;
  o["sensitive"] = f.sensitive;
  o["write_only"] = f.write_only;
  o["reorder"] = f.reorder;
  o["reference"] = f.reference;
  return o;
}

/// Reads members with one error naming the first thing that is wrong.
class Reader {
 public:
  core::Error fail(const std::string& what) const {
    return {core::ErrorCode::kInvalidArgument, "not a valid sps-apply plan file: " + what,
            "create it again with `sps-apply plan --out FILE`"};
  }
  core::Result<std::string> str(const json::object& o, std::string_view key) const {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return fail("\"" + std::string(key) + "\" must be a string");
    return std::string(v->get_string());
  }
  core::Result<const json::object*> obj(const json::value& v, std::string_view what) const {
    if (!v.is_object()) return fail(std::string(what) + " must be an object");
    return &v.get_object();
  }
  core::Result<model::Address> address(const json::value& v) const {
    auto o = obj(v, "address");
    if (!o) return o.error();
    auto kind = str(**o, "kind");
    auto name = str(**o, "name");
    if (!kind || !name) return fail("address needs kind and name");
    return model::Address{*kind, *name};
  }
  core::Result<std::vector<SecretSlot>> slots(const json::object& step, std::string_view key) const {
    std::vector<SecretSlot> out;
    const json::value* v = step.if_contains(key);
    if (v == nullptr || !v->is_array()) return fail("\"" + std::string(key) + "\" must be an array");
    for (const auto& e : v->get_array()) {
      auto o = obj(e, key);
      if (!o) return o.error();
      auto pointer = str(**o, "pointer");
      auto mode = str(**o, "mode");
      auto source = str(**o, "source");
      if (!pointer || !mode || !source || !mode_from(*mode)) return fail("bad secret slot in \"" + std::string(key) + "\"");
      out.push_back({*pointer, *mode_from(*mode), *source});
    }
    return out;
  }
};

}  // namespace

json::value plan_to_file(const Plan& plan, const PlanOrigin& origin) {
  json::object doc;
  doc["kind"] = kPlanFileKind;
  doc["version"] = kPlanFileVersion;
  doc["created_by"] = origin.tool_version;
  doc["appliance"] = origin.appliance_url;
  doc["kinds"] = json::value_from(origin.kinds);
  doc["desired_digest"] = plan.desired_digest;
  doc["fingerprints"] = json::value_from(plan.fingerprints);
  json::array steps;
  for (const auto& s : plan.steps) {
    json::value body = s.body;
    for (const auto* slots : {&s.secrets, &s.inline_secrets}) {
      for (const auto& slot : *slots) {
        if (json::value* v = core::find_pointer(body, slot.pointer)) *v = json::object{{"$secret", slot.source}};
      }
    }
    json::array refs;
    for (const auto& r : s.references) refs.push_back(json::object{{"pointer", r.pointer}, {"target", address_json(r.target)}});
    json::array fields;
    for (const auto& f : s.change.fields) fields.push_back(field_json(f));
    steps.push_back(json::object{{"index", s.index},
                                 {"action", diff::to_string(s.action)},
                                 {"address", address_json(s.address)},
                                 {"key", s.change.key},
                                 {"method", s.method},
                                 {"path", s.path},
                                 {"body", std::move(body)},
                                 {"references", std::move(refs)},
                                 {"secrets", slots_json(s.secrets)},
                                 {"inline_secrets", slots_json(s.inline_secrets)},
                                 {"changes", std::move(fields)},
                                 {"unchanged_fields", s.change.unchanged_fields}});
  }
  doc["steps"] = std::move(steps);
  json::array unmanaged;
  for (const auto& a : plan.unmanaged) unmanaged.push_back(address_json(a));
  doc["unmanaged"] = std::move(unmanaged);
  json::array no_change;
  for (const auto& a : plan.no_change) no_change.push_back(address_json(a));
  doc["no_change"] = std::move(no_change);
  return doc;
}

core::Result<std::pair<Plan, PlanOrigin>> plan_from_file(const json::value& doc) {
  const Reader rd;
  auto root = rd.obj(doc, "the document");
  if (!root) return root.error();
  const json::object& o = **root;
  auto kind = rd.str(o, "kind");
  if (!kind || *kind != kPlanFileKind) return rd.fail("\"kind\" is not \"" + std::string(kPlanFileKind) + "\"");
  const json::value* version = o.if_contains("version");
  if (version == nullptr || !version->is_int64() || version->get_int64() != kPlanFileVersion) {
    return rd.fail("unsupported version (this sps-apply reads version " + std::to_string(kPlanFileVersion) + ")");
  }
  Plan plan;
  PlanOrigin origin;
  auto digest = rd.str(o, "desired_digest");
  auto appliance = rd.str(o, "appliance");
  auto created_by = rd.str(o, "created_by");
  if (!digest || !appliance || !created_by) return rd.fail("missing desired_digest, appliance or created_by");
  plan.desired_digest = *digest;
  origin.appliance_url = *appliance;
  origin.tool_version = *created_by;
  try {
    origin.kinds = json::value_to<std::vector<std::string>>(o.at("kinds"));
    plan.fingerprints = json::value_to<std::map<std::string, std::string>>(o.at("fingerprints"));
    for (const auto* list : {"unmanaged", "no_change"}) {
      for (const auto& a : o.at(list).as_array()) {
        auto addr = rd.address(a);
        if (!addr) return addr.error();
        (std::string_view(list) == "unmanaged" ? plan.unmanaged : plan.no_change).push_back(*addr);
      }
    }
    for (const auto& sv : o.at("steps").as_array()) {
      const json::object& so = sv.as_object();
      Step s;
      s.index = static_cast<std::size_t>(so.at("index").to_number<std::int64_t>());
      auto action = action_from(so.at("action").as_string());
      if (!action) return rd.fail("unknown action in step " + std::to_string(s.index));
      s.action = *action;
      auto addr = rd.address(so.at("address"));
      if (!addr) return addr.error();
      s.address = *addr;
      s.method = so.at("method").as_string();
      s.path = so.at("path").as_string();
      s.body = so.at("body");
      for (const auto& r : so.at("references").as_array()) {
        auto target = rd.address(r.at("target"));
        if (!target) return target.error();
        s.references.push_back({std::string(r.at("pointer").as_string()), *target});
      }
      auto secrets = rd.slots(so, "secrets");
      auto inline_secrets = rd.slots(so, "inline_secrets");
      if (!secrets) return secrets.error();
      if (!inline_secrets) return inline_secrets.error();
      s.secrets = *secrets;
      s.inline_secrets = *inline_secrets;
      s.change.address = s.address;
      s.change.action = s.action;
      s.change.key = so.at("key").as_string();
      s.change.unchanged_fields = static_cast<std::size_t>(so.at("unchanged_fields").to_number<std::int64_t>());
      for (const auto& fv : so.at("changes").as_array()) {
        const json::object& fo = fv.as_object();
        diff::FieldChange f;
        f.pointer = fo.at("pointer").as_string();
        if (const auto* b = fo.if_contains("before")) f.before = *b;
        if (const auto* a = fo.if_contains("after")) f.after = *a;
        f.sensitive = fo.at("sensitive").as_bool();
        f.write_only = fo.at("write_only").as_bool();
        f.reorder = fo.at("reorder").as_bool();
        f.reference = fo.at("reference").as_bool();
        s.change.fields.push_back(std::move(f));
      }
      plan.steps.push_back(std::move(s));
    }
  } catch (const std::exception& e) {
    return rd.fail(std::string("malformed member (") + e.what() + ")");
  }
  return std::pair{std::move(plan), std::move(origin)};
}

core::Result<void> resolve_secrets(Plan& plan,
                                   const std::function<core::Result<std::string>(const std::string&)>& resolve) {
  for (auto& s : plan.steps) {
    for (const auto* slots : {&s.secrets, &s.inline_secrets}) {
      for (const auto& slot : *slots) {
        json::value* v = core::find_pointer(s.body, slot.pointer);
        if (v == nullptr || !v->is_object() || !v->get_object().contains("$secret")) continue;
        auto value = resolve(slot.source);
        if (!value) {
          return core::Error(core::ErrorCode::kInvalidConfig,
                             "step " + std::to_string(s.index) + " (" + s.address.to_string() +
                                 "): cannot resolve secret " + slot.source + ": " + value.error().message);
        }
        *v = json::string(*value);
      }
    }
  }
  return {};
}

}  // namespace sps::plan
