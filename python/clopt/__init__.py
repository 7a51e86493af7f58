"""clopt for Python: the Keras optimizers and their successors as OpenCL kernels
(libclopt), over NumPy arrays, PyTorch CPU tensors and pyopencl arrays; the trajectory
engine as arrays (clopt.run, clopt.explore); clopt.torch for training loops; clopt.plot.

    import clopt
    opt = clopt.Optimizer("adam(lr=0.01)", [weights])   # NumPy float32, stepped in place
    opt.step([grad])

The library is found next to this package, through CLOPT_LIBRARY, or on the loader path.
"""
from ._core import (  # noqa: F401
    Context,
    Error,
    InvalidArgument,
    default_context,
    devices,
    function,
    functions,
    optimizers,
    version,
)
from ._optimizer import Optimizer  # noqa: F401
from ._engine import RunResult, run  # noqa: F401
from . import explore  # noqa: F401
from ._lib import path as library_path  # noqa: F401

__all__ = ["Context", "Error", "InvalidArgument", "Optimizer", "RunResult", "default_context",
           "devices", "explore", "function", "functions", "library_path", "optimizers", "run",
           "version"]

__version__ = version()


def __getattr__(name):
    # clopt.torch and clopt.plot import PyTorch and matplotlib: only when asked for.
    if name in ("torch", "plot", "bench"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'clopt' has no attribute '{name}'")
