#include "plan/plan_file.h"

#include "catalog/discover.h"
#include "core/canonical_json.h"
#include "core/json_pointer.h"
#include "core/sha256.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

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

json::value desired_json(const model::DesiredState& desired) {
  json::array resources;
  for (const auto& r : desired.resources) {
    json::array secrets;
    for (const auto& s : r.secrets) secrets.push_back(json::object{{"pointer", s.pointer}, {"source", s.description}});
    resources.push_back(json::object{{"address", address_json(r.address)}, {"body", r.body}, {"secrets", std::move(secrets)}});
  }
  json::array managed;
  for (const auto& [kind, where] : desired.settings.kind_locations) managed.push_back(json::string(kind));
  return json::object{{"resources", std::move(resources)},
                      {"managed_kinds", std::move(managed)},
                      {"prune", json::value_from(desired.settings.prune)},
                      {"ignore", json::value_from(desired.settings.ignore)}};
}

json::value live_json(const model::LiveState& live) {
  json::array resources;
  for (const auto& r : live.resources) {
    json::array preserved;
    for (const auto& [p, v] : r.preserved) preserved.push_back(json::array{json::string(p), v});
    resources.push_back(json::object{{"address", address_json(r.address)},
                                     {"key", r.key},
                                     {"builtin", r.builtin},
                                     {"body", r.body},
                                     {"preserved", std::move(preserved)}});
  }
  return json::object{{"resources", std::move(resources)},
                      {"kinds", json::value_from(live.kinds)},
                      {"missing_kinds", json::value_from(live.missing_kinds)},
                      {"order", json::value_from(live.order)}};
}

