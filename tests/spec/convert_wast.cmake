# Converts one .wast with wast2json (run by tests/spec/CMakeLists.txt as `cmake -P`).
#
#   cmake -DWAST2JSON=... -DWAST=.../i32.wast -DOUT_DIR=.../spec/i32 -DNAME=i32 -P convert_wast.cmake
#
# Writes OUT_DIR/NAME.json and the module files beside it. When wast2json is missing or fails,
# it writes a json with a "conversion_error" instead, which the runner reports as a failure of
# that file: the build goes on, and the failure shows in the spec test rather than silently.
file(REMOVE_RECURSE "${OUT_DIR}")  # no stale .wasm files of an earlier conversion
file(MAKE_DIRECTORY "${OUT_DIR}")

set(error "")
if(NOT WAST2JSON OR NOT EXISTS "${WAST2JSON}")
  set(error "wast2json was not found when the build was configured (install wabt)")
else()
  execute_process(
    COMMAND "${WAST2JSON}" "${WAST}" -o "${OUT_DIR}/${NAME}.json"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    set(error "wast2json exited with ${rc}: ${err}${out}")
  elseif(NOT EXISTS "${OUT_DIR}/${NAME}.json")
    set(error "wast2json wrote no ${NAME}.json")
  endif()
endif()

if(error)
  message(WARNING "spec: converting ${WAST} failed: ${error}")
  string(REPLACE "\\" "\\\\" escaped "${error}")
  string(REPLACE "\"" "\\\"" escaped "${escaped}")
  string(REPLACE "\n" "\\n" escaped "${escaped}")
  string(REPLACE "\r" "\\r" escaped "${escaped}")
  string(REPLACE "\t" "\\t" escaped "${escaped}")
  string(REPLACE "\\" "\\\\" wast_escaped "${WAST}")
  string(REPLACE "\"" "\\\"" wast_escaped "${wast_escaped}")
  file(WRITE "${OUT_DIR}/${NAME}.json"
       "{\"source_filename\": \"${wast_escaped}\",\n \"conversion_error\": \"${escaped}\",\n \"commands\": []}\n")
endif()
