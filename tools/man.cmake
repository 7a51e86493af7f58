# Writes the man page: cmake -DCLOPT=path/to/clopt -DOUT=clopt.1 -P tools/man.cmake
execute_process(COMMAND ${CLOPT} --man OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${CLOPT} --man failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
