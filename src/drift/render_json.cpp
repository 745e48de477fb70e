// The JSON drift report (schemas/output/drift.schema.json), versioned by kDriftReportVersion:
// minor versions only add members (schemas/output/README.md). Field values are named "git" and "appliance" rather than
// before/after, because drift has no direction: neither side is "the change".
#include "drift/drift.h"
#include "drift/render_support.h"

#include "render/render.h"

#include <boost/json.hpp>

namespace sps::drift {
namespace json = boost::json;

namespace {

json::value location_json(const core::SourceLocation& where) {
  if (where.file.empty()) return nullptr;
  return json::object{{"file", where.file}, {"line", where.line}, {"column", where.column}};
}

json::value field_json(const FieldFinding& f) {
  json::object o = render::field_to_json(f.field, diff::Action::kUpdate).as_object();
  // Rename through value_text for write-only secrets, so no key or plaintext is ever printed.
  auto rename = [&](const char* from, const char* to, bool desired) {
    if (auto* v = o.if_contains(from)) {
      json::value moved = f.field.write_only ? json::value(value_text(f.field, desired)) : *v;
      o.erase(from);
      o[to] = std::move(moved);
    }
  };
  rename("after", "git", true);
  rename("before", "appliance", false);
  o["location"] = location_json(f.where);
  if (!f.ignored_by.empty()) o["ignored_by"] = f.ignored_by;
  return o;
}

json::array fields_json(const std::vector<FieldFinding>& fields) {
  json::array a;
  for (const auto& f : fields) a.push_back(field_json(f));
  return a;
}

}  // namespace

json::value drift_to_json(const DriftReport& report) {
  const Summary s = report.summary();
  json::object out;
  out["format_version"] = kDriftReportVersion;
  out["appliance"] = report.appliance;
  out["drift"] = report.has_drift();
  out["summary"] = json::object{{"changed", s.changed},       {"missing", s.missing},
                                {"unmanaged", s.unmanaged},   {"would_delete", s.would_delete},
                                {"ignored", s.ignored},       {"unknowable", s.unknowable},
                                {"in_sync", s.in_sync}};
  json::array rules;
  for (const auto& r : report.rules) rules.push_back(json::value(r));
  out["ignore_rules"] = std::move(rules);
  json::array resources;
  for (const auto& r : report.resources) {
    json::object o;
    o["address"] = r.address.to_string();
    o["kind"] = r.address.kind;
    o["name"] = r.address.name;
    o["status"] = to_string(r.status);
    o["drift"] = r.is_drift();
    if (r.status == Status::kUnmanaged || r.pruned) o["would_delete"] = r.pruned;
    o["location"] = location_json(r.where);
    if (!r.ignored_by.empty()) o["ignored_by"] = r.ignored_by;
    o["changed"] = fields_json(r.changed);
    o["ignored"] = fields_json(r.ignored);
    json::array unknowable;
    for (const auto& f : r.unknowable) {
      json::value v = field_json(f);
      v.as_object()["reason"] = f.field.write_only ? "write-only" : "secret not available";
      unknowable.push_back(std::move(v));
    }
    o["unknowable"] = std::move(unknowable);
    resources.push_back(std::move(o));
  }
  out["resources"] = std::move(resources);
  return out;
}

std::string render_drift_json(const DriftReport& report) { return render::pretty_json(drift_to_json(report)); }

}  // namespace sps::drift
