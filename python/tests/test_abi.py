"""The ctypes structures of clopt._lib against their C twins in clopt.h: the same fields in
the same order (read from the header), the size and each field's offset as the C compiler
lays them out. A field added in C and not in Python makes
the library read past the structure ctypes passes (it happened: precision in
clopt_explore_options), which no value test names as clearly."""
import ctypes
import os
import re
import shutil
import subprocess

import pytest

from clopt import _lib

from conftest import ROOT


def _c_fields(header, name):
    """The field names of `typedef struct { ... } name;` in header, in order."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    m = re.search(r"typedef struct(?: \w+)? \{([^{}]*)\} " + name + r";", text)
    assert m, f"{name}: not found in clopt.h"
    names = []
    for decl in m.group(1).split(";"):
        decl = decl.strip()
        if not decl:
            continue
        # "const double *xd, *yd, *fd" -> xd, yd, fd; "double view[4]" -> view
        first, *rest = decl.split(",")
        for d in [first.split()[-1], *rest]:
            names.append(re.sub(r"\[.*\]", "", d).strip(" *"))
    return names


def _structures():
    return [c for c in vars(_lib).values()
            if isinstance(c, type) and issubclass(c, ctypes.Structure) and hasattr(c, "_c_name")]


def test_every_structure_has_the_layout_of_its_c_twin(tmp_path):
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc:
        pytest.skip("no C compiler")
    lines = ["#include <stddef.h>", "#include <stdio.h>", '#include "clopt/clopt.h"',
             "int main(void) {"]
    for s in _structures():
        lines.append(f'    printf("{s.__name__} sizeof %zu\\n", sizeof({s._c_name}));')
        for name, *_ in s._fields_:
            lines.append(f'    printf("{s.__name__} {name} %zu\\n", offsetof({s._c_name}, {name}));')
    lines += ["    return 0;", "}"]
    src = tmp_path / "abi.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "abi"
    subprocess.run([cc, "-std=c11", "-I", os.path.join(ROOT, "include"), str(src), "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    got = {}
    for line in subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.splitlines():
        cls, field, value = line.split()
        got[(cls, field)] = int(value)
    assert len(_structures()) >= 8
    with open(os.path.join(ROOT, "include", "clopt", "clopt.h"), encoding="utf-8") as f:
        header = f.read()
    for s in _structures():  # the same fields, in the same order
        assert [n for n, *_ in s._fields_] == _c_fields(header, s._c_name), s.__name__
    for s in _structures():
        assert ctypes.sizeof(s) == got[(s.__name__, "sizeof")], f"{s.__name__} ({s._c_name}): size"
        for name, *_ in s._fields_:
            assert getattr(s, name).offset == got[(s.__name__, name)], f"{s.__name__}.{name}: offset"
