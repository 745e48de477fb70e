#include "transport/retry.h"

#include <algorithm>

#include <algorithm>

namespace sps::transport {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double unit) {
  // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter") spreads the
  // retries of parallel GETs so they do not hit a struggling appliance in lockstep.
  const auto cap = std::max<std::int64_t>(0, policy.max_delay.count());
  std::int64_t ceiling = std::max<std::int64_t>(0, policy.base_delay.count());
  for (int i = 0; i < attempt && ceiling < cap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, cap);
  const double clamped = std::clamp(unit, 0.0, 1.0);
  const auto delay = static_cast<std::int64_t>(clamped * static_cast<double>(ceiling));
  return std::chrono::milliseconds(std::min(delay, ceiling));
}

bool is_retryable_status(int status) { return status == 502 || status == 503 || status == 504; }

bool is_retryable_failure(FailureKind kind) {
  switch (kind) {
    case FailureKind::kConnect:
    case FailureKind::kTls:
    case FailureKind::kTimeout:
    case FailureKind::kIo: return true;
    case FailureKind::kResolve:
    case FailureKind::kTlsVerify:
    case FailureKind::kTooLarge:
    case FailureKind::kStopped: return false;
  }
  return false;
}

std::size_t read_connections(std::size_t reads, std::chrono::microseconds round_trip, int parallel) {
  const std::size_t bound = std::max<std::size_t>(1, std::min(reads, static_cast<std::size_t>(std::max(1, parallel))));
  if (round_trip.count() <= 0) return bound;
  // Exhaustively: the bound is at most --parallel (256), and the waves' count is a step
  // function that the continuous optimum sqrt(reads x round_trip / cost) misjudges.
  std::size_t best = 1;
  std::int64_t best_cost = -1;
  for (std::size_t k = 1; k <= bound; ++k) {
    const auto waves = static_cast<std::int64_t>((reads + k - 1) / k);
    const std::int64_t cost = waves * round_trip.count() + static_cast<std::int64_t>(k) * kConnectionCost.count();
    if (best_cost < 0 || cost < best_cost) {
      best = k;
      best_cost = cost;
    }
  }
  return best;
}

}  // namespace sps::transport
