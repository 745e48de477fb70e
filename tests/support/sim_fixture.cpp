#include "support/sim_fixture.h"

#include <atomic>
#include <unistd.h>

namespace sps::testing {

namespace {

std::filesystem::path make_temp_dir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "sps-sim-test-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++);
  if (info != nullptr) name += std::string("-") + info->name();
  auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

sim::Options SimFixture::sim_options() const {
  sim::Options options;
  options.rng_seed = 42;  // deterministic keys and session ids
  return options;
}

void SimFixture::SetUp() {
  m_temp_dir = make_temp_dir();
  restart_sim(sim_options());
}

void SimFixture::restart_sim(sim::Options options) {
  if (m_sim) m_sim->stop();
  static std::atomic<int> generation{0};
  m_ca_file = m_temp_dir / ("ca-" + std::to_string(generation++) + ".pem");
  options.ca_out = m_ca_file.string();
  m_sim = std::make_unique<sim::Simulator>(std::move(options));
  auto started = m_sim->start();
  ASSERT_TRUE(started) << started.error().message << " " << started.error().detail;
}

void SimFixture::TearDown() {
  if (m_sim) m_sim->stop();
  m_sim.reset();
  std::error_code ignored;
  std::filesystem::remove_all(m_temp_dir, ignored);
}

}  // namespace sps::testing
