"""Puts the library beside the package when one is at hand (CLOPT_LIBRARY, else the
checkout's build/libclopt.so), so that `pip install ./python` after tools/build gives a
package that needs no environment variable. Without one the package still installs and
looks for the library at import (CLOPT_LIBRARY, the loader path)."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class build_py_with_library(build_py):
    def run(self):
        super().run()
        lib = os.environ.get("CLOPT_LIBRARY") or os.path.join(HERE, "..", "build", "libclopt.so")
        if os.path.exists(lib):
            dest = os.path.join(self.build_lib, "clopt", "libclopt.so")
            shutil.copyfile(os.path.realpath(lib), dest)
            print(f"clopt: bundling {os.path.realpath(lib)}")


setup(cmdclass={"build_py": build_py_with_library})
