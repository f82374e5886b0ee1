"""The runner: pytest in-process, partial credit, and failures that never crash grading."""

import numpy as np
import pytest

from autograder.contract.runner import check_module, render_text, run_checks
from autograder.contract.submission import InKernelSubmission

CHECKS = """
import numpy as np
import pytest
from course_lib.testing import assert_close


def test_small(submission):
    assert_close(submission.call("double", np.arange(3.0)), [0.0, 2.0, 4.0], name="double")


@pytest.mark.weight(3)
def test_negative(submission):
    assert_close(submission.call("double", -np.ones(2)), [-2.0, -2.0], name="double(-1)")
"""


@pytest.fixture
def checks_root(tmp_path):
    (tmp_path / "unit98").mkdir()
    (tmp_path / "unit98" / "test_double.py").write_text(CHECKS)
    (tmp_path / "unit98" / "test_broken.py").write_text("import does_not_exist\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return tmp_path


def grade(checks_root, double, grade_id="unit98_double"):
    submission = InKernelSubmission({"double": double})
    return run_checks(grade_id, submission, points=4, checks_root=checks_root)


def test_right_answer_earns_all_points(checks_root):
    result = grade(checks_root, lambda x: 2 * np.asarray(x))
    assert result.score == 4.0
    assert [c.passed for c in result.checks] == [True, True]


def test_partial_credit_is_weighted(checks_root):
    # Correct only for non-negative inputs: passes the weight-1 check, fails the weight-3 one.
    result = grade(checks_root, lambda x: 2 * np.abs(np.asarray(x)))
    assert result.score == 1.0
    failed = [c for c in result.checks if not c.passed]
    assert failed[0].name == "test_negative"
    assert "double(-1): values differ" in failed[0].message
    assert "expected -2, got 2" in failed[0].message


def test_student_exception_fails_checks_without_raising(checks_root):
    def crash(x):
        raise RuntimeError("boom")

    result = grade(checks_root, crash)
    assert result.score == 0.0
    assert "calling double raised RuntimeError: boom" in result.checks[0].message


def test_broken_check_module_scores_zero_with_reason(checks_root):
    result = grade(checks_root, lambda x: x, grade_id="unit98_broken")
    assert result.score == 0.0
    assert "could not be loaded" in result.error and "does_not_exist" in result.error


def test_unknown_grade_id_scores_zero(checks_root):
    result = grade(checks_root, lambda x: x, grade_id="unit98_nothing")
    assert result.score == 0.0 and "no hidden checks" in result.error


@pytest.mark.parametrize(
    "bad", ["softmax", "unitX_a", "unit02"], ids=["no-unit", "bad-unit", "no-name"]
)
def test_malformed_grade_ids_are_refused(bad):
    with pytest.raises(ValueError, match="grade_id must look like"):
        check_module(bad)


def test_render_text_lists_checks_and_messages(checks_root):
    result = grade(checks_root, lambda x: 2 * np.abs(np.asarray(x)))
    text = render_text(result)
    assert text.startswith("unit98_double: 1 / 4 points")
    assert "[PASS] test_small" in text and "[FAIL] test_negative" in text
    assert "values differ" in text
    assert "values differ" not in render_text(result, show_details=False)
