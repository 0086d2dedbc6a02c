# gen_man.cmake - man pages and shell completions from the built binary:
# `cgate man CMD` turns each command's own --help into roff, and
# `cgate completion SHELL` reads the commands' getopt tables, so help, man
# pages and completion cannot drift apart.  Run by the build (CMakeLists.txt):
#   cmake -DCGATE=path/to/cgate -DOUT=build-dir -P gen_man.cmake
file(MAKE_DIRECTORY ${OUT}/man ${OUT}/completions)
set(pages cgate sbom db scan lint policy eval test keygen push pull sign verify attest verify-attestation serve
          run audit)
foreach(p IN LISTS pages)
  if(p STREQUAL "cgate")
    set(file ${OUT}/man/cgate.1)
  else()
    set(file ${OUT}/man/cgate-${p}.1)
  endif()
  execute_process(COMMAND ${CGATE} man ${p} OUTPUT_FILE ${file}.tmp RESULT_VARIABLE rc WORKING_DIRECTORY ${OUT}/man)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cgate man ${p} failed (${rc})")
  endif()
  file(RENAME ${file}.tmp ${file})
endforeach()
foreach(sh bash zsh fish)
  set(names_bash cgate)
  set(names_zsh _cgate)
  set(names_fish cgate.fish)
  set(file ${OUT}/completions/${names_${sh}})
  execute_process(COMMAND ${CGATE} completion ${sh} OUTPUT_FILE ${file}.tmp RESULT_VARIABLE rc
                  WORKING_DIRECTORY ${OUT}/completions)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cgate completion ${sh} failed (${rc})")
  endif()
  file(RENAME ${file}.tmp ${file})
endforeach()
