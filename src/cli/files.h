#pragma once
// Writing output files (saved plans, drift reports, exported YAML) so that a reader never
// sees half a file and nothing planted beside the target is followed: the text goes to a
// new temporary file created exclusively (mkstemp) in the target's directory, is flushed to
// disk, and the temporary file is renamed over path.
#include "core/error.h"

#include <filesystem>
#include <string_view>

namespace sps::cli {

/// Writes text to path atomically. owner_only makes the file mode 0600: saved plans, plan and
/// drift reports (--report, --output, --fleet-report, report merge --output) and fleet plan
/// indexes describe the appliance's configuration. Otherwise 0666 minus the umask, as for any
/// new file: export's YAML, which is meant for Git and holds no secret value. A
/// symlink at path is replaced, not followed. Fails with kInvalidArgument naming the path
/// and the reason; the temporary file is removed on every failure.
core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view text,
                                     bool owner_only = false);

/// Appends text to the regular file at path, creating it with mode 0600 when missing. A
/// symlink, FIFO or device at path is refused (O_NOFOLLOW, fstat), never written through.
/// Fails with kInvalidArgument naming the path and the reason.
core::Result<void> append_to_file(const std::filesystem::path& path, std::string_view text);

}  // namespace sps::cli
