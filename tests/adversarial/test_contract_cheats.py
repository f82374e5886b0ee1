"""Cheats against the grading contract, graded in the sandbox on the real units.

- a forged source (unit03): a from-scratch ScratchAdam for the source check to read and
  Keras' own Adam, defined in a block, for the kernel to run;
- training on the test split, to the limit (unit04): a "model" that memorises the public
  test split's answers.

Each earns nothing for the cells it cheats and keeps every other cell's points. The same
notebooks are planted mistakes of their units (autograder/authoring/samples), so the
contract tests show the same outcome under plain nbgrader.
"""

from __future__ import annotations

import pytest

from autograder.authoring import samples
from autograder.contract import notebook as notebooks
from autograder.engine.isolated import grade_notebook

pytestmark = pytest.mark.slow

CHEATS = [("unit03", "adam_forged_source"), ("unit04", "mnist1d_memorises_test_split")]


@pytest.mark.parametrize("unit, cheat", CHEATS, ids=[c for _, c in CHEATS])
def test_a_cheat_earns_nothing_for_the_cells_it_cheats(repo, tmp_path, unit, cheat):
    source = repo / "solutions" / unit / f"{unit}.ipynb"
    reference = notebooks.make_reference(
        notebooks.read(source), notebooks.read(repo / "assignments" / unit / f"{unit}.ipynb")
    )
    mutant = next(m for m in samples.mutants(unit) if m.name == cheat)
    path = notebooks.write(mutant.apply(reference), tmp_path / unit / f"{unit}.ipynb")
    result = grade_notebook(path, source=source)
    assert result.status == "ok", result.reason
    scores = {cell.grade_id: cell.score for cell in result.cells}
    expected = {
        cell.grade_id: mutant.expected.get(cell.grade_id, cell.points) for cell in result.cells
    }
    assert scores == expected
    messages = " ".join(
        f"{check.message} {check.note}" for cell in result.cells for check in cell.checks
    )
    assert mutant.message in messages
