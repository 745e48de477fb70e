#include "cli/views/diagnostics_view.h"

#include <boost/json.hpp>

#include <ostream>

namespace sps::cli {
namespace json = boost::json;

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[1;31m";
constexpr const char* kYellow = "\x1b[1;33m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kReset = "\x1b[0m";

const char* severity_name(core::Severity s) {
  switch (s) {
    case core::Severity::kError: return "error";
    case core::Severity::kWarning: return "warning";
    case core::Severity::kNote: return "note";
  }
  return "error";
}

const char* severity_color(core::Severity s) {
  return s == core::Severity::kError ? kRed : s == core::Severity::kWarning ? kYellow : kCyan;
}

}  // namespace

void render_diagnostics_text(const core::Diagnostics& diagnostics, std::ostream& out, bool color) {
  auto paint = [color](const char* code) { return color ? code : ""; };
  for (const auto& d : diagnostics.items()) {
    const std::string where = d.where.to_string();
    if (!where.empty()) out << paint(kBold) << where << ':' << paint(kReset) << ' ';
    out << paint(severity_color(d.severity)) << severity_name(d.severity) << ':'
        << paint(kReset) << ' ' << d.message << '\n';
    if (!d.hint.empty()) out << "  " << paint(kCyan) << "hint:" << paint(kReset) << ' ' << d.hint << '\n';
  }
}

json::array diagnostics_to_json(const core::Diagnostics& diagnostics) {
  json::array array;
  for (const auto& d : diagnostics.items()) {
    json::object o;
    o["file"] = d.where.file;
    o["line"] = d.where.line > 0 ? json::value(d.where.line) : json::value(nullptr);
    o["column"] = d.where.column > 0 ? json::value(d.where.column) : json::value(nullptr);
    o["severity"] = severity_name(d.severity);
    o["message"] = d.message;
    o["hint"] = d.hint;
    o["resource"] = d.resource;
    o["pointer"] = d.pointer;
    array.push_back(std::move(o));
  }
  return array;
}

}  // namespace sps::cli
