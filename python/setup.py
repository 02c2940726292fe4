"""Builds rapport's native module `_rapport` with the project's own CMake build, for pip.

Environment:
  RAPPORT_CMAKE_BUILD_DIR     reuse this CMake build folder (incremental rebuilds) instead of a fresh one
  RAPPORT_PREBUILT_EXTENSION  package this already built `_rapport*.so` instead of building one
  RAPPORT_BUILD_JOBS          parallel compile jobs (default: the number of CPUs)
  RAPPORT_SETUP_SCRATCH       put setuptools' build/ and *.egg-info here instead of next to this file
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # the repository: CMakeLists.txt include src bindings python ...


def version() -> str:
    text = (ROOT / "include" / "rapport" / "version.hpp").read_text()
    return re.search(r'RAPPORT_VERSION_STRING "([^"]+)"', text).group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        prebuilt = os.environ.get("RAPPORT_PREBUILT_EXTENSION")
        if prebuilt:
            shutil.copy2(prebuilt, target)
            return
        build = Path(os.environ.get("RAPPORT_CMAKE_BUILD_DIR") or (Path(self.build_temp) / "cmake")).resolve()
        jobs = os.environ.get("RAPPORT_BUILD_JOBS") or str(os.cpu_count() or 1)
        subprocess.check_call([
            "cmake", "-S", str(ROOT), "-B", str(build),
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DRAPPORT_BUILD_TESTS=OFF",
            "-DRAPPORT_BUILD_BENCHMARKS=OFF",
            "-DRAPPORT_BUILD_PYTHON=ON",
        ])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "_rapport", "-j", jobs])
        built = sorted((build / "python" / "rapport").glob("_rapport*.so"))
        if not built:
            raise RuntimeError(f"the CMake build in {build} made no _rapport module")
        shutil.copy2(built[0], target)


def scratch_options() -> dict:
    scratch = os.environ.get("RAPPORT_SETUP_SCRATCH")
    if not scratch:
        return {}
    Path(scratch).mkdir(parents=True, exist_ok=True)
    return {"build": {"build_base": str(Path(scratch) / "build")}, "egg_info": {"egg_base": scratch}}


setup(
    version=version(),
    options=scratch_options(),
    ext_modules=[CMakeExtension("rapport._rapport")],
    cmdclass={"build_ext": CMakeBuild},
)
