# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for arm64 Linux with Debian's g++-aarch64-linux-gnu, against arm64 copies of
# the dependencies unpacked into CKPTLINT_ARM64_SYSROOT (.ci/arm64 builds it from Debian's
# arm64 packages: libyaml-cpp-dev cannot be co-installed across architectures). Test and tool
# binaries run under qemu-aarch64 with that sysroot as its library prefix.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Cached, so that re-configuring (and CMake's try_compile) keeps it.
set(CKPTLINT_ARM64_SYSROOT "$ENV{CKPTLINT_ARM64_SYSROOT}" CACHE PATH "unpacked arm64 packages")
if(CKPTLINT_ARM64_SYSROOT STREQUAL "" OR NOT IS_DIRECTORY "${CKPTLINT_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu")
  message(FATAL_ERROR "CKPTLINT_ARM64_SYSROOT must name an unpacked arm64 sysroot (.ci/arm64 makes one)")
endif()
# Headers and libraries come from the unpacked packages; libc and crt files from the
# cross toolchain's own (/usr/aarch64-linux-gnu).
set(CMAKE_FIND_ROOT_PATH "${CKPTLINT_ARM64_SYSROOT}" /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(_lib "${CKPTLINT_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu")
set(CMAKE_CXX_FLAGS_INIT "-isystem ${CKPTLINT_ARM64_SYSROOT}/usr/include -isystem ${CKPTLINT_ARM64_SYSROOT}/usr/include/aarch64-linux-gnu")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${_lib} -Wl,-rpath-link,${_lib} -Wl,-rpath-link,${CKPTLINT_ARM64_SYSROOT}/lib/aarch64-linux-gnu")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L "${CKPTLINT_ARM64_SYSROOT}")
