#!/usr/bin/env bash
# Installs the built tree into a scratch prefix, then builds the consumer project against it twice:
# once with CMake's find_package(rapport), once with pkg-config alone.
set -euo pipefail
build=$1 consumer=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" -DPython3_EXECUTABLE=/usr/bin/python3 > "$work/configure.log"
cmake --build "$work/cmake" > "$work/build.log"
"$work/cmake/consumer"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig"
# shellcheck disable=SC2046
g++ -o "$work/consumer-pc" "$consumer/main.cpp" $(pkg-config --cflags --libs rapport)
"$work/consumer-pc"
