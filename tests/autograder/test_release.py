"""The committed releases are exactly what ``medl release`` makes from solutions/."""

import pytest

from autograder.contract import notebook as notebooks
from autograder.course.directory import units
from autograder.course.release import stale_files

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("unit", units(), ids=str)
def test_committed_release_is_up_to_date(unit):
    assert stale_files(unit) == [], f"run `medl release {unit}` and commit assignments/{unit}"


@pytest.mark.parametrize("unit", units(), ids=str)
def test_hidden_calls_match_cell_points(unit, repo):
    source = notebooks.read(repo / "solutions" / unit / f"{unit}.ipynb")
    graded = notebooks.graded_cells(source)
    calls = notebooks.hidden_calls(source)
    code_cells = {
        gid: pts for gid, pts in graded.items()
        if notebooks.cells_by_grade_id(source)[gid].cell_type == "code"
    }  # fmt: skip
    assert calls == code_cells, "every graded code cell calls grade() with its own points"


def test_stale_release_is_detected(tmp_path, repo):
    import shutil

    fake = tmp_path / "repo"
    shutil.copytree(repo / "solutions", fake / "solutions")
    shutil.copytree(repo / "assignments", fake / "assignments")
    shutil.copy2(repo / "nbgrader_config.py", fake / "nbgrader_config.py")
    unit = units(fake)[0]
    path = fake / "solutions" / unit / f"{unit}.ipynb"
    nb = notebooks.read(path)
    nb.cells[0].source += "\n\nAn edit that was never released."
    notebooks.write(nb, path)
    assert stale_files(unit, repo=fake) == [f"{unit}.ipynb differs"]
