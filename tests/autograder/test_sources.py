"""Sources come from the notebook file, and only when the text is tied to the kernel's object."""

from __future__ import annotations

import nbformat
import pytest

from autograder.authoring import cells
from autograder.contract.notebook import write
from autograder.contract.sources import NotebookSources
from autograder.contract.submission import notebook_sources
from course_lib.testing import CheckFailure

F1 = "def f(x):\n    return 1\n"
F2 = "@functools.cache\ndef f(x):\n    return 2\n"


def test_last_top_level_definition_wins_with_its_decorators():
    sources = NotebookSources.from_texts(
        [F1, "%matplotlib inline\nimport functools\n\n" + F2, "def f(:\n    broken",
         "class g:\n    pass\n\ndef h():\n    def f():\n        return 3\n"]
    )  # fmt: skip
    assert sources.source("f") == F2
    assert sources.source("g") == "class g:\n    pass\n"
    assert sources.source("nothing") is None and not sources.defines("nothing")


@pytest.mark.parametrize(
    "other, how",
    [
        ("f = lambda x: 3\n", "`f = lambda x: 3`"),
        ("from keras.optimizers import Adam as f\n", "import Adam as f"),
        ("if True:\n    def f(x):\n        return 3\n", "a `def f` inside a block"),
        ("for f in [print]:\n    pass\n", "`for f in [print]"),
        ("try:\n    pass\nexcept Exception as f:\n    pass\n", "`except ... as`"),
        ("del f\n", "`del f`"),
    ],
    ids=["assignment", "import-as", "def-in-block", "loop-variable", "except-as", "del"],
)
def test_a_name_bound_otherwise_has_no_trusted_source(other, how):
    sources = NotebookSources.from_texts([F1, other])
    with pytest.raises(CheckFailure, match="f is also bound by") as info:
        sources.source("f")
    assert how.split("`")[-1].strip() in str(info.value) or how in str(info.value)


@pytest.mark.parametrize(
    "cell",
    [
        'exec("f = print")\n',
        "globals()['f'] = print\n",
        "import sys\nsys.modules['__main__'].f = print\n",
        "get_ipython().run_cell('f = print')\n",
        "%run other.py\n",
        "%%capture\nf = print\n",
        "!echo hi\n",
        "import builtins\n",
        "setattr(__import__('__main__'), 'f', print)\n",
    ],
    ids=[
        "exec",
        "globals",
        "sys.modules",
        "run_cell",
        "%run",
        "%%capture",
        "shell",
        "builtins",
        "setattr",
    ],  # fmt: skip
)
def test_code_the_grader_cannot_read_voids_every_source(cell):
    sources = NotebookSources.from_texts([F1, cell])
    with pytest.raises(CheckFailure, match="runs code the grader cannot read"):
        sources.source("f")


@pytest.mark.parametrize(
    "cell", ["%matplotlib inline\n", "model.compile(loss='mse')\n", "x = {'eval': 1}\n"]
)
def test_ordinary_code_keeps_sources(cell):
    assert NotebookSources.from_texts([F1, cell]).source("f") == F1


def test_the_notebook_file_in_the_folder_is_read_up_to_the_graded_cell(tmp_path):
    nb = cells.notebook(
        [
            cells.solution(F1, "unit99_f_impl"),
            cells.tests("print('public')", "unit99_f", 1),
            cells.code("def f(x):\n    return 'later'"),
            cells.tests("print('public')", "unit99_g", 1),
        ]
    )
    write(nb, tmp_path / "unit99.ipynb")
    (tmp_path / "other.ipynb").write_text("not a notebook")
    assert notebook_sources("unit99_f", tmp_path).source("f") == F1
    assert "later" in notebook_sources("unit99_g", tmp_path).source("f")
    assert notebook_sources("unit99_missing", tmp_path) is None


def test_locked_cells_may_use_dynamic_code_the_instructor_wrote(tmp_path):
    locked = nbformat.v4.new_code_cell(
        "exec('x = 1')", metadata={"nbgrader": {"locked": True, "grade_id": "given"}}
    )
    nb = cells.notebook([locked, cells.solution(F1, "unit99_f_impl"),
                         cells.tests("pass", "unit99_f", 1)])  # fmt: skip
    write(nb, tmp_path / "unit99.ipynb")
    assert notebook_sources("unit99_f", tmp_path).source("f") == F1


def test_read_cells_gives_what_nbformat_reads(tmp_path):
    from autograder.contract.notebook import read, read_cells

    nb = cells.notebook([cells.solution(F1 + "\n\n" + F2, "unit99_f_impl"),
                         cells.tests("pass", "unit99_f", 1)])  # fmt: skip
    path = write(nb, tmp_path / "unit99.ipynb")  # nbformat writes multi-line sources as lists
    plain, full = read_cells(path), read(path)
    assert [(c["cell_type"], c["source"], c["metadata"]) for c in plain.cells] == [
        (c.cell_type, c.source, c.metadata) for c in full.cells
    ]
    (tmp_path / "broken.ipynb").write_text('{"nbformat": 4, "cells": [')
    with pytest.raises(ValueError, match="not a readable notebook"):
        read_cells(tmp_path / "broken.ipynb")


def test_the_in_kernel_read_of_the_notebook_does_not_import_nbformat(tmp_path):
    # nbformat brings jsonschema, whose IRI checker compiles grammars on import: seconds
    # in every graded kernel. A fresh interpreter shows what the in-kernel grade() loads.
    import subprocess
    import sys

    nb = cells.notebook([cells.solution(F1, "unit99_f_impl"), cells.tests("pass", "unit99_f", 1)])
    write(nb, tmp_path / "unit99.ipynb")
    code = (
        "import sys; from autograder.contract.submission import notebook_sources; "
        f"assert notebook_sources('unit99_f', {str(tmp_path)!r}).source('f'); "
        "print(sorted(m for m in ('nbformat', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
