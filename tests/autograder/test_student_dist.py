"""The student-facing material (wheel and release notebooks) holds no instructor secrets."""

import zipfile

import pytest

from autograder.authoring.student_dist import SECRET_MARKERS, build_student_wheel
from autograder.contract import notebook as notebooks
from autograder.course.directory import units


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_student_wheel(out_dir=tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_course_lib_only(wheel):
    with zipfile.ZipFile(wheel) as archive:
        top_levels = {name.split("/")[0] for name in archive.namelist()}
    assert {t for t in top_levels if not t.endswith(".dist-info")} == {"course_lib"}


def test_wheel_files_contain_no_secrets(wheel):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", errors="ignore")
            leaks = [m for m in SECRET_MARKERS if m in text]
            assert not leaks, f"{name} contains {leaks}"


@pytest.mark.parametrize("unit", units(), ids=str)
def test_release_notebooks_contain_no_secrets(unit, repo):
    release = notebooks.read(repo / "assignments" / unit / f"{unit}.ipynb")
    source = notebooks.read(repo / "solutions" / unit / f"{unit}.ipynb")
    text = "\n".join(cell.source for cell in release.cells)
    assert not [m for m in SECRET_MARKERS if m in text]
    # No reference answer line survives: every solution body is replaced by a stub.
    for grade_id, cell in notebooks.cells_by_grade_id(source).items():
        if notebooks.nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            released = notebooks.cells_by_grade_id(release)[grade_id].source
            assert body.strip() not in released, f"{grade_id}: the answer leaked"
