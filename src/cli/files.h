#pragma once
// Writing output files (saved plans, drift reports, exported YAML) so that a reader never
// sees half a file: the text goes to "<path>.tmp", which is then renamed over path.
#include "core/error.h"

#include <filesystem>
#include <string_view>

namespace sps::cli {

/// Writes text to path atomically. owner_only makes the file mode 0600 (saved plans describe
/// the appliance's configuration). Fails with kInvalidArgument naming the path and the reason.
core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view text,
                                     bool owner_only = false);

}  // namespace sps::cli
