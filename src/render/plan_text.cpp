#include "render/render.h"

#include <boost/json.hpp>

#include <sstream>

namespace sps::render {
namespace json = boost::json;
using diff::Action;

namespace {

const char* kGreen = "\x1b[32m";
const char* kYellow = "\x1b[33m";
const char* kRed = "\x1b[31m";
const char* kBold = "\x1b[1m";
const char* kReset = "\x1b[0m";

char symbol(Action a) {
  switch (a) {
    case Action::kCreate: return '+';
    case Action::kDelete: return '-';
    default: return '~';
  }
}

std::string headline(const plan::Step& s) {
  switch (s.action) {
    case Action::kCreate: return "will be created";
    case Action::kDelete: return "will be deleted";
    default: return "will be updated in place";
  }
}

void write_field(std::ostringstream& out, bool color, const plan::Step& s, const diff::FieldChange& f) {
  for (const auto& line : change_lines(f, s.action)) {
    out << std::string(6 + 4 * line.depth, ' ');
    if (line.symbol != ' ') out << paint(color, style_of(line.symbol), std::string(1, line.symbol)) << ' ';
    out << line.text << '\n';
  }
}

/// The header block: what the plan is about.
void write_header(std::ostringstream& out, const plan::Plan& plan, const PlanHeader& h) {
  const auto known = [](const std::string& v, const char* otherwise) { return v.empty() ? std::string(otherwise) : v; };
  out << "Appliance:     " << h.appliance_url << " (firmware " << known(plan.firmware_version, "unknown") << ")\n"
      << "User:          " << known(h.user, "(client certificate)") << '\n'
      << "Time:          " << known(h.created_at, "unknown") << '\n'
      << "Desired state: digest " << plan.desired_digest.substr(0, 12) << ", Git revision "
      << known(h.git_revision, "unknown") << '\n'
      << "Plan digest:   " << known(h.plan_digest, "not saved (plan --out FILE saves it)") << '\n';
}

}  // namespace

Style style_of(char symbol) {
  return symbol == '+' ? Style::kAdd : symbol == '-' ? Style::kRemove : Style::kChange;
}

std::string paint(bool color, Style style, std::string_view text) {
  if (!color) return std::string(text);
  const char* code = kYellow;
  switch (style) {
    case Style::kAdd: code = kGreen; break;
    case Style::kRemove: code = kRed; break;
    case Style::kChange: code = kYellow; break;
    case Style::kBold: code = kBold; break;
    case Style::kNote: code = kYellow; break;
  }
  return std::string(code) + std::string(text) + kReset;
}


std::string render_plan_text(const plan::Plan& plan, const TextOptions& options, const PlanHeader& header) {
  const bool color = options.color;
  std::ostringstream out;
  if (!header.appliance_url.empty()) write_header(out, plan, header);
  else if (!plan.firmware_version.empty()) out << "Appliance firmware: " << plan.firmware_version << '\n';
  for (const auto& note : plan.notes) out << paint(color, Style::kNote, "Note:") << ' ' << note << '\n';
  if (!header.appliance_url.empty() || !plan.firmware_version.empty() || !plan.notes.empty()) out << '\n';
  if (plan.steps.empty()) {
    out << paint(color, Style::kAdd, "No changes.") << " The appliance matches the desired state"
        << (plan.not_compared.empty() ? "" : " in every field that was compared") << " ("
        << plan.no_change.size() << (plan.no_change.size() == 1 ? " resource" : " resources") << " checked).\n";
  } else {
    out << "sps-apply will perform the following actions, in this order, in one transaction:\n";
    for (const auto& s : plan.steps) {
      const char sym = symbol(s.action);
      out << "\n  " << paint(color, Style::kBold, "# " + s.address.to_string()) << ' ' << headline(s) << '\n';
      out << "  # step " << s.index << ": " << s.method << ' ' << s.path << '\n';
      out << "  " << paint(color, style_of(sym), std::string(1, sym)) << ' ' << s.address.to_string() << '\n';
      for (const auto& f : s.change.fields) write_field(out, color, s, f);
      if (s.action == Action::kUpdate && s.change.unchanged_fields > 0) {
        out << "        (" << s.change.unchanged_fields << " unchanged field"
            << (s.change.unchanged_fields == 1 ? "" : "s") << " hidden)\n";
      }
      for (const auto& r : s.references) {
        out << "        (" << display_path(r.pointer) << " refers to " << r.target.to_string()
            << ", created by an earlier step)\n";
      }
    }
  }
  if (!plan.unmanaged.empty()) {
    out << "\nUnmanaged (on the appliance, not in the desired state; left untouched):\n";
    for (const auto& a : plan.unmanaged) out << "  " << a.to_string() << '\n';
  }
  if (!plan.not_compared.empty()) {
    out << "\nNot compared (the secret's value was not available to this run; apply reads it):\n";
    for (const auto& n : plan.not_compared) {
      out << "  " << n.address.to_string() << ' ' << display_path(n.pointer)
          << ": not compared: secret not available (" << n.source << ")\n";
    }
  }
  out << "\n"
      << paint(color, Style::kBold, "Plan:") << ' ' << plan.count(Action::kCreate) << " to create, "
      << plan.count(Action::kUpdate) << " to update, " << plan.count(Action::kDelete) << " to delete.";
  if (!plan.not_compared.empty()) {
    out << ' ' << plan.not_compared.size() << " secret field" << (plan.not_compared.size() == 1 ? "" : "s")
        << " not compared: secret not available.";
  }
  out << '\n';
  return out.str();
}

json::value plan_to_json(const plan::Plan& plan, const PlanHeader& header) {
  json::object doc;
  doc["format_version"] = kFormatVersion;
  if (!header.appliance_url.empty()) {
    // The same header as text and Markdown; unknown members are null.
    const auto known = [](const std::string& v) { return v.empty() ? json::value(nullptr) : json::value(v); };
    doc["header"] = json::object{{"appliance", header.appliance_url},
                                 {"firmware_version", known(plan.firmware_version)},
                                 {"user", known(header.user)},
                                 {"created_at", known(header.created_at)},
                                 {"git_revision", known(header.git_revision)},
                                 {"desired_digest", plan.desired_digest},
                                 {"plan_digest", known(header.plan_digest)}};
  }
  doc["desired_digest"] = plan.desired_digest;
  doc["summary"] = {{"create", plan.count(Action::kCreate)},
                    {"update", plan.count(Action::kUpdate)},
                    {"delete", plan.count(Action::kDelete)},
                    {"unchanged", plan.no_change.size()},
                    {"unmanaged", plan.unmanaged.size()}};
  // Only present when a secret was not available, so plans made with secrets keep their shape.
  if (!plan.not_compared.empty()) doc["summary"].as_object()["not_compared"] = plan.not_compared.size();
  if (!plan.firmware_version.empty()) doc["firmware_version"] = plan.firmware_version;
  if (!plan.notes.empty()) doc["notes"] = json::value_from(plan.notes);
  json::array steps;
  for (const auto& s : plan.steps) {
    json::object o;
    o["index"] = s.index;
    o["address"] = s.address.to_string();
    o["kind"] = s.address.kind;
    if (!s.address.name.empty()) o["name"] = s.address.name;
    o["action"] = diff::to_string(s.action);
    o["method"] = s.method;
    o["path"] = s.path;
    json::array fields;
    for (const auto& f : s.change.fields) fields.push_back(field_to_json(f, s.action));
    o["changes"] = std::move(fields);
    if (s.action == Action::kUpdate) o["unchanged_fields"] = s.change.unchanged_fields;
    json::array depends;
    for (const auto& r : s.references) depends.push_back(json::string(r.target.to_string()));
    if (!depends.empty()) o["depends_on"] = std::move(depends);
    steps.push_back(std::move(o));
  }
  doc["steps"] = std::move(steps);
  json::array unmanaged;
  for (const auto& a : plan.unmanaged) unmanaged.push_back(json::string(a.to_string()));
  doc["unmanaged"] = std::move(unmanaged);
  if (!plan.not_compared.empty()) {
    json::array not_compared;
    for (const auto& n : plan.not_compared) {
      not_compared.push_back({{"address", n.address.to_string()},
                              {"pointer", n.pointer},
                              {"source", n.source},
                              {"reason", "secret not available"}});
    }
    doc["not_compared"] = std::move(not_compared);
  }
  return doc;
}

std::string render_plan_json(const plan::Plan& plan, const PlanHeader& header) {
  return pretty_json(plan_to_json(plan, header));
}

}  // namespace sps::render
