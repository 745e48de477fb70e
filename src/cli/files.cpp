#include "cli/files.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sps::cli {
namespace {

core::Error cannot_write(const std::filesystem::path& path, const std::string& why) {
  return core::Error(core::ErrorCode::kInvalidArgument, "cannot write " + path.string(), why);
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view text, bool owner_only) {
  // mkstemp creates a new file with O_EXCL and mode 0600 under a random name, so neither a
  // file nor a symlink planted at a predictable "<path>.tmp" can be written through. Same
  // directory as the target, so the rename below stays on one file system (atomic).
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
  std::string temp = (directory / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return cannot_write(path, std::string(std::strerror(errno)) + "; check that the directory exists and is writable");
  }
  std::string failure;
  if (!owner_only) {
    // What open(..., 0666) would have given: mkstemp's 0600 minus nothing, widened by the umask.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, static_cast<mode_t>(0666 & ~mask)) != 0) failure = std::strerror(errno);
  }
  if (failure.empty() && !write_all(fd, text)) {
    failure = std::string(std::strerror(errno)) + "; check that the disk is not full";
  }
  // fsync before rename: after a crash the path holds the old or the new text, never an empty file.
  if (failure.empty() && ::fsync(fd) != 0) failure = std::strerror(errno);
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
  if (failure.empty() && ::rename(temp.c_str(), path.c_str()) != 0) failure = std::strerror(errno);
  if (!failure.empty()) {
    ::unlink(temp.c_str());
    return cannot_write(path, failure);
  }
  return {};
}

core::Result<void> append_to_file(const std::filesystem::path& path, std::string_view text) {
  // O_NONBLOCK: a FIFO planted at path must not block the open; it is refused below.
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    return cannot_write(path, error == ELOOP ? "it is a symbolic link; give the file itself" : std::strerror(error));
  }
  std::string failure;
  struct stat st {};
  if (::fstat(fd, &st) != 0) failure = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) failure = "not a regular file";
  if (failure.empty() && !write_all(fd, text)) failure = std::strerror(errno);
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
  if (!failure.empty()) return cannot_write(path, failure);
  return {};
}

}  // namespace sps::cli
