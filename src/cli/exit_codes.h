#pragma once
// The process exit codes of sps-apply. Every code a command can return is defined here, and
// only here, and listed in --help (kExitCodeTable).
#include <array>
#include <string_view>

namespace sps::cli {

inline constexpr int kExitOk = 0;       // success; for plan/drift: no changes, in sync
inline constexpr int kExitError = 1;    // invalid input, usage error, or a failure (appliance unchanged)
inline constexpr int kExitChanges = 2;  // plan --detailed-exitcode: changes pending; drift: drift found
/// apply: the appliance changed but not as planned, or the outcome is unknown (the commit got
/// no conclusive answer, or the verification found differences or could not read back).
inline constexpr int kExitAttention = 3;

/// One documented exit code, as shown in --help.
struct ExitCodeDoc {
  int code;
  std::string_view meaning;
};

inline constexpr std::array<ExitCodeDoc, 4> kExitCodeTable{{
    {kExitOk, "success (validate: valid; plan/drift: no changes)"},
    {kExitError, "error: invalid desired state, bad usage, or a failure; the appliance is unchanged"},
    {kExitChanges, "plan --detailed-exitcode: changes pending; drift: drift detected"},
    {kExitAttention, "apply: the appliance changed but not as planned, or the outcome is unknown "
                     "(commit unanswered, verification found differences): a person must look"},
}};

}  // namespace sps::cli
