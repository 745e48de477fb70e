#include "cli/commands/apply_support.h"

#include "cli/connection.h"
#include "plan/plan_check.h"

#include <algorithm>
#include <thread>

namespace sps::cli {

PlanSecrets::PlanSecrets(std::string root, const std::string& password_file) : m_root(std::move(root)) {
  std::error_code ec;
  if (!password_file.empty()) m_password_file = std::filesystem::weakly_canonical(password_file, ec);
}

core::Result<std::string> PlanSecrets::operator()(const std::string& source) const {
  if (auto ok = plan::check_secret_source(source); !ok) return ok.error();
  if (source.rfind("env:", 0) == 0) {
    if (auto v = m_system.env(source.substr(4))) return *v;
    return core::Error(core::ErrorCode::kInvalidConfig, "environment variable " + source.substr(4) +
                                                            " is not set; export it in the job that applies the plan");
  }
  const std::filesystem::path file = std::filesystem::path(m_root) / source.substr(5);
  std::error_code ec;
  if (!m_password_file.empty() && std::filesystem::weakly_canonical(file, ec) == m_password_file) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       file.generic_string() + " is sps-apply's --password-file, which no configuration field may hold");
  }
  auto content = m_system.read_file(file);
  if (!content) {
    return core::Error(content.error().code, "cannot read " + file.generic_string() + " (" + content.error().message +
                                                 "); file: secrets of a saved plan are relative to its desired-state "
                                                 "directory " + m_root + ": apply from the top of the checkout");
  }
  std::string value = std::move(*content);
  // Like the YAML loader: a final newline is never part of the secret.
  if (value.ends_with('\n')) value.pop_back();
  if (value.ends_with('\r')) value.pop_back();
  return value;
}

bool LockWaiter::operator()(int attempt) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  if (now >= m_deadline) {
    m_gave_up = true;
    return false;
  }
  const auto left = duration_cast<milliseconds>(m_deadline - now);
  const milliseconds backoff = std::min(milliseconds(15'000), milliseconds(1'000 * (1 << std::min(attempt - 1, 4))));
  const milliseconds wait = std::min(backoff, left);
  m_err << "sps-apply: the configuration is locked by another administrator; retrying in "
        << duration_cast<duration<double>>(wait).count() << " s (giving up in "
        << duration_cast<seconds>(left).count() << " s, --lock-timeout " << m_timeout.count() << "s)\n";
  // Sleep in small steps so that Ctrl-C is not delayed by a long wait.
  const auto until = now + wait;
  while (steady_clock::now() < until) {
    if (stop_requested()) return false;
    std::this_thread::sleep_for(std::min(milliseconds(50), duration_cast<milliseconds>(until - steady_clock::now())));
  }
  return true;
}

}  // namespace sps::cli