json::value kind_json(const catalog::Kind& k) {
  json::array refs;
  for (const auto& r : k.references) {
    refs.push_back(json::object{{"pointer", r.pointer}, {"target", r.target}, {"discovered_target", r.discovered_target}});
  }
  json::array secrets;
  for (const auto& sec : k.secrets) secrets.push_back(json::object{{"pointer", sec.pointer}, {"mode", mode_name(sec.mode)}});
  json::object fields;
  for (const auto& [pattern, names] : k.fields) fields[pattern] = json::value_from(names);
  const char* body = k.body == catalog::BodyType::kArray ? "array" : k.body == catalog::BodyType::kScalar ? "scalar" : "object";
  return json::object{{"path", k.path},
                      {"shape", k.is_collection() ? "collection" : "singleton"},
                      {"body", body},
                      {"identity", k.identity},
                      {"ordered", k.ordered},
                      {"references", std::move(refs)},
                      {"secrets", std::move(secrets)},
                      {"set_lists", json::value_from(k.set_lists)},
                      {"server_computed", json::value_from(k.server_computed)},
                      {"fields", std::move(fields)}};
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

  // The members below throw (Boost.JSON accessors) on a wrong shape; plan_from_file catches.
  /// Reads the "resources" array of a desired or live state: each entry's address and body,
  /// then `fill` for the rest; the addresses must be sorted and unique.
  template <typename Fill>
  core::Result<std::vector<model::Resource>> resources(const json::object& o, std::string_view which, Fill fill) const {
    std::vector<model::Resource> out;
    for (const auto& rv : o.at("resources").as_array()) {
      model::Resource r;
      auto addr = address(rv.at("address"));
      if (!addr) return addr.error();
      r.address = *addr;
      r.body = rv.at("body");
      if (auto filled = fill(rv.as_object(), r); !filled) return filled.error();
      if (!out.empty() && !(out.back().address < r.address)) {
        return fail(std::string(which) + " resources must be sorted by address, each once (" + r.address.to_string() + ")");
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  core::Result<model::DesiredState> desired(const json::value& v) const {
    model::DesiredState out;
    const json::object& o = v.as_object();
    auto resources_read = resources(o, "desired", [](const json::object& rv, model::Resource& r) -> core::Result<void> {
      for (const auto& sv : rv.at("secrets").as_array()) {
        r.secrets.push_back({std::string(sv.at("pointer").as_string()), std::string(sv.at("source").as_string())});
      }
      return {};
    });
    if (!resources_read) return resources_read.error();
    out.resources = std::move(*resources_read);
    for (const auto& k : o.at("managed_kinds").as_array()) out.settings.kind_locations[std::string(k.as_string())] = {};
    out.settings.prune = json::value_to<std::set<std::string>>(o.at("prune"));
    out.settings.ignore = json::value_to<std::vector<std::string>>(o.at("ignore"));
    return out;
  }

  core::Result<model::LiveState> live(const json::value& v) const {
    model::LiveState out;
    const json::object& o = v.as_object();
    auto resources_read = resources(o, "live", [this](const json::object& rv, model::Resource& r) -> core::Result<void> {
      r.key = rv.at("key").as_string();
      r.builtin = rv.at("builtin").as_bool();
      for (const auto& p : rv.at("preserved").as_array()) {
        const json::array& pair = p.as_array();
        if (pair.size() != 2) return fail("a preserved field must be [pointer, value]");
        r.preserved.emplace_back(std::string(pair[0].as_string()), pair[1]);
      }
      return {};
    });
    if (!resources_read) return resources_read.error();
    out.resources = std::move(*resources_read);
    out.kinds = json::value_to<std::set<std::string>>(o.at("kinds"));
    out.missing_kinds = json::value_to<std::set<std::string>>(o.at("missing_kinds"));
    out.order = json::value_to<std::map<std::string, std::vector<std::string>>>(o.at("order"));
    return out;
  }

  // Throws on a wrong shape, like the members below.
  core::Result<catalog::Kind> kind(const json::value& v) const {
    const json::object& o = v.as_object();
    catalog::Kind k;
    k.path = o.at("path").as_string();
    if (!catalog::is_configuration_path(k.path)) return fail("a discovered kind has a bad path \"" + k.path + "\"");
    k.rest_path = "/api/configuration/" + k.path;
    k.discovered = true;
    k.schema = json::object{{"description", "discovered kind " + k.path + ": derived from the appliance's answer"}};
    const std::string_view shape = o.at("shape").as_string();
    if (shape != "collection" && shape != "singleton") return fail("bad shape of discovered kind " + k.path);
    k.shape = shape == "collection" ? catalog::Shape::kCollection : catalog::Shape::kSingleton;
    const std::string_view body = o.at("body").as_string();
    k.body = body == "array" ? catalog::BodyType::kArray : body == "scalar" ? catalog::BodyType::kScalar : catalog::BodyType::kObject;
    k.identity = o.at("identity").as_string();
    k.ordered = o.at("ordered").as_bool();
    for (const auto& r : o.at("references").as_array()) {
      k.references.push_back({std::string(r.at("pointer").as_string()), std::string(r.at("target").as_string()),
                              r.at("discovered_target").as_bool()});
    }
    for (const auto& sec : o.at("secrets").as_array()) {
      auto mode = mode_from(sec.at("mode").as_string());
      if (!mode) return fail("bad secret mode in discovered kind " + k.path);
      k.secrets.push_back({std::string(sec.at("pointer").as_string()), *mode});
    }
    k.set_lists = json::value_to<std::vector<std::string>>(o.at("set_lists"));
    k.server_computed = json::value_to<std::vector<std::string>>(o.at("server_computed"));
    for (const auto& f : o.at("fields").as_object()) {
      k.fields[std::string(f.key())] = json::value_to<std::set<std::string>>(f.value());
    }
    return k;
  }

  core::Result<Step> step(const json::value& sv) const {
    const json::object& so = sv.as_object();
    Step s;
    const std::int64_t index = so.at("index").to_number<std::int64_t>();
    if (index < 1) return fail("a step index must be 1 or more");
    s.index = static_cast<std::size_t>(index);
    auto action = action_from(so.at("action").as_string());
    if (!action) return fail("unknown action in step " + std::to_string(s.index));
    s.action = *action;
    auto addr = address(so.at("address"));
    if (!addr) return addr.error();
    s.address = *addr;
    s.method = so.at("method").as_string();
    s.path = so.at("path").as_string();
    s.body = so.at("body");
    for (const auto& r : so.at("references").as_array()) {
      auto target = address(r.at("target"));
      if (!target) return target.error();
      s.references.push_back({std::string(r.at("pointer").as_string()), *target});
    }
    auto secrets = slots(so, "secrets");
    auto inline_secrets = slots(so, "inline_secrets");
    if (!secrets) return secrets.error();
    if (!inline_secrets) return inline_secrets.error();
    s.secrets = *secrets;
    s.inline_secrets = *inline_secrets;
    s.change.address = s.address;
    s.change.action = s.action;
    s.change.key = so.at("key").as_string();
    s.change.unchanged_fields = static_cast<std::size_t>(so.at("unchanged_fields").to_number<std::uint64_t>());
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
    return s;
  }
};

/// "format_version": "3.<minor>", or the format before it, "version": 2 (and not both).
bool readable_format(const json::object& o) {
  const json::value* legacy = o.if_contains("version");
  const json::value* format = o.if_contains("format_version");
  if (legacy != nullptr) return format == nullptr && legacy->is_int64() && legacy->get_int64() == kLegacyPlanFileVersion;
  if (format == nullptr || !format->is_string()) return false;
  const std::string_view v = format->get_string();
  const std::string major = std::to_string(kPlanFileMajor) + ".";
  if (!v.starts_with(major) || v.size() == major.size()) return false;
  const std::string_view minor = v.substr(major.size());
  if (minor.size() > 1 && minor.front() == '0') return false;
  return std::all_of(minor.begin(), minor.end(), [](char c) { return c >= '0' && c <= '9'; });
}

json::value placeholder(const std::string& source) { return json::object{{"$secret", source}}; }

bool is_placeholder(const json::value& v) {
  const json::object* o = v.if_object();
  return o != nullptr && o->size() == 1 && o->contains("$secret");
}

}  // namespace

model::DesiredState desired_without_secrets(const model::DesiredState& desired) {
  model::DesiredState out;
  out.settings.prune = desired.settings.prune;
  out.settings.ignore = desired.settings.ignore;
  for (const auto& [kind, where] : desired.settings.kind_locations) out.settings.kind_locations[kind] = {};
  out.resources.reserve(desired.resources.size());
  for (const auto& r : desired.resources) {
    model::Resource copy;
    copy.address = r.address;
    copy.body = r.body;
    copy.secrets = r.secrets;
    for (const auto& s : r.secrets) {
      if (json::value* v = core::find_pointer(copy.body, s.pointer)) *v = placeholder(s.description);
    }
    out.resources.push_back(std::move(copy));
  }
  return out;
}

model::LiveState live_without_secrets(const model::LiveState& live, const model::DesiredState& desired,
                                      const catalog::Catalog& catalog) {
  model::LiveState out = live;
  for (auto& r : out.resources) {
    const catalog::Kind* kind = catalog.find(r.address.kind);
    const model::Resource* want = desired.find(r.address);
    const auto mask = [&](const std::string& ptr, json::value& v) {
      if (is_masked(v)) return;
      const json::value* wanted = want != nullptr ? core::find_pointer(want->body, ptr) : nullptr;
      const bool same = wanted != nullptr && core::json_equal(*wanted, v);
      v = json::object{{"$sensitive", same ? "same" : "differs"}};
    };
    if (kind != nullptr) {
      for (const auto& spec : kind->secrets) {
        // Password-object keys are not secret; inline secrets are.
        if (spec.mode == catalog::SecretMode::kInline) core::for_each_match(r.body, spec.pointer, mask);
      }
    }
    // A !secret in a field the catalog does not mark secret is a secret all the same.
    if (want != nullptr) {
      for (const auto& s : want->secrets) {
        const catalog::SecretSpec* spec = kind != nullptr ? kind->secret_at(s.pointer) : nullptr;
        if (spec != nullptr && spec->mode != catalog::SecretMode::kInline) continue;
        if (json::value* v = core::find_pointer(r.body, s.pointer)) mask(s.pointer, *v);
      }
    }
  }
  return out;
}

bool is_masked(const json::value& v) {
  const json::object* o = v.if_object();
  return o != nullptr && o->size() == 1 && o->contains("$sensitive") && o->at("$sensitive").is_string();
}

void for_each_masked(json::value& v, const std::function<void(const std::string&, json::value&)>& fn,
                     const std::string& pointer) {
  if (is_masked(v)) {
    fn(pointer, v);
  } else if (json::object* o = v.if_object()) {
    for (auto& m : *o) for_each_masked(m.value(), fn, core::append_pointer(pointer, m.key()));
  } else if (json::array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) for_each_masked((*a)[i], fn, pointer + "/" + std::to_string(i));
  }
}

std::vector<catalog::Kind> discovered_kinds(const catalog::Catalog& catalog) {
  std::vector<catalog::Kind> out;
  for (const auto& k : catalog.kinds()) {
    if (k.discovered) out.push_back(k);
  }
  return out;
}

core::Result<catalog::Catalog> saved_catalog(const SavedPlan& saved, const catalog::Catalog& curated) {
  for (const auto& k : saved.basis.discovered) {
    if (curated.find(k.path) != nullptr) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "the saved plan is refused: it carries " + k.path + " as a discovered kind, but it has a schema",
                         "nothing was sent to the appliance; make and review a new plan with `sps-apply plan --out FILE`");
    }
  }
  auto full = curated.with_kinds(saved.basis.discovered);
  if (!full) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the saved plan is refused: its discovered kinds do not fit the catalog (" + full.error().message + ")",
                       "nothing was sent to the appliance; make and review a new plan with `sps-apply plan --out FILE`");
  }
  return full;
}

