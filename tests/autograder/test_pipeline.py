"""Planted mistakes share submissions and stop after the cells they cost (contract time)."""

import nbformat
import pytest

from autograder.authoring import cells as authoring
from autograder.authoring.packing import (
    RESTORE_KEY,
    definitions_of,
    graded_in,
    plan,
    plant,
    span_of,
)
from autograder.contract import notebook as notebooks
from autograder.contract.notebook import Mutant

STUB = "def {name}(x):\n    raise NotImplementedError()\n"
NAMES = "abcd"


def _notebook(answer: str) -> nbformat.NotebookNode:
    """Graded functions a..d, each an answer cell, a given cell and its test cell."""
    parts = []
    for name in NAMES:
        parts.append(authoring.solution(answer.format(name=name), f"toy_{name}_impl"))
        parts.append(authoring.code(f"{name}_value = {name}(1)"))
        parts.append(authoring.tests(f"assert {name}(1) == 2", f"toy_{name}", points=1))
    return authoring.notebook(parts)


def _answers(nb) -> dict[str, str]:
    return {
        meta["grade_id"]: cell.source
        for cell in nb.cells
        if (meta := notebooks.nbgrader_meta(cell)).get("solution")
    }


def _mutant(name: str, cell: str, *costs: str, solo: bool = False) -> Mutant:
    return Mutant(name, f"toy_{cell}_impl", "2 * x", "2 + x",
                  expected=dict.fromkeys((f"toy_{c}" for c in costs), 0.0), solo=solo)  # fmt: skip


REFERENCE = _notebook("def {name}(x):\n    return 2 * x\n")
RELEASE = _notebook(STUB)


def test_answers_after_the_last_declared_cell_are_the_stubs():
    nb, skipped = plant(REFERENCE, RELEASE, [_mutant("a_adds", "a", "a")])
    answers = _answers(nb)
    assert answers["toy_a_impl"].strip().endswith("return 2 + x")  # the mistake itself stays
    assert answers["toy_b_impl"].strip() == STUB.format(name="b").strip()
    assert answers["toy_d_impl"].strip() == STUB.format(name="d").strip()
    assert skipped == ["toy_b", "toy_c", "toy_d"]
    assert _answers(REFERENCE)["toy_b_impl"].strip().endswith("return 2 * x")  # not modified


def test_a_mistake_that_spreads_keeps_every_cell_it_declares():
    mutant = _mutant("a_adds", "a", "a", "c")
    nb, skipped = plant(REFERENCE, RELEASE, [mutant])
    assert skipped == ["toy_d"]
    assert graded_in(REFERENCE, span_of(REFERENCE, mutant)) == ["toy_a", "toy_b", "toy_c"]
    assert _answers(nb)["toy_c_impl"] == _answers(REFERENCE)["toy_c_impl"]


def test_a_mutant_must_declare_a_cell_at_or_after_its_own():
    with pytest.raises(ValueError, match="declares no cell after the one it edits"):
        span_of(REFERENCE, _mutant("c_adds", "c", "a"))


def test_a_mutant_naming_a_missing_cell_is_reported():
    with pytest.raises(ValueError, match=r"lacks: \['toy_z'\]"):
        span_of(REFERENCE, _mutant("a_adds", "a", "z"))


def test_spans_that_do_not_overlap_share_a_submission():
    a, b, c = _mutant("a", "a", "a"), _mutant("b", "b", "b", "c"), _mutant("c", "c", "c")
    d = _mutant("d", "d", "d")
    groups = plan(REFERENCE, [d, c, b, a])
    # c overlaps b's span (b costs toy_c), so it opens a second submission; d joins the
    # one that ended latest before it (b's), leaving the other one short.
    assert [[m.name for m in g] for g in groups] == [["a", "b", "d"], ["c"]]


def test_a_solo_mistake_gets_a_submission_of_its_own():
    groups = plan(REFERENCE, [_mutant("a", "a", "a", solo=True), _mutant("c", "c", "c")])
    assert [[m.name for m in g] for g in groups] == [["a"], ["c"]]


def test_the_reference_code_of_a_span_runs_again_after_it():
    nb, skipped = plant(REFERENCE, RELEASE, [_mutant("a", "a", "a"), _mutant("c", "c", "c")])
    restored = [cell for cell in nb.cells if cell.metadata.get(RESTORE_KEY) == "a"]
    # the answer and the given cell of a's span, in their reference form; not its test
    assert [cell.source for cell in restored] == [
        REFERENCE.cells[0].source,
        REFERENCE.cells[1].source,
    ]
    position = nb.cells.index(restored[0])
    assert notebooks.nbgrader_meta(nb.cells[position - 1])["grade_id"] == "toy_a"
    assert "2 + x" in _answers(nb)["toy_c_impl"] and skipped == ["toy_d"]
    assert not any(RESTORE_KEY in cell.metadata for cell in nb.cells if "c_value" in cell.source)


