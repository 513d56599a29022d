add_library(akhbar_build_flags INTERFACE)
target_compile_options(akhbar_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(AKHBAR_WERROR)
  target_compile_options(akhbar_build_flags INTERFACE -Werror)
endif()
if(AKHBAR_SANITIZE)
  target_compile_options(akhbar_build_flags INTERFACE -fsanitize=address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(akhbar_build_flags INTERFACE -fsanitize=address,undefined)
endif()
