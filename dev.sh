#!/usr/bin/env bash
# rapport's one entry point for people and CI.
#   ./dev.sh report   install what is missing, build, and run the main job (the report on the sample organisation)
#   ./dev.sh test     install what is missing, build, and run every test (C++, C, Python, packaging), then
#                     the C++ and C tests again in an ASan+UBSan build (build-asan/)
#   ./dev.sh build    install what is missing and build
set -euo pipefail
cd "$(dirname "$0")"

# Everything the build, the tests and the report need, from Debian 12's archive.
PACKAGES=(
  build-essential cmake pkg-config
  libboost-serialization-dev librange-v3-dev catch2 libcli11-dev libbenchmark-dev
  python3-dev pybind11-dev python3-pybind11 python3-pytest python3-numpy python3-pandas
  python3-nbclient python3-ipykernel python3-venv python3-pip python3-setuptools python3-wheel
  clang-14 libclang-rt-14-dev abigail-tools binutils chromium
)
BUILD=${RAPPORT_BUILD_DIR:-build}
ASAN_BUILD=${RAPPORT_ASAN_BUILD_DIR:-build-asan}
JOBS=${RAPPORT_JOBS:-$(nproc)}

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Runs a step and says how long it took (the README's development section quotes these figures).
timed() {
  local what=$1 start=$SECONDS
  shift
  "$@"
  echo "dev.sh: $what took $((SECONDS - start)) s" >&2
}

build() {
  install_missing
  # Debian's interpreter, not a pyenv shim that lacks Debian's python3-* packages.
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  timed "build" cmake --build "$BUILD" -j "$JOBS"
}

# The C++, C and command-line tests once more with AddressSanitizer (and LeakSanitizer) and
# UndefinedBehaviorSanitizer. Python, ctypes, ABI and packaging tests stay out: they load the library into
# processes not built with the sanitizer runtime. The ThreadSanitizer stress test runs in the first pass.
sanitized_tests() {
  cmake -S . -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DRAPPORT_SANITIZE=ON -DRAPPORT_BUILD_PYTHON=OFF \
        -DRAPPORT_BUILD_BENCHMARKS=OFF -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  timed "sanitizer build" cmake --build "$ASAN_BUILD" -j "$JOBS"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    timed "sanitizer tests" ctest --test-dir "$ASAN_BUILD" -j "$JOBS" --output-on-failure -E '^(packaging|capi\.py|capi\.install|capi\.tsan)'
}

case "${1:-}" in
  build) build ;;
  report)
    build
    # The main job: the bundled sample organisation as CSV, imported into an archive, reported.
    out=${RAPPORT_REPORT_DIR:-$BUILD/report}
    rm -rf "$out/sample" && mkdir -p "$out"
    "$BUILD/src/cli/rapport" sample "$out/sample"
    "$BUILD/src/cli/rapport" import "$out/sample" -o "$out/sample.rapport"
    exec "$BUILD/src/cli/rapport" report "$out/sample.rapport" --html "$out/report.html"
    ;;
  test)
    build
    timed "tests" ctest --test-dir "$BUILD" -j "$JOBS" --output-on-failure
    sanitized_tests
    ;;
  *)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 1
    ;;
esac
