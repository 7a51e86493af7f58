# Writes the man page: cmake -DCLOPT=path/to/clopt -DOUT=clopt.1 -P tools/man.cmake
# A sanitizer build's clopt runs here too; its leak checker has nothing to check in --man.
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0 ${CLOPT} --man
  OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${CLOPT} --man failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
