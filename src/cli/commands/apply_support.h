#pragma once
// What an apply needs besides the plan and the appliance: the values of a saved plan's
// secrets, and the wait for another administrator's configuration lock (apply.cpp).
#include "core/error.h"
#include "desired/loader.h"

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>

namespace sps::cli {

/// Resolves the secret sources of a saved plan: env:NAME from the environment, file:PATH
/// relative to the plan's desired-state root (from the current directory). A file that is
/// sps-apply's own --password-file is refused: no configuration field may hold it.
class PlanSecrets {
 public:
  PlanSecrets(std::string root, const std::string& password_file);
  core::Result<std::string> operator()(const std::string& source) const;

 private:
  std::string m_root;
  std::filesystem::path m_password_file;
  desired::SystemSecretResolver m_system;
};

/// Waits for another administrator's configuration lock, with backoff (1 s doubling to
/// 15 s) until the deadline, printing progress; false when time is up or on a signal.
class LockWaiter {
 public:
  LockWaiter(std::chrono::seconds timeout, std::ostream& err)
      : m_timeout(timeout), m_deadline(std::chrono::steady_clock::now() + timeout), m_err(err) {}

  bool operator()(int attempt);
  bool gave_up() const { return m_gave_up; }

 private:
  std::chrono::seconds m_timeout;
  std::chrono::steady_clock::time_point m_deadline;
  std::ostream& m_err;
  bool m_gave_up = false;
};

}  // namespace sps::cli
