# sps_embed_files(TARGET <lib> NAMESPACE <ns> FUNCTION <fn> BASE <dir> FILES <f>...)
# Generates a C++ source that holds the files' bytes and a function
#   std::span<const sps::EmbeddedFile> <ns>::<fn>();
# returning {relative path, contents} for each file, sorted by path. Re-runs when a file changes.
set(SPS_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files_script.cmake)

function(sps_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;FUNCTION;BASE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_FUNCTION}_embedded.cpp)
  list(SORT ARG_FILES)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} -DFUNCTION=${ARG_FUNCTION}
            -DBASE=${ARG_BASE} "-DFILES=${ARG_FILES}" -P ${SPS_EMBED_SCRIPT}
    DEPENDS ${ARG_FILES} ${SPS_EMBED_SCRIPT}
    COMMENT "Embedding ${ARG_FUNCTION} (${ARG_TARGET})"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
