#pragma once
// The SPS firmware versions the catalog (schemas/) was written for, shown by `--version` of
// sps-apply and sps-sim; each kind's own range is its schema's x-sps "available". A header
// of its own so that changing it recompiles only the two files that print it.
namespace sps::catalog {

inline constexpr const char* kWrittenForSps = "SPS 6.0 to 8.0 LTS (REST API Reference of SPS 7.x)";

}  // namespace sps::catalog
