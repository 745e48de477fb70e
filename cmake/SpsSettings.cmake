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
  target_compile_options(sps_settings INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined
    # clang 14's -fsanitize=function (part of "undefined"; GCC has no such check) emits prologue
    # data its own assembler rejects for Asio's inline functions in COMDAT sections ("Cannot
    # represent a difference across sections"); the other checks stay.
    $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
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

# sps_add_gtests(TARGET [TIMEOUT seconds] [SHARDS n]): registers a GoogleTest binary with CTest.
# By default every test is a CTest test of its own (gtest_discover_tests), which names a
# failure precisely. With SPS_TEST_SHARDS=ON the binary runs as n processes instead, each one
# GoogleTest shard (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX): the sanitizer build does this,
# because starting an ASan binary costs about half a second, paid per shard instead of per test.
option(SPS_TEST_SHARDS "Run each GoogleTest binary as a few shard processes, not a process per test" OFF)
function(sps_add_gtests target)
  cmake_parse_arguments(ARG "" "TIMEOUT;SHARDS" "" ${ARGN})
  if(NOT SPS_TEST_SHARDS)
    if(ARG_TIMEOUT)
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${ARG_TIMEOUT})
    else()
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60)
    endif()
    return()
  endif()
  if(NOT ARG_SHARDS)
    set(ARG_SHARDS 1)
  endif()
  math(EXPR last "${ARG_SHARDS} - 1")
  foreach(i RANGE 0 ${last})
    add_test(NAME ${target}.shard${i} COMMAND ${target} --gtest_brief=1)
    set_tests_properties(${target}.shard${i} PROPERTIES TIMEOUT 900
      ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${i}")
  endforeach()
endfunction()
