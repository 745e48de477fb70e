#pragma once
// When and how long HttpsApplianceApi waits before resending a read, and over how many
// connections a wave of reads goes out. Pure functions, so the backoff schedule and the
// pool size are unit-tested without sleeping or a network. Writes are never retried; this
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

/// What one more connection costs: a TLS handshake, which even resumed (TLS 1.3 psk_dhe_ke,
/// RFC 8446 section 4.2.9) makes a fresh ECDHE key exchange, about 2 M instructions on each
/// end, and the connection's own TCP and TLS round trips, which overlap those of the others.
inline constexpr std::chrono::microseconds kConnectionCost{1'000};

/// How many connections a wave of `reads` GETs uses, given the measured round trip of one
/// request (the login's) and the --parallel bound: the k that makes
/// ceil(reads / k) x round_trip + k x kConnectionCost least (the fewest on a tie). So few
/// connections on a LAN (25 reads at 0.3 ms: 3) and one per read on a WAN (25 reads at
/// 20 ms: 25). Always at least 1 and at most min(reads, parallel); an unknown round trip
/// (zero) gives min(reads, parallel).
std::size_t read_connections(std::size_t reads, std::chrono::microseconds round_trip, int parallel);

}  // namespace sps::transport
