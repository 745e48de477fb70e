# Interface targets every sps target links PRIVATE: language level and warnings.
add_library(sps_settings INTERFACE)
target_compile_features(sps_settings INTERFACE cxx_std_20)
target_compile_definitions(sps_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>
  BOOST_ALLOW_DEPRECATED_HEADERS)
if(SPS_ENABLE_ASAN)
  target_compile_options(sps_settings INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(sps_settings INTERFACE -fsanitize=address)
endif()
if(SPS_ENABLE_UBSAN)
  target_compile_options(sps_settings INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined)
  target_link_options(sps_settings INTERFACE -fsanitize=undefined)
endif()

# Test code (not the code under test) is compiled at -O1 in optimised builds: GoogleTest's
# macros make a test file take half again as long to compile at -O3, for no gain. Linked
# PRIVATE by the test executables only; the libraries they test keep the build type's flags.
add_library(sps_test_code INTERFACE)
target_compile_options(sps_test_code INTERFACE $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-O1>)

add_library(sps_warnings INTERFACE)
target_compile_options(sps_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  $<$<BOOL:${SPS_WERROR}>:-Werror>
  # GCC 12 reports std::string concatenation at -O2/-O3 as overlapping memcpy, a known false
  # positive (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=105329); fixed in GCC 13.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)

# sps_module(NAME SOURCES... [DEPS ...] [PUBLIC_DEPS ...]): one static library per module.
function(sps_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE sps_settings sps_warnings)
endfunction()

# sps_unit_test(SOURCES... DEPS ...): add test sources to the single unit-test binary.
function(sps_unit_test)
  if(NOT BUILD_TESTING)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  target_sources(sps_unit_tests PRIVATE ${ARG_SOURCES})
  target_link_libraries(sps_unit_tests PRIVATE ${ARG_DEPS})
endfunction()
