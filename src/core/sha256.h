#pragma once
// SHA-256 of bytes, as lowercase hex. Used for plan digests and live-state fingerprints;
// kept here (pure C++) so the pure modules need no OpenSSL.
#include <string>
#include <string_view>

namespace sps::core {

/// Hex SHA-256 (64 lowercase characters) of data.
std::string sha256_hex(std::string_view data);

}  // namespace sps::core
