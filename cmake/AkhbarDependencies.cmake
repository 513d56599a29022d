# Every dependency is a Debian 12 package (deploy/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
if(AKHBAR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# The services' allocator: gRPC allocates per message, and glibc's malloc was
# a tenth of the ticker's fan-out CPU (README, ticker).
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)

find_program(AKHBAR_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