def test_a_cell_whose_results_are_not_reused_restores_only_its_definitions():
    answer = "import math\n\n\n@staticmethod\ndef a(x):\n    return 2 * x\n\n\nmodel = a(3)\nprint(model)\n"
    reference = authoring.notebook([
        authoring.solution(answer, "toy_a_impl"),
        authoring.tests("assert a(1) == 2", "toy_a", points=1),
        *REFERENCE.cells[3:],
    ])  # fmt: skip
    mutants = [_mutant("a", "a", "a"), _mutant("c", "c", "c")]
    nb, _ = plant(reference, RELEASE, mutants, definitions_only={"toy_a_impl"})
    restored = [cell.source for cell in nb.cells if cell.metadata.get(RESTORE_KEY) == "a"]
    # the training-like lines (model = ..., print) are not run again; the decorator stays
    assert restored == ["import math\n\n\n@staticmethod\ndef a(x):\n    return 2 * x\n"]
    # without the declaration the whole cell runs again
    nb, _ = plant(reference, RELEASE, mutants)
    assert [c.source for c in nb.cells if c.metadata.get(RESTORE_KEY) == "a"] == [
        reference.cells[0].source
    ]


def test_definitions_of_keeps_nothing_from_a_cell_of_statements():
    assert definitions_of("x = 1\nprint(x)\n") == ""
    with pytest.raises(ValueError, match="does not parse"):
        definitions_of("%timeit f()\n")


def test_overlapping_spans_cannot_be_planted_together():
    with pytest.raises(ValueError, match="overlapping"):
        plant(REFERENCE, RELEASE, [_mutant("a", "a", "a", "b"), _mutant("b", "b", "b")])


def test_a_packed_submission_runs_and_scores_each_span_alone(tmp_path):
    # Execute the packed notebook: a's mistake must not leak into b's or c's cells.
    from nbclient import NotebookClient

    mutants = [_mutant("a", "a", "a"), _mutant("c", "c", "c")]
    nb, _ = plant(REFERENCE, RELEASE, mutants)
    for cell in nb.cells:  # the bare assertion, without the grading kit around it
        if notebooks.is_test_cell(cell):
            name = notebooks.nbgrader_meta(cell)["grade_id"].removeprefix("toy_")
            earlier = NAMES[: NAMES.index(name) + 1]  # b's cell needs a_value restored to 2
            cell.source = (
                f"assert {name}(1) == 2 and " + " == ".join(f"{n}_value" for n in earlier) + " == 2"
            )
    NotebookClient(nb, timeout=60, allow_errors=True).execute()
    failed = {
        notebooks.nbgrader_meta(cell)["grade_id"]
        for cell in nb.cells
        if notebooks.is_test_cell(cell) and any(o.output_type == "error" for o in cell.outputs)
    }
    assert failed == {"toy_a", "toy_c", "toy_d"}  # b keeps full marks; d's answer is a stub


def test_whole_hands_in_each_chosen_mistake_alone():
    from autograder.authoring import samples
    from autograder.authoring.pipeline import REFERENCE as REFERENCE_STUDENT
    from autograder.authoring.pipeline import sample_students

    chosen = ("td_targets_without_terminal_mask", "dqn_loss_summed")
    # The whole mode needs no release: nothing is packed, so the course is never read.
    students = sample_students(None, "unit09", only=chosen, whole=True)
    by_name = {m.name: m for m in samples.mutants("unit09")}
    assert students == {REFERENCE_STUDENT: [], **{name: [by_name[name]] for name in chosen}}


def test_reach_finds_the_later_cells_that_run_a_mistaken_function():
    from autograder.authoring.reach import later_readers

    # b's answer calls a; c's test reads b_value, which b's cell computes from a.
    reference = authoring.notebook([
        authoring.solution("def a(x):\n    return 2 * x\n", "toy_a_impl"),
        authoring.tests("assert a(1) == 2", "toy_a", points=1),
        authoring.code("fig = a(3)"),  # a given cell: plots feed no check
        authoring.solution("def b(x):\n    return a(x) + 1\n\n\nb_value = b(1)\n", "toy_b_impl"),
        authoring.tests("assert b(1) == 3", "toy_b", points=1),
        authoring.solution("def c(x):\n    fig = 0\n    return x\n", "toy_c_impl"),
        authoring.tests("fig = 1\nassert c(fig) == 1", "toy_c", points=1),
        authoring.solution("def d(x):\n    return x\n", "toy_d_impl"),
        authoring.tests("assert d(b_value) == 3", "toy_d", points=1),
    ])  # fmt: skip
    a_mistake = Mutant("a", "toy_a_impl", "2 * x", "2 + x", expected={"toy_a": 0.0})
    assert later_readers(reference, a_mistake) == ["toy_b", "toy_d"]
    declared = Mutant("a", "toy_a_impl", "2 * x", "2 + x", expected={"toy_a": 0.0, "toy_b": 0.0})
    assert later_readers(reference, declared) == ["toy_d"]
