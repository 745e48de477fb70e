// The JUnit XML drift report, in the common format Jenkins and GitLab read
// (testsuites/testsuite/testcase/failure/skipped; tests/drift/junit.xsd describes it):
// one <testsuite> per kind, one <testcase> per managed resource, so a CI server shows
// each drifted resource as a failed test pointing at its YAML file and line.
#include "drift/drift.h"
#include "drift/render_support.h"

#include "render/render.h"

#include <map>
#include <sstream>

namespace sps::drift {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 cannot hold control characters other than tab, newline and carriage
        // return, not even as character references: replace them.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

namespace {

/// The one-line failure message: what drifted, field by field.
std::string failure_message(const ResourceReport& r) {
  std::string msg = r.address.to_string() + " " + status_text(r);
  for (const auto& f : r.changed) msg += "; " + field_line(f);
  return msg;
}

/// The failure body: the same with the YAML location of each finding, one per line.
std::string failure_body(const ResourceReport& r) {
  std::ostringstream out;
  const std::string where = r.where.to_string();
  out << r.address.to_string() << ": " << status_text(r) << (where.empty() ? "" : " (" + where + ")") << "\n";
  for (const auto& f : r.changed) {
    const std::string at = f.where.to_string();
    out << "  " << field_line(f) << (at.empty() ? "" : " (" + at + ")") << "\n";
  }
  return out.str();
}

void write_case(std::ostringstream& out, const ResourceReport& r) {
  out << "    <testcase name=\"" << xml_escape(r.address.to_string()) << "\" classname=\"" << xml_escape(r.address.kind)
      << "\" time=\"0\"";
  if (!r.where.file.empty()) {
    out << " file=\"" << xml_escape(r.where.file) << "\"";
    if (r.where.line > 0) out << " line=\"" << r.where.line << "\"";
  }
  if (r.is_drift()) {
    out << ">\n      <failure message=\"" << xml_escape(failure_message(r)) << "\" type=\"" << to_string(r.status)
        << "\">" << xml_escape(failure_body(r)) << "</failure>\n    </testcase>\n";
  } else if (r.status == Status::kIgnored) {
    std::string why = "ignored by rule \"" + (r.ignored_by.empty() && !r.ignored.empty() ? r.ignored.front().ignored_by
                                                                                          : r.ignored_by) + "\"";
    out << ">\n      <skipped message=\"" << xml_escape(why) << "\"/>\n    </testcase>\n";
  } else {
    out << "/>\n";
  }
}

}  // namespace

std::string render_drift_junit(const DriftReport& report) {
  std::map<std::string, std::vector<const ResourceReport*>> by_kind;
  for (const auto& r : report.resources) {
    if (r.is_managed()) by_kind[r.address.kind].push_back(&r);
  }
  std::size_t tests = 0, failures = 0, skipped = 0;
  for (const auto& [kind, list] : by_kind) {
    for (const auto* r : list) {
      ++tests;
      if (r->is_drift()) ++failures;
      else if (r->status == Status::kIgnored) ++skipped;
    }
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"sps-apply drift\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"0\">\n";
  for (const auto& [kind, list] : by_kind) {
    std::size_t f = 0, s = 0;
    for (const auto* r : list) {
      if (r->is_drift()) ++f;
      else if (r->status == Status::kIgnored) ++s;
    }
    out << "  <testsuite name=\"" << xml_escape(kind) << "\" tests=\"" << list.size() << "\" failures=\"" << f
        << "\" errors=\"0\" skipped=\"" << s << "\" time=\"0\">\n";
    for (const auto* r : list) write_case(out, *r);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace sps::drift
