# Build information for `--version` (sps-apply and sps-sim): the Git commit of the source tree
# and the build date, taken at configure time; the configure step runs again when a commit
# moves HEAD (its reflog changes), so the commit shown is the one built. SOURCE_DATE_EPOCH,
# when set, fixes the date (reproducible builds). Only the one file that prints the version
# gets these definitions (sps_add_build_info), so a new commit recompiles one file per binary.
set(SPS_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE sps_commit RESULT_VARIABLE sps_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(sps_rc EQUAL 0)
    set(SPS_GIT_COMMIT ${sps_commit})
    execute_process(COMMAND ${GIT_EXECUTABLE} diff --quiet HEAD -- WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      RESULT_VARIABLE sps_dirty ERROR_QUIET)
    if(NOT sps_dirty EQUAL 0)
      string(APPEND SPS_GIT_COMMIT "-modified")
    endif()
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path logs/HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE sps_reflog OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(EXISTS "${sps_reflog}")
      set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${sps_reflog}")
    endif()
  endif()
endif()
string(TIMESTAMP SPS_BUILD_DATE "%Y-%m-%d" UTC)

# sps_add_build_info(SOURCE_FILE): SPS_GIT_COMMIT, SPS_BUILD_DATE and the versions of the
# libraries that have no version macro of their own as compile definitions of that file.
function(sps_add_build_info source)
  set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS
    SPS_GIT_COMMIT="${SPS_GIT_COMMIT}" SPS_BUILD_DATE="${SPS_BUILD_DATE}"
    SPS_YAML_CPP_VERSION="${yaml-cpp_VERSION}" SPS_VERSION="${PROJECT_VERSION}")
endfunction()
