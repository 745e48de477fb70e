#pragma once
// When and how long HttpsApplianceApi waits before resending a read. Pure functions, so
// the backoff schedule is unit-tested without sleeping. Writes are never retried; this
// module is only consulted for GETs.
#include "transport/https_client.h"

#include <chrono>

namespace sps::transport {

/// Retry limits for reads: at most max_retries resends after the first attempt.
struct RetryPolicy {
  int max_retries = 3;
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{5'000};
};

/// "Full jitter" exponential backoff: a delay uniformly spread over
/// [0, min(max_delay, base_delay * 2^attempt)], where unit is a random number in [0, 1)
/// and attempt counts from 0 for the first retry.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double unit);

/// 502, 503 and 504: a proxy or the appliance's web server says "not now", which says
/// nothing about the request itself.
bool is_retryable_status(int status);

/// Connection-level failures that may go away: connect, handshake, timeouts, broken
/// connections. DNS failures, certificate verification failures, answers over the size
/// limit and stops (a signal, the deadline) are not retried.
bool is_retryable_failure(FailureKind kind);

}  // namespace sps::transport
