// Text and shared wording of drift reports. Every value goes through value_text(), which
// defers to render::display_value, so secrets are masked in every format the same way.
#include "drift/drift.h"
#include "drift/render_support.h"

#include "render/render.h"

#include <sstream>

namespace sps::drift {

std::string value_text(const diff::FieldChange& f, bool desired) {
  const auto& v = desired ? f.after : f.before;
  // A write-only secret is never shown, not even as "will rotate": drift does not plan.
  if (f.write_only) return v ? "(write-only)" : "(not set)";
  return render::display_value(f, desired, diff::Action::kUpdate);
}

std::string field_line(const FieldFinding& f) {
  // A list compared element by element: its summary; the elements follow (write_elements).
  if (!f.field.elements.empty()) return render::change_lines(f.field, diff::Action::kUpdate).front().text;
  return render::display_path(f.field.pointer) + ": git " + render::fold_value(value_text(f.field, true)) +
         ", appliance " + render::fold_value(value_text(f.field, false));
}

std::string status_text(const ResourceReport& r) {
  switch (r.status) {
    case Status::kChanged: return "changed on the appliance";
    case Status::kMissing: return "missing on the appliance (in Git only)";
    case Status::kUnmanaged:
      return r.pruned ? "unmanaged in a pruned collection: apply would delete it"
                      : "unmanaged (on the appliance only; apply leaves it alone)";
    case Status::kIgnored: return "ignored";
    case Status::kInSync: return "in sync";
  }
  return "in sync";
}

std::string summary_line(const DriftReport& report) {
  const Summary s = report.summary();
  std::ostringstream out;
  if (report.has_drift()) {
    out << "Drift: " << s.changed << " changed, " << s.missing << " missing, " << s.would_delete
        << " unmanaged that apply would delete.";
  } else {
    out << "No drift: the appliance matches the desired state.";
  }
  out << " (" << s.in_sync << " in sync, " << s.ignored << " ignored, " << s.unknowable << " unknowable, "
      << s.unmanaged - s.would_delete << " unmanaged left alone)";
  return out.str();
}

std::string render_drift_summary(const DriftReport& report) { return summary_line(report); }

std::string unknowable_text(const FieldFinding& f) {
  if (!f.field.write_only) return "secret not available to this run, so it was not compared";
  return "write-only secret: the appliance never returns it, so it cannot be compared";
}

namespace {

/// The element lines of a list field (depth 1 and below of render::change_lines), indented
/// under the field's line.
void write_elements(std::ostringstream& out, const FieldFinding& f, bool color) {
  if (f.field.elements.empty()) return;
  const auto lines = render::change_lines(f.field, diff::Action::kUpdate);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    out << std::string(4 + 4 * lines[i].depth, ' ');
    if (lines[i].symbol != ' ') {
      out << render::paint(color, render::style_of(lines[i].symbol), std::string(1, lines[i].symbol)) << ' ';
    }
    out << lines[i].text << '\n';
  }
}

}  // namespace

std::string render_drift_text(const DriftReport& report, bool color) {
  std::ostringstream out;
  auto at = [](const core::SourceLocation& where) {
    const std::string s = where.to_string();
    return s.empty() ? std::string() : "  (" + s + ")";
  };
  bool any = false;
  for (const auto& r : report.resources) {
    if (r.status == Status::kInSync || r.status == Status::kIgnored) continue;
    const char* mark = r.status == Status::kChanged ? "~" : r.status == Status::kMissing ? "+" : r.pruned ? "-" : "?";
    out << render::paint(color, render::style_of(mark[0]), mark) << " "
        << render::paint(color, render::Style::kBold, r.address.to_string()) << ": " << status_text(r) << at(r.where)
        << "\n";
    for (const auto& f : r.changed) {
      out << "    " << field_line(f) << at(f.where) << "\n";
      write_elements(out, f, color);
    }
    any = true;
  }
  bool header = false;
  for (const auto& r : report.resources) {
    if (r.status != Status::kIgnored && r.ignored.empty()) continue;
    if (!header) out << (any ? "\n" : "") << "Ignored (matched an ignore rule, not drift):\n";
    header = true;
    if (r.status == Status::kIgnored && !r.ignored_by.empty()) {
      out << "  " << r.address.to_string() << " by rule \"" << r.ignored_by << "\"\n";
    }
    for (const auto& f : r.ignored) {
      out << "  " << r.address.to_string() << " " << field_line(f) << " by rule \"" << f.ignored_by << "\"\n";
    }
  }
  any = any || header;
  header = false;
  for (const auto& r : report.resources) {
    for (const auto& f : r.unknowable) {
      if (!header) out << (any ? "\n" : "") << "Unknowable (cannot be compared):\n";
      header = true;
      out << "  " << r.address.to_string() << " " << render::display_path(f.field.pointer) << ": "
          << unknowable_text(f) << at(f.where) << "\n";
    }
  }
  if (any || header) out << "\n";
  out << render::paint(color, report.has_drift() ? render::Style::kRemove : render::Style::kAdd, summary_line(report))
      << "\n";
  return out.str();
}

}  // namespace sps::drift
