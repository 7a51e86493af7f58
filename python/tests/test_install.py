"""`pip install ./python` (offline, a venv over Debian's packages) and `cmake --install` give
a package that finds its library without CLOPT_LIBRARY; a missing library is an ImportError
that lists every place tried."""
import glob
import os
import shutil
import subprocess
import sys

import clopt

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK = ("import clopt, numpy as np; p = np.ones(2, np.float32); "
         "clopt.Optimizer('sgd(lr=0.5)', [p]).step([p]); assert p[0] == 0.5, p; "
         "print(clopt.library_path)")


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CLOPT_LIBRARY", "PYTHONPATH")}
    env.update(extra)
    return env


def test_pip_install_in_a_venv_bundles_the_library(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PYTHON_DIR, src, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", "tests", "libclopt.so*", "_install.py"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-index", "--no-build-isolation", str(src)],
                   check=True, env=_env(CLOPT_LIBRARY=clopt.library_path))
    out = subprocess.run([str(venv / "bin" / "python"), "-c", CHECK], check=True, cwd="/",
                         capture_output=True, text=True, env=_env()).stdout.strip()
    assert out.startswith(str(venv)) and out.endswith("/clopt/libclopt.so")


def test_cmake_install_records_the_library(tmp_path):
    build = os.path.dirname(clopt.library_path)
    assert os.path.exists(os.path.join(build, "CMakeCache.txt")), build
    subprocess.run(["cmake", "--install", build, "--prefix", str(tmp_path)], check=True,
                   capture_output=True)
    site = glob.glob(str(tmp_path / "lib" / "python3*" / "dist-packages"))
    assert len(site) == 1
    out = subprocess.run([sys.executable, "-c", CHECK], check=True, cwd="/", capture_output=True,
                         text=True, env=_env(PYTHONPATH=site[0])).stdout.strip()
    assert out == str(tmp_path / "lib" / "libclopt.so.0")


def test_a_missing_library_lists_what_was_tried():
    r = subprocess.run([sys.executable, "-c", "import clopt"], cwd="/", capture_output=True,
                       text=True, env=_env(CLOPT_LIBRARY="/nonexistent/libclopt.so",
                                           PYTHONPATH=PYTHON_DIR))
    assert r.returncode != 0
    assert "cannot load libclopt.so" in r.stderr
    assert "/nonexistent/libclopt.so (CLOPT_LIBRARY): no such file" in r.stderr


def test_the_package_version_is_the_librarys():
    with open(os.path.join(PYTHON_DIR, "pyproject.toml")) as f:
        text = f.read()
    assert f'version = "{clopt.version()}"' in text
