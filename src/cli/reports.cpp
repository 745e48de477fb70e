#include "cli/reports.h"

#include "cli/files.h"

#include <algorithm>
#include <ostream>
#include <set>

namespace sps::cli {

core::Result<std::vector<ReportRequest>> parse_reports(std::span<const std::string> specs,
                                                       std::span<const std::string_view> formats) {
  std::string listed;
  for (const auto& f : formats) listed += (listed.empty() ? "" : ", ") + std::string(f);
  std::vector<ReportRequest> out;
  std::set<std::string> paths;
  for (const auto& spec : specs) {
    const std::size_t eq = spec.find('=');
    const std::string format = spec.substr(0, eq == std::string::npos ? spec.size() : eq);
    const auto fail = [&](const std::string& what) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "--report " + spec + ": " + what + "; write --report FORMAT=PATH with FORMAT one of " + listed);
    };
    if (eq == std::string::npos) return fail("no \"=\" between the format and the path");
    if (std::find(formats.begin(), formats.end(), format) == formats.end()) return fail("unknown format \"" + format + "\"");
    const std::string path = spec.substr(eq + 1);
    if (path.empty()) return fail("no path");
    if (!paths.insert(path).second) return fail("another --report writes " + path);
    out.push_back({format, path});
  }
  return out;
}

core::Result<void> write_reports(std::span<const ReportRequest> reports,
                                 const std::function<std::string(const std::string& format)>& render,
                                 std::ostream& err) {
  for (const auto& r : reports) {
    if (auto written = write_file_atomic(r.path, render(r.format), /*owner_only=*/true); !written) return written;
    err << "Wrote the " << r.format << " report to " << r.path << ".\n";
  }
  return {};
}

}  // namespace sps::cli
