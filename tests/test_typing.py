"""The typed example runs, and the stubs name what the package exports.

The static checks (mypy --strict, stubtest) run in tools/typecheck.sh (CI).
"""
import ast
import pathlib
import runpy

import fastconv
import fastconv.ndimage

HERE = pathlib.Path(__file__).resolve().parent
STUB = pathlib.Path(fastconv.__file__).with_name("__init__.pyi")


def test_typed_example_runs():
    runpy.run_path(str(HERE / "typing" / "example.py"), run_name="__main__")


def _stub_names(stub):
    tree = ast.parse(stub.read_text())
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    targets = [t for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
               for t in getattr(n, "targets", None) or [n.target]]
    names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_package_is_marked_typed_and_stubs_cover_all():
    assert STUB.with_name("py.typed").exists()
    names = _stub_names(STUB)
    assert set(fastconv.__all__) <= names, set(fastconv.__all__) - names
    ndimage_names = _stub_names(STUB.with_name("ndimage.pyi"))
    assert set(fastconv.ndimage.__all__) <= ndimage_names
