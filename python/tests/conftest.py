"""Runs the suite against the package in this checkout (python/clopt) and the library that
CLOPT_LIBRARY names, else the checkout's build/libclopt.so."""
import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


@pytest.fixture(scope="session")
def cli():
    """The `clopt` tool built beside the library (CLOPT_CLI overrides)."""
    import clopt

    path = os.environ.get("CLOPT_CLI") or os.path.join(os.path.dirname(clopt.library_path),
                                                       "clopt")
    if not os.path.exists(path):
        path = shutil.which("clopt")
    assert path, "the clopt tool is needed: build it (tools/build) or set CLOPT_CLI"
    return path
