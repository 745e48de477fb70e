#pragma once
// A file compiled into the binary (schemas, the simulator's default seed); see
// cmake/EmbedFiles.cmake for how the tables are generated.
#include <span>
#include <string_view>

namespace sps {

/// One embedded file: its path relative to the embedded directory and its bytes.
struct EmbeddedFile {
  std::string_view path;
  std::string_view contents;
};

}  // namespace sps
