// `sps-apply --version`: cheap (no schema is parsed or compiled), for bug reports.
#include "cli/cli.h"

#include "catalog/written_for.h"
#include "transport/https_appliance_api.h"

#include <CLI/Version.hpp>
#include <boost/version.hpp>

#include <string>

#if !defined(SPS_GIT_COMMIT) || !defined(SPS_BUILD_DATE) || !defined(SPS_YAML_CPP_VERSION) || !defined(SPS_VERSION)
#error "the build defines SPS_GIT_COMMIT, SPS_BUILD_DATE, SPS_YAML_CPP_VERSION and SPS_VERSION (cmake/BuildInfo.cmake)"
#endif

namespace sps::cli {

std::string version_text() {
  const std::string boost = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
                            "." + std::to_string(BOOST_VERSION % 100);
  return std::string("sps-apply ") + SPS_VERSION + "\n" +
         "git commit:  " + SPS_GIT_COMMIT + "\n" +
         "built:       " + SPS_BUILD_DATE + "\n" +
         "libraries:   " + transport::tls_library_version() + ", Boost " + boost + ", yaml-cpp " +
         SPS_YAML_CPP_VERSION + ", CLI11 " + CLI11_VERSION + "\n" +
         "written for: " + catalog::kWrittenForSps;
}

}  // namespace sps::cli
