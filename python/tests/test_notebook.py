"""examples/tour.ipynb runs from top to bottom (nbclient, the python3 kernel) and is
committed with its outputs."""
import os
import re

import nbclient
import nbformat

import clopt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOUR = os.path.join(ROOT, "examples", "tour.ipynb")


def _texts(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _images(cell):
    return sum(1 for o in cell.outputs
               if o.output_type == "display_data" and "image/png" in o.get("data", {}))


def test_committed_with_outputs():
    nb = nbformat.read(TOUR, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 5
    assert all(c.execution_count for c in code)
    assert [_images(c) for c in code] == [0, 1, 1, 1, 1]


def test_runs_top_to_bottom(monkeypatch):
    # The kernel is another process: it finds the package and the library through these.
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(os.path.dirname(clopt.__file__)))
    monkeypatch.setenv("CLOPT_LIBRARY", clopt.library_path)
    nb = nbformat.read(TOUR, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(TOUR)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert [_images(c) for c in code] == [0, 1, 1, 1, 1]
    assert "['SGD', 'RMSprop'" in _texts(code[0])
    acc = float(re.search(r"accuracy ([0-9.]+)", _texts(code[4])).group(1))
    assert acc > 0.9, _texts(code[4])
