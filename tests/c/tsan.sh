#!/usr/bin/env bash
# ThreadSanitizer run of the C API stress program. Configures (once) and builds incrementally a
# separate build of librapport and the stress program with -fsanitize=thread, then runs it; any
# data race reported by TSan fails the test.
#   tsan.sh <source dir> <work dir> [c compiler] [c++ compiler]
set -euo pipefail
src=$1 work=$2 cc=${3:-cc} cxx=${4:-c++}
flags="-fsanitize=thread -fno-omit-frame-pointer"
mkdir -p "$work"
if [ ! -f "$work/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    -DRAPPORT_BUILD_TESTS=OFF -DRAPPORT_BUILD_BENCHMARKS=OFF -DRAPPORT_BUILD_PYTHON=OFF \
    -DRAPPORT_CAPI_STRESS=ON > "$work/configure.log"
fi
cmake --build "$work" --target capi_stress -j "${RAPPORT_JOBS:-2}" > "$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# Some kernels randomise mmap more than TSan's shadow layout allows; run without ASLR when we can.
runner=()
if command -v setarch > /dev/null && setarch "$(uname -m)" -R true 2> /dev/null; then
  runner=(setarch "$(uname -m)" -R)
fi
"${runner[@]}" "$work/bindings/c/capi_stress" "${RAPPORT_TSAN_ITERATIONS:-400}"
