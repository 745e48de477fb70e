#pragma once
// SHA-256 of bytes, as lowercase hex. Used for plan digests and live-state fingerprints;
// kept here (pure C++) so the pure modules need no OpenSSL. Where the processor has the SHA
// extensions (x86-64 SHA-NI, checked once at run time) the blocks are compressed with them,
// about ten times faster than the portable code, which runs everywhere else.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sps::core {

/// Hex SHA-256 (64 lowercase characters) of data.
std::string sha256_hex(std::string_view data);

/// Incremental SHA-256: the digest of the concatenation of every update(), without holding
/// the whole text (a desired state's canonical text is hashed as it is written).
class Sha256 {
 public:
  void update(std::string_view data);
  /// The hex digest; the hasher must not be updated afterwards.
  std::string hex_digest();

 private:
  std::array<std::uint32_t, 8> m_state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> m_block{};
  std::size_t m_used = 0;  // bytes of m_block filled
  std::uint64_t m_length = 0;
};

namespace detail {
/// Compresses `blocks` 64-byte blocks into state with the portable code (for tests that
/// compare it with the SHA-NI path).
void sha256_compress_portable(std::array<std::uint32_t, 8>& state, const unsigned char* data, std::size_t blocks);
/// The same with whichever implementation this processor runs.
void sha256_compress(std::array<std::uint32_t, 8>& state, const unsigned char* data, std::size_t blocks);
/// Whether sha256_compress uses the processor's SHA extensions.
bool sha256_uses_cpu_extensions();
}  // namespace detail

}  // namespace sps::core
