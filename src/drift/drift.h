#pragma once
// Drift reports: what changed on the appliance behind Git's back, classified for people and
// pipelines. Pure: build_report() turns the change set of a planning run (apply::plan_against)
// into a DriftReport, and the render_* functions turn a report into text, JSON, Markdown or
// JUnit XML. No I/O, deterministic output (resources sorted by address).
//
// Each managed resource gets one status:
//   in-sync    desired and live agree (write-only secrets may still be unknowable, see below)
//   changed    fields differ; each field carries the live value ("appliance") and the desired
//              value ("git"), both masked when secret (render::display_value)
//   missing    in Git, not on the appliance
//   unmanaged  on the appliance, not in Git. In a collection listed under `sps-apply: prune:`
//              apply would delete it, so it is drift; elsewhere it is only reported
//   ignored    every difference matched an ignore rule, or a rule names the whole resource
// Findings that are never drift: ignored fields (with the rule that matched) and unknowable
// fields, i.e. write-only secrets (password and private-key objects) set on both sides,
// whose values the appliance never returns, so they cannot be compared.
//
// Ignore rules come from --ignore and from the desired state's `sps-apply: ignore:` list:
//   kind[name]/json/pointer   one field (and everything under it) of one collection item
//   kind/json/pointer         that field of the singleton, or of every item of a collection
//   kind[name]                the whole item;  kind  alone: every resource of the kind
// A "*" token in the pointer matches any one token ("/listen/*/https_port").
// Built-in objects the desired state does not mention are left out of the report: sps-apply
// never manages or deletes them.
#include "catalog/catalog.h"
#include "core/diagnostics.h"
#include "diff/diff.h"
#include "model/ignore_rule.h"
#include "model/model.h"

#include <boost/json/value.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sps::drift {

/// format_version of the JSON drift report (schemas/output/README.md).
inline constexpr const char* kDriftReportVersion = "1.1";  // 1.1: list element changes

/// Ignore rules are parsed by the model (the desired state's settings hold them too).
using model::IgnoreRule;
using model::parse_ignore_rule;

enum class Status { kInSync, kChanged, kMissing, kUnmanaged, kIgnored };

/// "in-sync", "changed", "missing", "unmanaged", "ignored".
std::string_view to_string(Status s);

/// One field of a resource in the report.
struct FieldFinding {
  diff::FieldChange field;     // before = live (appliance), after = desired (Git)
  core::SourceLocation where;  // the field in the YAML (nearest located ancestor)
  std::string ignored_by;      // the rule text, for ignored fields
};

/// One resource in the report.
struct ResourceReport {
  model::Address address;
  Status status = Status::kInSync;
  bool pruned = false;         // unmanaged in a pruned collection: apply would delete it
  core::SourceLocation where;  // the resource in the YAML; for unmanaged: its collection's key
  std::string ignored_by;      // the rule that covers the whole resource, if any
  std::vector<FieldFinding> changed;     // differences that are drift
  std::vector<FieldFinding> ignored;     // differences matched by an ignore rule
  std::vector<FieldFinding> unknowable;  // write-only secrets that cannot be compared

  /// Whether this resource is drift (changed, missing, or unmanaged in a pruned collection).
  bool is_drift() const;
  /// Whether the desired state manages it (everything but unmanaged items outside prune).
  bool is_managed() const { return status != Status::kUnmanaged || pruned; }
};

/// Counts by classification. changed/missing/unmanaged count resources; ignored counts
/// ignored resources plus ignored fields of other resources; unknowable counts fields.
struct Summary {
  std::size_t changed = 0;
  std::size_t missing = 0;
  std::size_t unmanaged = 0;       // all unmanaged resources
  std::size_t would_delete = 0;    // of which in pruned collections (drift)
  std::size_t ignored = 0;
  std::size_t unknowable = 0;
  std::size_t in_sync = 0;
};

/// The whole drift report of one run.
struct DriftReport {
  std::string appliance;                  // URL, for headings; may be empty
  std::vector<ResourceReport> resources;  // sorted by address
  std::vector<std::string> rules;         // ignore rules in force, as written

  bool has_drift() const;
  Summary summary() const;
};

/// Classifies a change set (desired vs live) into a report. rules are already parsed
/// (parse_ignore_rule); desired gives YAML locations, prune settings and which write-only
/// secrets are declared; live tells built-in objects apart.
DriftReport build_report(const diff::ChangeSet& changes, const model::DesiredState& desired,
                         const model::LiveState& live, const catalog::Catalog& catalog,
                         std::span<const IgnoreRule> rules);

/// One line: the counts, and whether there is drift ("Drift: 1 changed, ..." or "No drift: ...").
std::string render_drift_summary(const DriftReport& report);
/// Human-readable report, like a plan: one block per finding, summary line last. A list
/// compared element by element shows its differing elements below the field ("+" in Git
/// only, "-" on the appliance only). color: the plan's ANSI palette (render::paint).
std::string render_drift_text(const DriftReport& report, bool color = false);
/// Versioned JSON (render::kFormatVersion); secrets masked. Field values are named
/// "appliance" (live) and "git" (desired).
boost::json::value drift_to_json(const DriftReport& report);
std::string render_drift_json(const DriftReport& report);
/// Markdown for a ticket or merge request: drift first, then ignored and unknowable findings.
std::string render_drift_markdown(const DriftReport& report);
/// JUnit XML: one <testsuite> per kind, one <testcase> per managed resource (classname =
/// kind, name = address); <failure> with the field diff when drifted, <skipped/> when ignored.
std::string render_drift_junit(const DriftReport& report);

/// Escapes text for XML attribute values and character data (&, <, >, ", ', and control
/// characters XML 1.0 cannot hold, which become U+FFFD).
std::string xml_escape(std::string_view text);

}  // namespace sps::drift