std::map<std::string, std::string> fingerprints_of(const model::LiveState& live) {
  std::map<std::string, std::string> out;
  for (const auto& r : live.resources) out[r.address.to_string()] = fingerprint(&r);
  return out;
}

json::value step_to_json(const Step& s) {
  json::value body = s.body;
  for (const auto* slots : {&s.secrets, &s.inline_secrets}) {
    for (const auto& slot : *slots) {
      if (json::value* v = core::find_pointer(body, slot.pointer)) *v = placeholder(slot.source);
    }
  }
  json::array refs;
  for (const auto& r : s.references) refs.push_back(json::object{{"pointer", r.pointer}, {"target", address_json(r.target)}});
  json::array fields;
  for (const auto& f : s.change.fields) fields.push_back(field_json(f));
  return json::object{{"index", s.index},
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
                      {"unchanged_fields", s.change.unchanged_fields}};
}

std::string content_digest(const json::value& doc) {
  if (!doc.is_object() || !doc.get_object().contains("digest")) return "sha256:" + core::sha256_hex(core::canonical_json(doc));
  json::object rest = doc.get_object();
  rest.erase("digest");
  return "sha256:" + core::sha256_hex(core::canonical_json(rest));
}

json::value plan_to_file(const Plan& plan, const PlanOrigin& origin, const PlanBasis& basis) {
  json::object doc;
  doc["kind"] = kPlanFileKind;
  doc["format_version"] = kPlanFileFormatVersion;
  doc["created_by"] = origin.tool_version;
  doc["appliance"] = origin.appliance_url;
  doc["kinds"] = json::value_from(origin.kinds);
  doc["desired_root"] = origin.desired_root;
  const auto known = [](const std::string& v) { return v.empty() ? json::value(nullptr) : json::value(v); };
  doc["context"] = json::object{{"user", known(origin.user)},
                                {"created_at", known(origin.created_at)},
                                {"git_revision", known(origin.git_revision)},
                                {"firmware_version", known(origin.firmware_version)}};
  doc["rotate_secrets"] = basis.options.rotate_secrets;
  doc["selection"] = {{"targets", json::value_from(basis.selection.targets)},
                      {"excludes", json::value_from(basis.selection.excludes)}};
  json::array discovered;
  for (const auto& k : basis.discovered) discovered.push_back(kind_json(k));
  doc["discovered_kinds"] = std::move(discovered);
  doc["desired_digest"] = plan.desired_digest;
  doc["desired"] = desired_json(basis.desired);
  doc["live"] = live_json(basis.live);
  doc["fingerprints"] = json::value_from(fingerprints_of(basis.live));
  json::array steps;
  for (const auto& s : plan.steps) steps.push_back(step_to_json(s));
  doc["steps"] = std::move(steps);
  json::array unmanaged;
  for (const auto& a : plan.unmanaged) unmanaged.push_back(address_json(a));
  doc["unmanaged"] = std::move(unmanaged);
  json::array no_change;
  for (const auto& a : plan.no_change) no_change.push_back(address_json(a));
  doc["no_change"] = std::move(no_change);
  json::value out = std::move(doc);
  out.as_object()["digest"] = content_digest(out);
  return out;
}

