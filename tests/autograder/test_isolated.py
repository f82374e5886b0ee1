"""Isolated grading of a toy unit: scores, parity with in-kernel mode, integrity, limits.

The toy unit97 has one answer (``scale``, using a global ``FACTOR``) and two graded cells;
a plain cell between them changes the state, so each cell's checks must see the notebook
as it was right after that cell, as in-kernel mode does.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from IPython.core.compilerop import CachingCompiler

from autograder.authoring import cells as authoring
from autograder.contract import notebook as notebooks
from autograder.contract.runner import run_checks
from autograder.contract.submission import InKernelSubmission, notebook_sources
from autograder.engine import isolated
from autograder.engine.isolated import NotebookGrade, grade_notebook
from autograder.engine.options import GradingOptions
from autograder.engine.restore import restore_cells
from autograder.engine.sandbox import Limits, detect_protections

SCALE = """
FACTOR = 3.0


def scale(x):
    ### BEGIN SOLUTION
    return FACTOR * np.asarray(x, dtype=float)
    ### END SOLUTION
"""
WRONG_FOR_SCALARS = (
    "FACTOR = 3.0\n\ndef scale(x):\n"
    "    return FACTOR * np.asarray(x, dtype=float) if np.ndim(x) else 0.0"
)


LATER = "FACTOR = -1.0\n\ndef scale(x):\n    return x"
CHECK_SCALE = """
import numpy as np
import pytest
from course_lib.testing import assert_close


def test_call(submission):
    assert_close(submission.call("scale", [1.0, -2.0]), [3.0, -6.0], name="scale")


def test_scalar(submission):  # the public check's case
    assert_close(submission.call("scale", 1.0), 3.0, name="scale(1.0)")


@pytest.mark.gate  # FACTOR is given by the release
def test_read(submission):
    value = submission.read("FACTOR")
    if value != 3.0:
        raise AssertionError(f"FACTOR is {value}, expected 3.0")


def test_predict(submission):
    assert_close(submission.predict("scale", np.ones((2, 2))), np.full((2, 2), 3.0), name="p")


@pytest.mark.gate  # so is the name scale
def test_has(submission):
    if not (submission.has("scale") and not submission.has("nothing")):
        raise AssertionError("has() is wrong")


def test_source(submission):
    if "return FACTOR * np.asarray" not in submission.source("scale"):
        raise AssertionError("scale does not scale by FACTOR")
"""
CHECK_STATE = """
def test_later_state(submission):
    assert submission.read("FACTOR") == -1.0
    assert "return x" in submission.source("scale")
"""
LIMITS = Limits(cell_timeout_s=5, notebook_timeout_s=60, transfer_timeout_s=5)


def source_notebook():
    return authoring.notebook(
        [
            authoring.code(
                "import numpy as np\nfrom course_lib.testing import assert_close, public_checks"
            ),
            authoring.solution(SCALE, "unit97_scale_impl"),
            authoring.tests("assert_close(scale(1.0), 3.0, name='scale')", "unit97_scale", 3),
            authoring.code(LATER),
            authoring.tests("pass", "unit97_state", 1),
        ]
    )


@pytest.fixture
def unit(tmp_path):
    checks = tmp_path / "checks" / "unit97"
    checks.mkdir(parents=True)
    (checks / "test_scale.py").write_text(CHECK_SCALE)
    (checks / "test_state.py").write_text(CHECK_STATE)
    source = notebooks.write(source_notebook(), tmp_path / "solutions" / "unit97" / "unit97.ipynb")
    return tmp_path, source


def release(source, answer: str | None = None):
    nb = nbformat.from_dict(notebooks.read(source))
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("solution"):
            cell.source = (
                answer if answer is not None else notebooks.strip_solution_markers(cell.source)
            )
        elif meta.get("grade"):
            cell.source = notebooks.strip_hidden_tests(cell.source)
    return nb


def grade(unit, nb, **kwargs) -> NotebookGrade:
    root, source = unit
    path = notebooks.write(nb, root / "submitted" / "s" / "unit97" / "unit97.ipynb")
    options = GradingOptions(**{"limits": LIMITS, "checks_root": root / "checks", **kwargs})
    return grade_notebook(path, source=source, options=options)


def printed(result: NotebookGrade, grade_id: str) -> str:
    """What the executed notebook's cell ``grade_id`` printed."""
    cell = notebooks.cells_by_grade_id(result.executed)[grade_id]
    return "".join(output.get("text", "") for output in cell.outputs)


