# SPDX-License-Identifier: Apache-2.0
"""The build of the Python package: one CMake build (the project's own CMakeLists.txt with
CKPTLINT_PYTHON=ON) gives the extension module ckptlint._native and the native ckptlint
executable; both go into the wheel with the built-in rule packs. Nothing is fetched.

CKPTLINT_CMAKE_BUILD_DIR names the CMake build directory to use (CI keeps one between
runs); CKPTLINT_CMAKE_ARGS adds configure arguments (e.g. a compiler launcher);
CMAKE_BUILD_PARALLEL_LEVEL bounds the compile jobs."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def use_debian_wheel() -> None:
    """setuptools before 70.1 needs the `wheel` package to build a wheel, and a new venv has
    setuptools but not wheel. Debian ships it as /usr/share/python-wheels/wheel-*.whl (what
    venv's ensurepip installs from): a wheel is a zip Python imports from, so it is used from
    there, offline. Elsewhere nothing changes (pip's isolated build installs wheel)."""
    try:
        import wheel  # noqa: F401
    except ImportError:
        found = sorted(Path("/usr/share/python-wheels").glob("wheel-*.whl"))
        if found:
            sys.path.append(str(found[-1]))


def project_version() -> str:
    match = re.search(r"project\(ckptlint VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text())
    return match.group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build_dir = Path(os.environ.get("CKPTLINT_CMAKE_BUILD_DIR") or Path(self.build_temp) / "cmake").resolve()
        configure = ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCKPTLINT_PYTHON=ON",
                     f"-DPython_EXECUTABLE={sys.executable}"]
        if not (build_dir / "CMakeCache.txt").exists():
            # A build of its own; an existing one (CI's) keeps its settings, tests included.
            configure += ["-DCMAKE_BUILD_TYPE=Release", "-DCKPTLINT_BUILD_TESTS=OFF", "-DCKPTLINT_BUILD_BENCH=OFF"]
            if shutil.which("ninja"):
                configure += ["-G", "Ninja"]
        configure += os.environ.get("CKPTLINT_CMAKE_ARGS", "").split()
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "ckptlint", "ckptlint_native", "-j", jobs],
                       check=True)

        module = next((build_dir / "lint").glob("_native*.so"), None) or next((build_dir / "lint").glob("_native*.pyd"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module, target)
        package = target.parent
        (package / "_bin").mkdir(exist_ok=True)
        shutil.copy2(build_dir / "ckptlint", package / "_bin" / "ckptlint")
        # The rule packs as YAML beside the module (the executable and the module carry the
        # same packs embedded; these are for reading and for tools that take a directory).
        rules = package / "rules"
        if rules.exists():
            shutil.rmtree(rules)
        shutil.copytree(ROOT / "rules", rules, ignore=lambda d, names: [n for n in names if not (
            n.endswith((".yaml", ".md")) or (Path(d) / n).is_dir())])


use_debian_wheel()
setup(
    version=project_version(),
    ext_modules=[Extension("ckptlint._native", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    # Beside the CMake build of .ci/setup (build/), not mixed into it.
    options={"build": {"build_base": "build/python"}},
)
