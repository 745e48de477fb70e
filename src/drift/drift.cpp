#include "drift/drift.h"

#include "core/json_pointer.h"

#include <algorithm>

namespace sps::drift {

namespace {

/// The first rule that covers (address, pointer), or nullptr.
const IgnoreRule* find_rule(std::span<const IgnoreRule> rules, const model::Address& address,
                            std::string_view pointer) {
  for (const auto& r : rules) {
    if (r.matches(address, pointer)) return &r;
  }
  return nullptr;
}

core::SourceLocation kind_location(const model::DesiredState& desired, const std::string& kind, bool pruned) {
  const auto& table = pruned ? desired.settings.prune_locations : desired.settings.kind_locations;
  if (auto it = table.find(kind); it != table.end()) return it->second;
  if (auto it = desired.settings.kind_locations.find(kind); it != desired.settings.kind_locations.end()) {
    return it->second;
  }
  return {};
}

/// Write-only secrets the desired resource declares that are set on the appliance too and
/// were not reported as a change: the appliance never returns their values, so whether they
/// still agree is unknowable.
std::vector<FieldFinding> unknowable_fields(const catalog::Kind& kind, const model::Resource& desired,
                                            const model::Resource& live, const diff::Change& change) {
  std::vector<FieldFinding> out;
  for (const auto& s : kind.secrets) {
    if (s.mode == catalog::SecretMode::kInline) continue;
    core::for_each_match(desired.body, s.pointer, [&](const std::string& ptr, const boost::json::value&) {
      if (core::find_pointer(live.body, ptr) == nullptr) return;
      const bool reported = std::any_of(change.fields.begin(), change.fields.end(),
                                        [&](const diff::FieldChange& f) { return f.pointer == ptr; });
      if (reported) return;
      FieldFinding f;
      f.field.pointer = ptr;
      f.field.sensitive = true;
      f.field.write_only = true;
      f.where = desired.location_of(ptr);
      out.push_back(std::move(f));
    });
  }
  return out;
}

}  // namespace

std::string_view to_string(Status s) {
  switch (s) {
    case Status::kInSync: return "in-sync";
    case Status::kChanged: return "changed";
    case Status::kMissing: return "missing";
    case Status::kUnmanaged: return "unmanaged";
    case Status::kIgnored: return "ignored";
  }
  return "in-sync";
}

bool ResourceReport::is_drift() const {
  return status == Status::kChanged || status == Status::kMissing || (status == Status::kUnmanaged && pruned);
}

bool DriftReport::has_drift() const {
  return std::any_of(resources.begin(), resources.end(), [](const ResourceReport& r) { return r.is_drift(); });
}

Summary DriftReport::summary() const {
  Summary s;
  for (const auto& r : resources) {
    switch (r.status) {
      case Status::kInSync: ++s.in_sync; break;
      case Status::kChanged: ++s.changed; break;
      case Status::kMissing: ++s.missing; break;
      case Status::kUnmanaged:
        ++s.unmanaged;
        if (r.pruned) ++s.would_delete;
        break;
      case Status::kIgnored: ++s.ignored; break;
    }
    if (r.status != Status::kIgnored) s.ignored += r.ignored.size();
    s.unknowable += r.unknowable.size();
  }
  return s;
}

DriftReport build_report(const diff::ChangeSet& changes, const model::DesiredState& desired,
                         const model::LiveState& live, const catalog::Catalog& catalog,
                         std::span<const IgnoreRule> rules) {
  DriftReport report;
  for (const auto& r : rules) report.rules.push_back(r.text);

  for (const auto& c : changes.changes) {
    ResourceReport rr;
    rr.address = c.address;
    const model::Resource* want = desired.find(c.address);
    const model::Resource* have = live.find(c.address);
    const IgnoreRule* whole = find_rule(rules, c.address, "");
    if (whole != nullptr) rr.ignored_by = whole->text;

    if (c.action == diff::Action::kDelete) {
      rr.status = Status::kUnmanaged;
      rr.pruned = true;
      rr.where = kind_location(desired, c.address.kind, true);
    } else if (c.action == diff::Action::kCreate) {
      rr.status = Status::kMissing;
      rr.where = c.where;
    } else {
      rr.where = c.where;
      for (const auto& f : c.fields) {
        FieldFinding ff{f, want ? want->location_of(f.pointer) : c.where, {}};
        if (const IgnoreRule* rule = find_rule(rules, c.address, f.pointer); rule != nullptr) {
          ff.ignored_by = rule->text;
          rr.ignored.push_back(std::move(ff));
        } else {
          rr.changed.push_back(std::move(ff));
        }
      }
      rr.status = !rr.changed.empty() ? Status::kChanged : !rr.ignored.empty() ? Status::kIgnored : Status::kInSync;
      const catalog::Kind* kind = catalog.find(c.address.kind);
      if (kind != nullptr && want != nullptr && have != nullptr) rr.unknowable = unknowable_fields(*kind, *want, *have, c);
      // Inline secrets whose value this run did not have (a drift job holds no secrets).
      for (const auto& pointer : c.not_compared) {
        FieldFinding f;
        f.field.pointer = pointer;
        f.field.sensitive = true;
        f.where = want != nullptr ? want->location_of(pointer) : c.where;
        rr.unknowable.push_back(std::move(f));
      }
    }
    if (whole != nullptr) rr.status = Status::kIgnored;
    report.resources.push_back(std::move(rr));
  }

  for (const auto& a : changes.unmanaged) {
    const model::Resource* have = live.find(a);
    if (have != nullptr && have->builtin) continue;  // never managed, never deleted
    ResourceReport rr;
    rr.address = a;
    rr.status = Status::kUnmanaged;
    rr.where = kind_location(desired, a.kind, false);
    if (const IgnoreRule* whole = find_rule(rules, a, ""); whole != nullptr) {
      rr.ignored_by = whole->text;
      rr.status = Status::kIgnored;
    }
    report.resources.push_back(std::move(rr));
  }
  std::sort(report.resources.begin(), report.resources.end(),
            [](const ResourceReport& x, const ResourceReport& y) { return x.address < y.address; });
  return report;
}

}  // namespace sps::drift
