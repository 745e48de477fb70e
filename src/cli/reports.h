#pragma once
// Reports written beside the command's output in one run (`plan` and `drift` with
// --report FORMAT=PATH, repeatable): one login, one read of the appliance, several files. Each
// file is written atomically (files.h) with mode 0600: plans and drift reports describe the
// appliance's configuration.
#include "core/error.h"

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sps::cli {

/// One --report FORMAT=PATH.
struct ReportRequest {
  std::string format;
  std::string path;
};

/// Parses every "FORMAT=PATH" against the formats the command writes. Fails with
/// kInvalidArgument in one line naming the argument and listing the formats (an unknown
/// format, no "=", an empty path, or two reports to the same path).
core::Result<std::vector<ReportRequest>> parse_reports(std::span<const std::string> specs,
                                                       std::span<const std::string_view> formats);

/// Writes each report: render(format) gives its text. Stops at the first file that cannot be
/// written, naming it. Reports to standard error one line per file written.
core::Result<void> write_reports(std::span<const ReportRequest> reports,
                                 const std::function<std::string(const std::string& format)>& render,
                                 std::ostream& err);

}  // namespace sps::cli