def scores(result: NotebookGrade) -> dict[str, float]:
    return {cell.grade_id: cell.score for cell in result.cells}


def test_reference_scores_full_marks_with_a_complete_report(unit):
    result = grade(unit, release(unit[1]))
    assert scores(result) == {"unit97_scale": 3.0, "unit97_state": 1.0}
    assert (result.status, result.reason, result.integrity) == ("ok", "", [])
    assert result.score == result.max_score == 4.0 and result.assignment == "unit97"
    report = json.loads(json.dumps(result.to_dict()))
    assert report["cells"][0]["checks"][0] == {
        "name": "test_call", "passed": True, "weight": 1.0, "message": "", "gate": False, "note": "",
    }  # fmt: skip
    expected = (
        "bubblewrap" if detect_protections()["bubblewrap"] else report["protections"]["isolation"]
    )
    assert report["protections"]["isolation"] == expected
    texts = [o.get("text", "") for c in result.executed.cells for o in c.get("outputs", [])]
    assert "unit97_scale: 3 / 3 points\n  [PASS] test_call" in "".join(texts)


def _in_kernel_results(nb, folder):
    """Run the same notebook in this process and grade each test cell in-kernel style."""
    namespace: dict = {}
    results = {}
    notebooks.write(nb, folder / "unit97.ipynb")  # sources come from the file, as in nbgrader
    # IPython's own compiler keeps each cell's source in linecache, as the kernel does, so
    # a traceback shows the student's lines here too.
    compiler = CachingCompiler()
    for index, cell in enumerate(nb.cells):
        filename = compiler.cache(cell.source, index)
        exec(compile(cell.source, filename, "exec"), namespace)  # noqa: S102 - in-kernel mode
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade"):
            sources = notebook_sources(meta["grade_id"], folder)
            results[meta["grade_id"]] = run_checks(
                meta["grade_id"], InKernelSubmission(namespace, sources), points=meta["points"],
                checks_root=folder.parent / "checks",
            )  # fmt: skip
    return results


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "FACTOR = 3.0\n\ndef scale(x):\n    return FACTOR * np.abs(np.asarray(x, dtype=float))",
        WRONG_FOR_SCALARS,
        "FACTOR = 3.0\n\ndef scale(x):\n    return {'x': x}['y']",
    ],
    ids=["reference", "abs-mutant", "failing-public-check", "raising"],
)
def test_same_scores_and_messages_as_in_kernel_mode(unit, answer):
    nb = release(unit[1], answer)
    result = grade(unit, nb)
    (unit[0] / "in-kernel").mkdir()
    in_kernel = _in_kernel_results(nb, unit[0] / "in-kernel")
    assert [c.to_dict() for c in result.cells] == [
        in_kernel[c.grade_id].to_dict() for c in result.cells
    ]
    if answer and "abs" in answer:
        failed = result.cells[0].checks[0]
        assert not failed.passed and "scale: values differ" in failed.message
    if answer and "['y']" in answer:  # both modes show where the student's code raised
        assert result.cells[0].checks[0].message == (
            "calling scale raised KeyError: 'y'\n    line 4 in scale: return {'x': x}['y']"
        )


def test_checks_see_the_state_right_after_their_cell(unit):
    result = grade(unit, release(unit[1]))
    # unit97_scale's checks ran before LATER redefined FACTOR and scale; unit97_state's after.
    assert scores(result) == {"unit97_scale": 3.0, "unit97_state": 1.0}


