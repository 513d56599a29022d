# Helpers that keep each target's declaration to a few lines.

# akhbar_proto_library(NAME proto_article PROTOS a.proto b.proto [DEPS other_proto]
#                      [ROOT dir])
# Generates message and gRPC code into the build tree only. ROOT is the import
# root of the protos (default: the project's proto/ folder).
function(akhbar_proto_library)
  cmake_parse_arguments(ARG "" "NAME;ROOT" "PROTOS;DEPS" ${ARGN})
  set(proto_root ${PROJECT_SOURCE_DIR}/proto)
  if(ARG_ROOT)
    set(proto_root ${ARG_ROOT})
  endif()
  set(out_dir ${PROJECT_BINARY_DIR}/generated)
  set(sources)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(abs ${proto} ABSOLUTE)
    file(RELATIVE_PATH rel ${proto_root} ${abs})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(generated ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
                  ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${generated}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND protobuf::protoc --proto_path=${proto_root} --cpp_out=${out_dir}
              --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${AKHBAR_GRPC_CPP_PLUGIN} ${abs}
      DEPENDS ${abs} protobuf::protoc
      COMMENT "protoc ${rel}")
    list(APPEND sources ${generated})
  endforeach()
  add_library(${ARG_NAME} STATIC ${sources})
  target_include_directories(${ARG_NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
endfunction()

# akhbar_library(NAME libs_text SOURCES a.cc DEPS ...)
function(akhbar_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE akhbar_build_flags)
endfunction()

# akhbar_service(NAME article SOURCES service.cc logic.cc store.cc DEPS ...)
# Builds <name>_lib (everything but main.cc, shared with the tests) and the
# executable akhbar-<name>.
function(akhbar_service)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  akhbar_library(NAME ${ARG_NAME}_lib SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS})
  add_executable(akhbar-${ARG_NAME} main.cc)
  target_link_libraries(akhbar-${ARG_NAME} PRIVATE ${ARG_NAME}_lib akhbar_build_flags)
  # Sanitizers bring their own allocator.
  if(NOT AKHBAR_SANITIZE AND NOT AKHBAR_FUZZ)
    target_link_libraries(akhbar-${ARG_NAME} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()

# akhbar_test(NAME text_test SOURCES a_test.cc DEPS ... [LABELS unit])
function(akhbar_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
                        akhbar_build_flags)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  include(GoogleTest)
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 30)
endfunction()

# akhbar_migrations(NAME article_migrations DIR migrations FUNCTION ArticleMigrations
#                   NAMESPACE akhbar::article)
# Embeds DIR/V<number>__<what>.sql into a library exposing
# `std::vector<akhbar::db::Migration> FUNCTION()` declared in NAME.h.
function(akhbar_migrations)
  cmake_parse_arguments(ARG "" "NAME;DIR;FUNCTION;NAMESPACE" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_DIR}/V*__*.sql)
  list(SORT sql_files)
  set(entries "")
  foreach(sql_file ${sql_files})
    get_filename_component(file_name ${sql_file} NAME)
    string(REGEX REPLACE "^V0*([0-9]+)__.*" "\\1" version ${file_name})
    file(READ ${sql_file} sql)
    string(APPEND entries "      {${version}, \"${file_name}\", R\"akhbar_sql(${sql})akhbar_sql\"},\n")
  endforeach()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME})
  # Written as .in files and copied with configure_file, which leaves the real
  # files untouched when their text is the same, so nothing rebuilds needlessly.
  file(WRITE ${out_dir}/${ARG_NAME}.h.in
    "#pragma once\n#include <vector>\n#include \"libs/db/migrate.h\"\n"
    "namespace ${ARG_NAMESPACE} {\nstd::vector<akhbar::db::Migration> ${ARG_FUNCTION}();\n}\n")
  file(WRITE ${out_dir}/${ARG_NAME}.cc.in
    "#include \"${ARG_NAME}.h\"\nnamespace ${ARG_NAMESPACE} {\n"
    "std::vector<akhbar::db::Migration> ${ARG_FUNCTION}() {\n  return {\n${entries}  };\n}\n}\n")
  configure_file(${out_dir}/${ARG_NAME}.h.in ${out_dir}/${ARG_NAME}.h COPYONLY)
  configure_file(${out_dir}/${ARG_NAME}.cc.in ${out_dir}/${ARG_NAME}.cc COPYONLY)
  add_library(${ARG_NAME} STATIC ${out_dir}/${ARG_NAME}.cc)
  target_include_directories(${ARG_NAME} PUBLIC ${out_dir} ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PUBLIC libs_db)
endfunction()
