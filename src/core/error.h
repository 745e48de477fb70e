#pragma once
// The one error model of sps-apply: functions that can fail return Result<T>, a
// boost::system::result<T, Error>. Exceptions from libraries are converted to Error at
// the module boundary that calls the library. Never call .value() on a Result: test it
// and use operator* / ->, or return the error upwards.
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace sps::core {

/// What kind of failure happened; decides exit codes and whether a retry may help.
enum class ErrorCode {
  kInvalidConfig,     // desired state failed validation (the user must edit the YAML)
  kInvalidArgument,   // bad command line, unreadable file given by the user
  kNotFound,          // the appliance has no such endpoint or object
  kConflict,          // configuration lock held by someone else, stale plan
  kUnauthenticated,   // 401 or bad credentials
  kPermissionDenied,  // 403
  kUnavailable,       // connect, TLS or I/O failure; a retry may help
  kTimeout,           // an operation did not finish in time
  kRejected,          // the appliance refused a well-formed request (4xx, SemanticError)
  kBadResponse,       // the appliance answered with something off-contract
  kInternal,          // a bug in sps-apply
};

/// Short stable name of an error code ("not found"), for messages.
std::string_view to_string(ErrorCode code);

/// A failure: what went wrong (message, one line) and optional detail (multi-line,
/// e.g. the appliance's own error details). Neither ever contains a secret value.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string detail;

  Error() = default;
  Error(ErrorCode c, std::string msg, std::string det = {})
      : code(c), message(std::move(msg)), detail(std::move(det)) {}
};

template <class T>
using Result = boost::system::result<T, Error>;

/// Needed by boost::system::result<T, Error>::value(); we never call it, but if someone
/// does, it throws instead of failing to compile.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

}  // namespace sps::core
