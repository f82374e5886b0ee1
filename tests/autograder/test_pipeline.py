"""A planted mistake's run stops after the cells it costs (the contract tests' time)."""

import nbformat
import pytest

from autograder.authoring import cells as authoring
from autograder.authoring.pipeline import stop_after_mistake
from autograder.contract import notebook as notebooks
from autograder.contract.notebook import Mutant

STUB = "def {name}(x):\n    raise NotImplementedError()\n"


def _notebook(answer: str) -> nbformat.NotebookNode:
    """Three graded functions a, b, c, each an answer cell followed by its test cell."""
    parts = []
    for name in "abc":
        parts.append(authoring.solution(answer.format(name=name), f"toy_{name}_impl"))
        parts.append(authoring.tests(f"assert {name}(1) == 2", f"toy_{name}", points=1))
    return authoring.notebook(parts)


def _answers(nb) -> dict[str, str]:
    return {
        meta["grade_id"]: cell.source
        for cell in nb.cells
        if (meta := notebooks.nbgrader_meta(cell)).get("solution")
    }


REFERENCE = _notebook("def {name}(x):\n    return 2 * x\n")
RELEASE = _notebook(STUB)


def test_answers_after_the_last_declared_cell_are_the_stubs():
    mutant = Mutant("a_adds", "toy_a_impl", "2 * x", "2 + x", expected={"toy_a": 0.0})
    nb, skipped = stop_after_mistake(mutant.apply(REFERENCE), RELEASE, mutant)
    answers = _answers(nb)
    assert answers["toy_a_impl"].strip().endswith("return 2 + x")  # the mistake itself stays
    assert answers["toy_b_impl"].strip() == STUB.format(name="b").strip()
    assert answers["toy_c_impl"].strip() == STUB.format(name="c").strip()
    assert skipped == ["toy_b", "toy_c"]
    assert _answers(REFERENCE)["toy_b_impl"].strip().endswith("return 2 * x")  # not modified


def test_a_mistake_that_spreads_keeps_every_cell_it_declares():
    mutant = Mutant("a_adds", "toy_a_impl", "2 * x", "2 + x",
                    expected={"toy_a": 0.0, "toy_c": 0.0})  # fmt: skip
    nb, skipped = stop_after_mistake(mutant.apply(REFERENCE), RELEASE, mutant)
    assert skipped == [] and _answers(nb) == _answers(mutant.apply(REFERENCE))


def test_a_mutant_must_declare_a_cell_at_or_after_its_own():
    mutant = Mutant("c_adds", "toy_c_impl", "2 * x", "2 + x", expected={"toy_a": 0.0})
    with pytest.raises(ValueError, match="declares no cell after the one it edits"):
        stop_after_mistake(mutant.apply(REFERENCE), RELEASE, mutant)
