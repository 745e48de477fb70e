// The Markdown plan, for a merge-request comment: what the plan is about, a summary per kind,
// the destructive changes first, then the other changes in the order they run. Every change
// is visible without expanding anything; only long values are collapsed (<details>). The
// changes of a step are a ```diff block of the text plan's lines, so the Git forge colours
// additions and removals and no value can be read as Markdown.
#include "render/render.h"

#include <map>
#include <sstream>

namespace sps::render {
using diff::Action;

namespace {

// Inline code: backticks cannot be escaped inside a code span, so they become quotes; in a
// table cell pipes are escaped (a backslash stays literal elsewhere); a newline would end the row.
std::string code(const std::string& s, bool in_table = true) {
  std::string out = "`";
  for (char c : s) {
    if (c == '|' && in_table) out += "\\|";
    else if (c == '`') out += "'";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out + "`";
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char* verb(Action a) {
  switch (a) {
    case Action::kCreate: return "create";
    case Action::kDelete: return "delete";
    default: return "update";
  }
}

void header_table(std::ostringstream& out, const plan::Plan& plan, const PlanHeader& h) {
  const auto known = [](const std::string& v, const char* otherwise) { return v.empty() ? std::string(otherwise) : code(v); };
  out << "\n| | |\n|---|---|\n"
      << "| Appliance | " << code(h.appliance_url) << " (firmware " << known(plan.firmware_version, "unknown") << ") |\n"
      << "| User | " << known(h.user, "(client certificate)") << " |\n"
      << "| Time (UTC) | " << known(h.created_at, "unknown") << " |\n"
      << "| Desired state | digest " << code(plan.desired_digest.substr(0, 12)) << ", Git revision "
      << known(h.git_revision, "unknown") << " |\n"
      << "| Plan digest | "
      << (h.plan_digest.empty() ? std::string("not saved (`plan --out FILE` saves it)")
                                : code(h.plan_digest) + " (`sps-apply apply` prints the digest of the file it applies: "
                                                        "they must be the same)")
      << " |\n";
}

void summary_table(std::ostringstream& out, const plan::Plan& plan) {
  struct Counts {
    std::size_t create = 0, update = 0, remove = 0;
  };
  std::map<std::string, Counts> by_kind;
  for (const auto& s : plan.steps) {
    Counts& c = by_kind[s.address.kind];
    if (s.action == Action::kCreate) ++c.create;
    else if (s.action == Action::kDelete) ++c.remove;
    else ++c.update;
  }
  out << "\n### Summary\n\n| kind | create | update | delete |\n|---|---:|---:|---:|\n";
  for (const auto& [kind, c] : by_kind) {
    out << "| " << code(kind) << " | " << c.create << " | " << c.update << " | " << c.remove << " |\n";
  }
  out << "| **total** | **" << plan.count(Action::kCreate) << "** | **" << plan.count(Action::kUpdate) << "** | **"
      << plan.count(Action::kDelete) << "** |\n";
}

void step_section(std::ostringstream& out, const plan::Step& s) {
  out << "\n#### Step " << s.index << ": " << verb(s.action) << ' ' << code(s.address.to_string(), false) << "\n\n"
      << code(s.method + " " + s.path, false) << "\n\n```diff\n";
  std::vector<std::string> folded;
  for (const auto& f : s.change.fields) {
    for (const auto& line : change_lines(f, s.action)) {
      out << line.symbol << ' ' << std::string(4 * line.depth, ' ') << line.text << '\n';
      folded.insert(folded.end(), line.folded.begin(), line.folded.end());
    }
  }
  out << "```\n";
  if (s.action == Action::kUpdate && s.change.unchanged_fields > 0) {
    out << "\n" << plural(s.change.unchanged_fields, "unchanged field", "unchanged fields") << " not shown.\n";
  }
  for (const auto& r : s.references) {
    out << "\n" << code(display_path(r.pointer), false) << " refers to " << code(r.target.to_string(), false)
        << ", created by an earlier step.\n";
  }
  if (!folded.empty()) {
    // Long values in full, collapsed; a fence longer than any run of backticks in them.
    out << "\n<details><summary>" << plural(folded.size(), "long value", "long values")
        << " in full</summary>\n\n````text\n";
    for (const auto& v : folded) out << v << '\n';
    out << "````\n\n</details>\n";
  }
}

}  // namespace

std::string render_plan_markdown(const plan::Plan& plan, const PlanHeader& header) {
  std::ostringstream out;
  out << "## sps-apply plan: " << plan.count(Action::kCreate) << " to create, " << plan.count(Action::kUpdate)
      << " to update, " << plan.count(Action::kDelete) << " to delete\n";
  if (!header.appliance_url.empty()) header_table(out, plan, header);
  else if (!plan.firmware_version.empty()) out << "\nAppliance firmware: `" << plan.firmware_version << "`\n";
  for (const auto& note : plan.notes) out << "\n> **Note:** " << note << "\n";
  if (plan.steps.empty()) {
    out << "\nNo changes. The appliance matches the desired state"
        << (plan.not_compared.empty() ? "" : " in every field that was compared") << " ("
        << plural(plan.no_change.size(), "resource", "resources") << " checked).\n";
  } else {
    summary_table(out, plan);
  }
  if (plan.count(Action::kDelete) > 0) {
    out << "\n### Destructive changes\n\n> **Warning:** this plan deletes " << plan.count(Action::kDelete)
        << " object(s) from the appliance. Deletes run last; their step numbers say when.\n";
    for (const auto& s : plan.steps) {
      if (s.action == Action::kDelete) step_section(out, s);
    }
  }
  if (plan.count(Action::kCreate) + plan.count(Action::kUpdate) > 0) {
    out << "\n### Changes, in the order they run\n";
    for (const auto& s : plan.steps) {
      if (s.action != Action::kDelete) step_section(out, s);
    }
  }
  if (!plan.unmanaged.empty()) {
    out << "\n### Unmanaged (left untouched)\n\n";
    for (const auto& a : plan.unmanaged) out << "- " << code(a.to_string(), false) << "\n";
  }
  if (!plan.not_compared.empty()) {
    out << "\n### Not compared: secret not available\n\n";
    for (const auto& n : plan.not_compared) {
      out << "- " << code(n.address.to_string() + " " + display_path(n.pointer), false) << " from " << code(n.source, false)
          << ": not compared: secret not available (apply reads it)\n";
    }
  }
  if (header.appliance_url.empty()) out << "\nDesired state digest: `" << plan.desired_digest.substr(0, 12) << "`\n";
  return out.str();
}

}  // namespace sps::render
