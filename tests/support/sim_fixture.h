#pragma once
// GoogleTest support for tests that talk to an in-process sps-sim over real TLS on loopback.
// SimFixture starts a fresh simulator on 127.0.0.1 port 0 before each test (default seed,
// admin/admin, fixed RNG seed) and stops and joins it after. The CA certificate is written
// to a per-test temporary file, so clients verify the server as they would in production.
#include "sim/sim.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace sps::testing {

/// Fixture: sim() is running for the whole test; url() and ca_file() reach it.
/// Override sim_options() to change users, seed, timeouts or faults before start.
class SimFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Options used by SetUp(); ca_out is filled in by the fixture.
  virtual sim::Options sim_options() const;

  sim::Simulator& sim() { return *m_sim; }
  /// "https://127.0.0.1:<port>"
  std::string url() const { return m_sim->url(); }
  /// Path of a PEM file holding the simulator's CA certificate.
  std::string ca_file() const { return m_ca_file.string(); }
  /// A per-test temporary directory (removed in TearDown).
  const std::filesystem::path& temp_dir() const { return m_temp_dir; }

  /// Stops the running simulator and starts a new one with options (ca_out is replaced);
  /// url() and ca_file() change accordingly. Fails the test on error.
  void restart_sim(sim::Options options);

 private:
  std::unique_ptr<sim::Simulator> m_sim;
  std::filesystem::path m_temp_dir;
  std::filesystem::path m_ca_file;
};

}  // namespace sps::testing
