#include "render/render.h"

#include <sstream>

namespace sps::render {
using diff::Action;

namespace {

// Markdown table cells: backticks for code, pipes escaped.
std::string cell(const std::string& s) {
  std::string out = "`";
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '`') out += "'";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "`";
}

void section(std::ostringstream& out, const plan::Plan& plan, Action action, const char* title) {
  bool any = false;
  for (const auto& s : plan.steps) {
    if (s.action != action) continue;
    if (!any) out << "\n### " << title << "\n";
    any = true;
    out << "\n<details><summary>step " << s.index << ": <code>" << s.address.to_string() << "</code> ("
        << s.change.fields.size() << " field" << (s.change.fields.size() == 1 ? "" : "s")
        << ")</summary>\n\n";
    out << "`" << s.method << ' ' << s.path << "`\n\n";
    out << "| field | before | after |\n|---|---|---|\n";
    for (const auto& f : s.change.fields) {
      out << "| " << cell(display_path(f.pointer)) << (f.reorder ? " (reordered)" : "") << " | "
          << (f.before ? cell(display_value(f, false, s.action)) : "") << " | "
          << (f.after ? cell(display_value(f, true, s.action)) : "") << " |\n";
    }
    out << "\n</details>\n";
  }
}

}  // namespace

std::string render_plan_markdown(const plan::Plan& plan, std::string_view saved_digest) {
  std::ostringstream out;
  out << "## sps-apply plan: " << plan.count(Action::kCreate) << " to create, " << plan.count(Action::kUpdate)
      << " to update, " << plan.count(Action::kDelete) << " to delete\n";
  if (!plan.firmware_version.empty()) out << "\nAppliance firmware: `" << plan.firmware_version << "`\n";
  for (const auto& note : plan.notes) out << "\n> **Note:** " << note << "\n";
  if (plan.steps.empty()) {
    out << "\nNo changes. The appliance matches the desired state"
        << (plan.not_compared.empty() ? "" : " in every field that was compared") << ".\n";
  }
  if (plan.count(Action::kDelete) > 0) {
    out << "\n> **Warning:** this plan deletes " << plan.count(Action::kDelete)
        << " object(s) from the appliance. Review the deletions first.\n";
  }
  section(out, plan, Action::kDelete, "Delete");
  section(out, plan, Action::kUpdate, "Update");
  section(out, plan, Action::kCreate, "Create");
  if (!plan.unmanaged.empty()) {
    out << "\n### Unmanaged (left untouched)\n\n";
    for (const auto& a : plan.unmanaged) out << "- `" << a.to_string() << "`\n";
  }
  if (!plan.not_compared.empty()) {
    out << "\n### Not compared: secret not available\n\n";
    for (const auto& n : plan.not_compared) {
      out << "- " << cell(n.address.to_string() + " " + display_path(n.pointer)) << " from " << cell(n.source)
          << ": not compared: secret not available (apply reads it)\n";
    }
  }
  out << "\nDesired state digest: `" << plan.desired_digest.substr(0, 12) << "`\n";
  if (!saved_digest.empty()) {
    out << "\nSaved plan digest: `" << saved_digest << "` (`sps-apply apply` prints the digest of the file it "
        << "applies: they must be the same)\n";
  }
  return out.str();
}

}  // namespace sps::render
