#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then builds a C program against the installed C API
# twice: with CMake's find_package(rapport) (target rapport::c) and with pkg-config (rapport-c) alone.
# Also checks the installed library's SONAME link.
set -euo pipefail
build=$1 consumer=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
libdir=$(dirname "$(find "$work/prefix" -name 'librapport.so' | head -1)")
test -L "$libdir/librapport.so" && test -e "$libdir/librapport.so.0"
test -f "$work/prefix/include/rapport.h"
cmake -S "$consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/cmake" > "$work/build.log"
LD_LIBRARY_PATH="$libdir" "$work/cmake/consumer_c"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$work/consumer-pc" "$consumer/main.c" $(pkg-config --cflags --libs rapport-c)
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc"
