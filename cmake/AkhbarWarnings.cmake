add_library(akhbar_build_flags INTERFACE)
target_compile_options(akhbar_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports std::string concatenation at -O2/-O3 as overlapping memcpy
# (GCC bug 105329), a false positive that would otherwise fail Release builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(akhbar_build_flags INTERFACE -Wno-restrict)
endif()
if(AKHBAR_WERROR)
  target_compile_options(akhbar_build_flags INTERFACE -Werror)
endif()
if(AKHBAR_SANITIZE)
  target_compile_options(akhbar_build_flags INTERFACE -fsanitize=address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(akhbar_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(AKHBAR_FUZZ)
  # The project's code is compiled with libFuzzer's coverage instrumentation
  # (but without its main, which only the fuzz targets link) and checked by
  # the same sanitizers as the targets themselves.
  target_compile_options(akhbar_build_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(akhbar_build_flags INTERFACE -fsanitize=address,undefined)
endif()
