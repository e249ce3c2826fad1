# Builds Rust guest plugins with rustc alone (Debian's rustc 1.63, no cargo, no crates):
# weft_rust_plugins(<target name> <output dir> <source>...) compiles sdk/rust into an rlib for
# wasm32-unknown-unknown in the calling directory's build tree, then each <source>.rs into a
# cdylib <output dir>/<source stem>.wasm linked against it. The target is part of ALL.
#
# Plugins keep their function names (the "name" section, for readable traps) and lose the
# DWARF that the prebuilt standard library would otherwise bring (megabytes).
set(WEFT_RUST_SDK_DIR ${CMAKE_CURRENT_LIST_DIR}/.. CACHE INTERNAL "sdk/rust")

function(weft_rust_plugins target out_dir)
  file(GLOB sdk_sources CONFIGURE_DEPENDS ${WEFT_RUST_SDK_DIR}/src/*.rs)
  set(triple wasm32-unknown-unknown)
  set(rlib ${CMAKE_CURRENT_BINARY_DIR}/rust-sdk/libweft_sdk.rlib)
  set(common --edition 2021 --target ${triple} -O -D warnings)
  add_custom_command(OUTPUT ${rlib}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/rust-sdk
    COMMAND ${WEFT_GUEST_RUSTC} ${common} --crate-type rlib --crate-name weft_sdk
            ${WEFT_RUST_SDK_DIR}/src/lib.rs -o ${rlib}
    DEPENDS ${sdk_sources}
    COMMENT "rustc ${triple}: sdk/rust (weft_sdk rlib)" VERBATIM)
  set(outputs)
  foreach(source IN LISTS ARGN)
    get_filename_component(name ${source} NAME_WE)
    add_custom_command(OUTPUT ${out_dir}/${name}.wasm
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND ${WEFT_GUEST_RUSTC} ${common} --crate-type cdylib --crate-name ${name}
              -C strip=debuginfo --extern weft_sdk=${rlib}
              ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${out_dir}/${name}.wasm
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${rlib}
      COMMENT "rustc ${triple}: ${source}" VERBATIM)
    list(APPEND outputs ${out_dir}/${name}.wasm)
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${outputs})
endfunction()