core::Result<SavedPlan> plan_from_file(const json::value& doc) {
  const Reader rd;
  auto root = rd.obj(doc, "the document");
  if (!root) return root.error();
  const json::object& o = **root;
  auto kind = rd.str(o, "kind");
  if (!kind || *kind != kPlanFileKind) return rd.fail("\"kind\" is not \"" + std::string(kPlanFileKind) + "\"");
  if (!readable_format(o)) {
    return rd.fail("unsupported format (this sps-apply reads format_version " + std::to_string(kPlanFileMajor) +
                   ".x and the older \"version\": " + std::to_string(kLegacyPlanFileVersion) +
                   "; plan again with this sps-apply)");
  }
  SavedPlan saved;
  auto digest = rd.str(o, "digest");
  if (!digest) return rd.fail("it has no \"digest\"");
  saved.digest = content_digest(doc);
  if (*digest != saved.digest) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the plan file's content does not match its digest: it records " + *digest +
                           ", its content hashes to " + saved.digest +
                           "; it was edited or damaged after `sps-apply plan --out` wrote it",
                       "nothing was sent to the appliance; make and review a new plan with `sps-apply plan --out FILE`");
  }
  Plan& plan = saved.plan;
  PlanOrigin& origin = saved.origin;
  auto desired_digest = rd.str(o, "desired_digest");
  auto appliance = rd.str(o, "appliance");
  auto created_by = rd.str(o, "created_by");
  auto desired_root = rd.str(o, "desired_root");
  if (!desired_digest || !appliance || !created_by || !desired_root) {
    return rd.fail("missing desired_digest, appliance, created_by or desired_root");
  }
  plan.desired_digest = *desired_digest;
  origin.appliance_url = *appliance;
  origin.tool_version = *created_by;
  origin.desired_root = *desired_root;
  // Since 3.1: who planned, when, from which revision, against which firmware.
  if (const json::value* context = o.if_contains("context"); context != nullptr && context->is_object()) {
    const auto text = [&](const char* name, std::string& out) {
      if (const json::value* v = context->get_object().if_contains(name); v != nullptr && v->is_string()) out = v->get_string();
    };
    text("user", origin.user);
    text("created_at", origin.created_at);
    text("git_revision", origin.git_revision);
    text("firmware_version", origin.firmware_version);
  }
  try {
    saved.basis.options.rotate_secrets = o.at("rotate_secrets").as_bool();
    if (const json::value* selection = o.if_contains("selection")) {
      saved.basis.selection.targets = json::value_to<std::vector<std::string>>(selection->at("targets"));
      saved.basis.selection.excludes = json::value_to<std::vector<std::string>>(selection->at("excludes"));
      for (const auto* list : {&saved.basis.selection.targets, &saved.basis.selection.excludes}) {
        for (const auto& text : *list) {
          if (auto a = parse_address(text); !a) return rd.fail("its selection holds " + a.error().message);
        }
      }
    }
    for (const auto& kv : o.at("discovered_kinds").as_array()) {
      auto k = rd.kind(kv);
      if (!k) return k.error();
      saved.basis.discovered.push_back(std::move(*k));
    }
    origin.kinds = json::value_to<std::vector<std::string>>(o.at("kinds"));
    plan.fingerprints = json::value_to<std::map<std::string, std::string>>(o.at("fingerprints"));
    auto desired = rd.desired(o.at("desired"));
    if (!desired) return desired.error();
    saved.basis.desired = std::move(*desired);
    auto live = rd.live(o.at("live"));
    if (!live) return live.error();
    saved.basis.live = std::move(*live);
    for (const auto* list : {"unmanaged", "no_change"}) {
      for (const auto& a : o.at(list).as_array()) {
        auto addr = rd.address(a);
        if (!addr) return addr.error();
        (std::string_view(list) == "unmanaged" ? plan.unmanaged : plan.no_change).push_back(*addr);
      }
    }
    for (const auto& sv : o.at("steps").as_array()) {
      auto step = rd.step(sv);
      if (!step) return step.error();
      plan.steps.push_back(std::move(*step));
    }
  } catch (const std::exception& e) {
    return rd.fail(std::string("malformed member (") + e.what() + ")");
  }
  return saved;
}

core::Result<void> resolve_secrets(Plan& plan,
                                   const std::function<core::Result<std::string>(const std::string&)>& resolve) {
  for (auto& s : plan.steps) {
    for (const auto* slots : {&s.secrets, &s.inline_secrets}) {
      for (const auto& slot : *slots) {
        json::value* v = core::find_pointer(s.body, slot.pointer);
        if (v == nullptr || !is_placeholder(*v)) continue;
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

core::Result<void> resolve_secrets(model::DesiredState& desired,
                                   const std::function<core::Result<std::string>(const std::string&)>& resolve) {
  for (auto& r : desired.resources) {
    for (const auto& s : r.secrets) {
      json::value* v = core::find_pointer(r.body, s.pointer);
      if (v == nullptr || !is_placeholder(*v)) continue;
      auto value = resolve(s.description);
      if (!value) {
        return core::Error(core::ErrorCode::kInvalidConfig, r.address.to_string() + s.pointer +
                                                                ": cannot resolve secret " + s.description + ": " +
                                                                value.error().message);
      }
      *v = json::string(*value);
    }
  }
  return {};
}

}  // namespace sps::plan