def test_blank_release_scores_zero_without_crashing(unit):
    result = grade(
        unit, release(unit[1], "FACTOR = 3.0\ndef scale(x):\n    raise NotImplementedError()")
    )
    assert result.status == "ok" and scores(result)["unit97_scale"] == 0.0
    assert "scale is not implemented yet" in result.cells[0].checks[0].message
    assert "STOP  scale is not implemented yet" in printed(result, "unit97_scale")


def test_a_failing_public_check_costs_only_what_it_checks(unit):
    result = grade(unit, release(unit[1], WRONG_FOR_SCALARS))
    cell = result.cells[0]
    text = printed(result, "unit97_scale")
    assert "FAIL  scale: values differ" in text and "public checks: 1 of 1 failed" in text
    # Every hidden check ran; only the public check's own case (its hidden twin) fails.
    assert {c.name: c.passed for c in cell.checks} == {
        "test_call": True, "test_scalar": False, "test_read": True, "test_predict": True,
        "test_has": True, "test_source": True,
    }  # fmt: skip
    assert cell.score == 2.25 and cell.error == ""


def test_skeleton_alone_earns_nothing_and_a_failed_gate_closes_the_cell(unit):
    blank = grade(unit, release(unit[1], "FACTOR = 3.0\ndef scale(x):\n    return None"))
    assert scores(blank)["unit97_scale"] == 0.0
    assert all(c.passed for c in blank.cells[0].checks if c.gate)  # the skeleton's gates pass
    right_but_renamed = (
        "FACTOR = 3.0000001\ndef scale(x):\n    return 3.0 * np.asarray(x, dtype=float)"
    )
    closed = grade(unit, release(unit[1], right_but_renamed)).cells[0]
    assert not next(c for c in closed.checks if c.name == "test_read").passed
    assert closed.score == 0.0


def test_show_details_off_hides_messages_in_outputs(unit):
    nb = release(unit[1], "FACTOR = 3.0\ndef scale(x):\n    return FACTOR * np.abs(np.asarray(x))")
    result = grade(unit, nb, show_details=False)
    texts = "".join(o.get("text", "") for c in result.executed.cells for o in c.get("outputs", []))
    assert "[FAIL] test_call" in texts and "values differ" not in texts
    assert "values differ" in result.cells[0].checks[0].message  # still in the report


def test_notebook_time_limit(unit):
    nb = release(unit[1])
    nb.cells[0].source += "\nimport time\ntime.sleep(30)"
    result = grade(unit, nb, limits=Limits(cell_timeout_s=20, notebook_timeout_s=2))
    assert result.reason.startswith("the notebook's 2 s time limit ran out in cell 1")
    assert scores(result) == {"unit97_scale": 0.0, "unit97_state": 0.0}
    assert all(result.reason in cell.error for cell in result.cells)


def test_kernel_that_cannot_start_is_an_error_status(unit, monkeypatch):
    real = isolated.plan_launch

    def broken(*args, **kwargs):
        plan = real(*args, **kwargs)
        plan.argv = ["false"]
        return plan

    monkeypatch.setattr(isolated, "plan_launch", broken)
    result = grade(unit, release(unit[1]))
    assert result.status == "error" and "the kernel did not start" in result.reason
    assert scores(result) == {"unit97_scale": 0.0, "unit97_state": 0.0}


def test_without_a_sandbox_scores_are_the_same(unit):
    result = grade(unit, release(unit[1]), isolation="none")
    assert scores(result) == {"unit97_scale": 3.0, "unit97_state": 1.0}
    assert result.protections["isolation"] == "none" and result.protections["secrets_visible"]


# --- integrity: protected cells come from the source ------------------------------------------


