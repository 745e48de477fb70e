// The Markdown drift report, for a ticket or a merge-request comment: the drift itself
// first (what someone must act on), then what was ignored or cannot be compared.
#include "drift/drift.h"
#include "drift/render_support.h"

#include "render/render.h"

#include <sstream>

namespace sps::drift {

namespace {

/// Table cells: "|" would end the cell and a newline the row; backticks would end the code
/// span, so values are shown in code spans with those characters replaced.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string code(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '`') c = '\'';
  }
  return "`" + cell(s) + "`";
}

std::string where_cell(const core::SourceLocation& where) {
  const std::string s = where.to_string();
  return s.empty() ? "" : code(s);
}

}  // namespace

std::string render_drift_markdown(const DriftReport& report) {
  std::ostringstream out;
  out << "## sps-apply drift" << (report.appliance.empty() ? "" : " on " + code(report.appliance)) << "\n\n";
  out << (report.has_drift() ? "**Drift detected.** " : "**In sync.** ") << cell(summary_line(report)) << "\n";

  bool header = false;
  for (const auto& r : report.resources) {
    if (!r.is_drift()) continue;
    if (!header) {
      out << "\n### Drift\n\n| resource | finding | field | Git | appliance | YAML |\n|---|---|---|---|---|---|\n";
      header = true;
    }
    if (r.changed.empty()) {
      out << "| " << code(r.address.to_string()) << " | " << cell(status_text(r)) << " | | | | " << where_cell(r.where)
          << " |\n";
    }
    for (const auto& f : r.changed) {
      out << "| " << code(r.address.to_string()) << " | changed | " << code(render::display_path(f.field.pointer))
          << " | " << code(value_text(f.field, true)) << " | " << code(value_text(f.field, false)) << " | "
          << where_cell(f.where) << " |\n";
    }
  }

  header = false;
  for (const auto& r : report.resources) {
    if (r.status != Status::kIgnored && r.ignored.empty()) continue;
    if (!header) {
      out << "\n### Ignored\n\n| resource | field | rule |\n|---|---|---|\n";
      header = true;
    }
    if (r.status == Status::kIgnored && !r.ignored_by.empty()) {
      out << "| " << code(r.address.to_string()) << " | (whole resource) | " << code(r.ignored_by) << " |\n";
    }
    for (const auto& f : r.ignored) {
      out << "| " << code(r.address.to_string()) << " | " << code(field_line(f)) << " | " << code(f.ignored_by) << " |\n";
    }
  }

  header = false;
  for (const auto& r : report.resources) {
    for (const auto& f : r.unknowable) {
      if (!header) {
        out << "\n### Unknowable\n\nThese fields cannot be compared.\n\n| resource | field | why | YAML |\n"
               "|---|---|---|---|\n";
        header = true;
      }
      out << "| " << code(r.address.to_string()) << " | " << code(render::display_path(f.field.pointer)) << " | "
          << cell(unknowable_text(f)) << " | " << where_cell(f.where) << " |\n";
    }
  }

  header = false;
  for (const auto& r : report.resources) {
    if (r.status != Status::kUnmanaged || r.pruned) continue;
    if (!header) {
      out << "\n### Unmanaged (left alone)\n\nOn the appliance but not in Git; their collections are not pruned.\n\n";
      header = true;
    }
    out << "- " << code(r.address.to_string()) << "\n";
  }
  return out.str();
}

}  // namespace sps::drift
