#include "core/sha256.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace sps::core {
namespace {

// Given the FIPS 180-2 test vectors, expect the published digests.
TEST(Sha256Test, MatchesPublishedVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Given the same bytes fed whole, in uneven pieces, and compressed by both implementations
// (the processor's SHA extensions where it has them, and the portable code), expect one digest.
TEST(Sha256Test, IncrementalAndProcessorPathsAgreeWithTheWholeDigest) {
  std::mt19937 gen(7);
  std::string data(64 * 37 + 13, '\0');
  for (auto& c : data) c = static_cast<char>(gen());
  const std::string whole = sha256_hex(data);
  for (std::size_t piece : {1u, 7u, 63u, 64u, 65u, 1000u}) {
    Sha256 h;
    for (std::size_t at = 0; at < data.size(); at += piece) h.update(std::string_view(data).substr(at, piece));
    EXPECT_EQ(h.hex_digest(), whole) << "pieces of " << piece;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  const std::array<std::uint32_t, 8> init = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (std::size_t blocks : {1u, 2u, 37u}) {
    auto portable = init;
    auto dispatched = init;
    detail::sha256_compress_portable(portable, bytes, blocks);
    detail::sha256_compress(dispatched, bytes, blocks);
    EXPECT_EQ(portable, dispatched) << blocks << " blocks, SHA extensions used: "
                                    << detail::sha256_uses_cpu_extensions();
  }
#if defined(__x86_64__) && defined(__linux__)
  // The run-time choice agrees with what the kernel says the processor has.
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line) && !line.starts_with("flags")) {
  }
  if (!line.empty()) {
    const auto has = [&line](const std::string& flag) {
      return (line + ' ').find(' ' + flag + ' ') != std::string::npos;
    };
    EXPECT_EQ(detail::sha256_uses_cpu_extensions(), has("sha_ni") && has("sse4_1") && has("ssse3")) << line;
  }
#endif
}

}  // namespace
}  // namespace sps::core
