#include "cli/files.h"

#include <fstream>

#include <sys/stat.h>

namespace sps::cli {

core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view text, bool owner_only) {
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return core::Error(core::ErrorCode::kInvalidArgument, "cannot write " + path.string(),
                         "check that the directory exists and is writable");
    }
    // Restrict before writing, so the content is never readable by others, not even briefly.
    if (owner_only) ::chmod(temp.c_str(), S_IRUSR | S_IWUSR);
    out << text;
    if (!out.flush()) {
      return core::Error(core::ErrorCode::kInvalidArgument, "cannot write " + path.string(),
                         "check that the disk is not full and the directory is writable");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return core::Error(core::ErrorCode::kInvalidArgument, "cannot write " + path.string(), ec.message());
  return {};
}

}  // namespace sps::cli
