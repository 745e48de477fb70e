#include "desired/read_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sps::desired {
namespace {

core::Error fail(std::string message) { return core::Error(core::ErrorCode::kInvalidArgument, std::move(message)); }

const char* file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// Closes a descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

}  // namespace

std::string describe_size(std::uintmax_t bytes) {
  if (bytes >= (std::uintmax_t{1} << 20) && bytes % (std::uintmax_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";  // exact: "64 KiB" would hide that 64 KiB + 1 is over
}

core::Result<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It has
  // no effect on the reads of a regular file, the only kind read below.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return fail("no such file");
    if (error == EACCES || error == EPERM) return fail("permission denied");
    return fail(std::strerror(error));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    return fail(std::string(file_type(st.st_mode)) + ", expected a regular file");
  }
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes) {
    return fail("is " + describe_size(size) + ", more than the limit of " + describe_size(max_bytes));
  }
  // The file may grow between fstat and read: read at most one byte past the limit, so a
  // file that grew is refused instead of read without bound.
  std::string text;
  text.resize(static_cast<std::size_t>(size) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() > max_bytes) break;
      text.resize(std::min<std::uintmax_t>(max_bytes + 1, text.size() * 2));
    }
    const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(std::strerror(errno));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return fail("grew past the limit of " + describe_size(max_bytes) + " while being read");
  text.resize(used);
  return text;
}

namespace {

/// Lists one directory and, depth first, its subdirectories (see find_yaml_files).
class YamlFinder {
 public:
  core::Result<void> visit(const std::filesystem::path& dir, int depth) {
    std::error_code ec;
    if (depth > kMaxDirectoryDepth) {
      return fail(dir.generic_string() + ": directories nested more than " + std::to_string(kMaxDirectoryDepth) +
                  " deep; keep the desired state in a flatter tree");
    }
    // A directory reached twice through symlinks would be read twice, or forever.
    const std::filesystem::path real = std::filesystem::canonical(dir, ec);
    if (ec) return fail(dir.generic_string() + ": cannot read this directory: " + ec.message());
    if (!m_seen.insert(real).second) {
      return fail(dir.generic_string() + ": this directory is reached twice (a symlink loop, or two links to it); "
                                          "keep each desired-state file in one place");
    }
    std::vector<std::filesystem::path> subdirectories;
    std::filesystem::directory_iterator it(dir, ec);
    for (const std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec)) {
      if (++m_entries > kMaxDirectoryEntries) {
        return fail(dir.generic_string() + ": more than " + std::to_string(kMaxDirectoryEntries) +
                    " entries in the desired-state tree; point sps-apply at the directory of the desired state only");
      }
      const std::filesystem::path& path = it->path();
      // Hidden files and directories (.git, .gitlab-ci.yml, .yamllint.yml) belong to other
      // tools, not to the desired state; Terraform skips them in a configuration directory too.
      if (path.filename().string().starts_with(".")) continue;
      std::error_code type_ec;
      const bool directory = it->is_directory(type_ec);  // follows symlinks
      if (directory) {
        subdirectories.push_back(path);
        continue;
      }
      const auto ext = path.extension();
      if (ext == ".yaml" || ext == ".yml") files.push_back(path);
    }
    if (ec) return fail(dir.generic_string() + ": cannot read this directory: " + ec.message());
    std::sort(subdirectories.begin(), subdirectories.end());
    for (const auto& sub : subdirectories) {
      if (auto r = visit(sub, depth + 1); !r) return r;
    }
    return {};
  }

  std::vector<std::filesystem::path> files;

 private:
  std::set<std::filesystem::path> m_seen;
  std::size_t m_entries = 0;
};

}  // namespace

core::Result<std::vector<std::filesystem::path>> find_yaml_files(const std::filesystem::path& dir) {
  YamlFinder finder;
  if (auto r = finder.visit(dir, 0); !r) return r.error();
  std::sort(finder.files.begin(), finder.files.end());
  return std::move(finder.files);
}

}  // namespace sps::desired
