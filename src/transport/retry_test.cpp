#include "transport/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace sps::transport {
namespace {

using std::chrono::milliseconds;

TEST(BackoffDelayTest, GrowsExponentiallyUpToTheCap) {
  const RetryPolicy policy{3, milliseconds(200), milliseconds(1000)};
  // With unit just below 1 the delay is (almost) the ceiling of each attempt.
  const std::vector<std::pair<int, milliseconds>> cases = {
      {0, milliseconds(199)}, {1, milliseconds(399)}, {2, milliseconds(799)},
      {3, milliseconds(999)}, {10, milliseconds(999)}};
  for (const auto& [attempt, expected] : cases) {
    SCOPED_TRACE(attempt);
    EXPECT_EQ(backoff_delay(policy, attempt, 0.9999), expected);
  }
}

TEST(BackoffDelayTest, JitterSpreadsOverTheWholeRange) {
  const RetryPolicy policy{3, milliseconds(200), milliseconds(5000)};
  EXPECT_EQ(backoff_delay(policy, 2, 0.0), milliseconds(0));
  EXPECT_EQ(backoff_delay(policy, 2, 0.5), milliseconds(400));
  // Out-of-range randomness is clamped rather than trusted.
  EXPECT_EQ(backoff_delay(policy, 2, 7.0), milliseconds(800));
  EXPECT_EQ(backoff_delay(policy, 2, -1.0), milliseconds(0));
}

TEST(BackoffDelayTest, ZeroBaseMeansNoWait) {
  const RetryPolicy policy{3, milliseconds(0), milliseconds(5000)};
  EXPECT_EQ(backoff_delay(policy, 5, 0.9), milliseconds(0));
}

TEST(RetryableTest, OnlyGatewayStatusesAreRetried) {
  for (int status : {502, 503, 504}) {
    EXPECT_TRUE(is_retryable_status(status)) << status;
  }
  for (int status : {200, 400, 401, 403, 404, 409, 500, 501}) {
    EXPECT_FALSE(is_retryable_status(status)) << status;
  }
}

TEST(RetryableTest, VerificationAndDnsFailuresAreFinal) {
  EXPECT_TRUE(is_retryable_failure(FailureKind::kConnect));
  EXPECT_TRUE(is_retryable_failure(FailureKind::kTimeout));
  EXPECT_TRUE(is_retryable_failure(FailureKind::kIo));
  EXPECT_FALSE(is_retryable_failure(FailureKind::kTlsVerify));
  EXPECT_FALSE(is_retryable_failure(FailureKind::kResolve));
  // An answer over the size limit would be as large again; a stop (signal, deadline) is final.
  EXPECT_FALSE(is_retryable_failure(FailureKind::kTooLarge));
  EXPECT_FALSE(is_retryable_failure(FailureKind::kStopped));
}

// Given waves of reads at LAN and WAN round trips, expect few connections on a LAN, one per
// read on a WAN, and always within [1, min(reads, --parallel)].
TEST(ReadConnectionsTest, FewOnALanOnePerReadOnAWanWithinTheBound) {
  using std::chrono::microseconds;
  EXPECT_EQ(read_connections(25, microseconds(300), 32), 3u);      // 9 waves: 2.7 + 3 ms
  EXPECT_EQ(read_connections(25, microseconds(1'000), 32), 5u);    // 5 waves: 5 + 5 ms
  EXPECT_EQ(read_connections(25, microseconds(20'000), 32), 25u);  // one wave: 20 + 25 ms
  EXPECT_EQ(read_connections(25, microseconds(100'000), 32), 25u);
  EXPECT_EQ(read_connections(25, microseconds(100'000), 4), 4u);
  EXPECT_EQ(read_connections(1000, microseconds(20'000), 256), 143u);  // 7 waves
  EXPECT_EQ(read_connections(1000, microseconds(100'000), 32), 32u);
  EXPECT_EQ(read_connections(4, microseconds(10), 32), 1u);
  EXPECT_EQ(read_connections(25, microseconds(0), 32), 25u);       // not measured: as before
  EXPECT_EQ(read_connections(0, microseconds(300), 32), 1u);
  EXPECT_EQ(read_connections(3, microseconds(300), 0), 1u);
}

}  // namespace
}  // namespace sps::transport