def tamper(source, how: str):
    nb = release(source)
    test = nb.cells[2]
    if how == "edit":
        test.source = "pass  # trust me"
    elif how == "points":
        test.metadata.nbgrader["points"] = 300
    elif how == "delete":
        del nb.cells[2]
    elif how == "delete-answer":
        del nb.cells[1]
    elif how == "unknown-id":
        nb.cells[3].metadata["nbgrader"] = {"grade": True, "grade_id": "unit97_bonus", "points": 9}
    elif how == "duplicate":
        nb.cells[3].metadata["nbgrader"] = dict(test.metadata.nbgrader)
    elif how == "to-markdown":
        test.cell_type = "markdown"
    elif how == "junk-metadata":
        nb.cells[4].metadata["nbgrader"] = "not a dict"
    elif how == "flags":
        test.metadata.nbgrader["locked"] = False
        test.metadata.nbgrader["solution"] = True
    return nb


@pytest.mark.parametrize(
    "how, message",
    [
        ("edit", "unit97_scale: the locked cell was edited; restored from the source"),
        ("points", "unit97_scale: points changed from 3 to 300; the source's 3 count"),
        ("delete", "unit97_scale: the cell was deleted; restored from the source"),
        ("delete-answer", "unit97_scale_impl: the answer cell is missing"),
        ("unknown-id", "cell 4: grade_id 'unit97_bonus' is not in the source"),
        ("duplicate", "cell 4: grade_id 'unit97_scale' appears twice"),
        ("to-markdown", "unit97_scale: cell type changed to markdown; restored"),
        ("junk-metadata", "unit97_state: the cell was deleted; restored from the source"),
        ("flags", "unit97_scale: nbgrader flags changed (locked, solution); restored"),
    ],
    ids=lambda v: v if " " not in str(v) else None,
)
def test_restore_cells_reports_and_repairs(unit, how, message):
    source = notebooks.read(unit[1])
    restored, messages = restore_cells(tamper(unit[1], how), source)
    assert any(m.startswith(message) for m in messages), messages
    originals = notebooks.cells_by_grade_id(source)
    for grade_id in ("unit97_scale", "unit97_state"):
        cell = notebooks.cells_by_grade_id(restored)[grade_id]
        assert cell.source == originals[grade_id].source and cell.cell_type == "code"
        assert cell.metadata.nbgrader == originals[grade_id].metadata.nbgrader
    # An answer is the student's own: the reference answer never leaks in.
    assert all("BEGIN SOLUTION" not in c.source for c in restored.cells)


def test_restored_test_cell_sits_after_its_answer(unit):
    restored, _ = restore_cells(tamper(unit[1], "delete"), notebooks.read(unit[1]))
    ids = [notebooks.nbgrader_meta(c).get("grade_id") for c in restored.cells]
    assert ids.index("unit97_scale") == ids.index("unit97_scale_impl") + 1


def test_points_always_come_from_the_source(unit):
    result = grade(unit, tamper(unit[1], "points"))
    assert result.max_score == 4.0 and scores(result)["unit97_scale"] == 3.0
    assert any("points changed" in m for m in result.integrity)


def test_predictions_are_arrays_on_both_sides(unit):
    result = grade(unit, release(unit[1]))
    predict = next(c for c in result.cells[0].checks if c.name == "test_predict")
    assert predict.passed and isinstance(np.ones(1), np.ndarray)


UNIT01 = Path(__file__).resolve().parents[2] / "solutions" / "unit01" / "unit01.ipynb"


@pytest.mark.slow
@pytest.mark.skipif(not UNIT01.is_file(), reason="solutions/unit01 is not written yet")
def test_unit01_source_scores_full_marks_in_isolation():
    # The source notebook runs as its own submission: its answers are the reference ones.
    result = grade_notebook(UNIT01, source=UNIT01)
    assert (result.status, result.reason, result.integrity) == ("ok", "", [])
    assert result.score == result.max_score > 0, [
        c.to_dict() for c in result.cells if c.score < c.points
    ]
