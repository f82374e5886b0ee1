"""Release a unit, hand in sample submissions, autograde them: the shared pipeline.

The demo, the contract tests and the benchmarks all grade through here, so what they
show is one and the same path through plain nbgrader.

A planted mistake's notebook runs only as far as the mistake matters: every answer after
the last graded cell its mutant declares is reset to the release's stub, so the later
cells (training runs, mostly) stop at once and score 0, as they would for a blank
notebook. Those cells are the reference's business, graded in full; the demo's students
run whole notebooks.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.authoring import samples, trivial
from autograder.contract import notebook as notebooks
from autograder.contract.notebook import (
    Mutant,
    cells_by_grade_id,
    is_test_cell,
    nbgrader_meta,
)
from autograder.course.directory import Course

REFERENCE = "reference"
BLANK = "blank"
# Every answer a body that does no work (see autograder.authoring.trivial): must score 0.
TRIVIAL = {f"trivial_{kind}": kind for kind in trivial.BODIES}


@dataclass
class UnitRun:
    """One unit graded for a set of sample students."""

    unit: str
    course: Course
    mutants: dict[str, Mutant | None] = field(default_factory=dict)
    scores: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    seconds: float = 0.0
    # student -> the graded cells whose answers their run reset (see the module docstring)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def expected(self, student: str) -> dict[str, float]:
        """grade_id → the score ``student`` should get, from the mutant's declaration."""
        full = {gid: maximum for gid, (_, maximum) in self.scores[REFERENCE].items()}
        if student == BLANK or student in TRIVIAL:
            return dict.fromkeys(full, 0.0)
        mutant = self.mutants.get(student)
        skipped = dict.fromkeys(self.skipped.get(student, ()), 0.0)
        return {**full, **skipped, **(mutant.expected if mutant else {})}

    def judged(self, student: str) -> list[str]:
        """The graded cells whose scores say something about ``student``'s answers."""
        skipped = set(self.skipped.get(student, ()))
        return [gid for gid in self.scores[student] if gid not in skipped]


def stop_after_mistake(
    nb: NotebookNode, release: NotebookNode, mutant: Mutant
) -> tuple[NotebookNode, list[str]]:
    """``nb`` with every answer after ``mutant``'s last declared cell reset to its stub.

    Returns:
        The notebook and the graded cells after that point (they will score 0).

    Raises:
        ValueError: if the mutant declares no graded cell at or after the cell it edits.
    """
    position = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells)}
    if not mutant.expected:
        raise ValueError(f"mutant {mutant.name} declares no score")
    last = max(position[gid] for gid in mutant.expected)
    if position[mutant.cell] > last:
        raise ValueError(f"mutant {mutant.name} declares no cell after the one it edits")
    stubs = cells_by_grade_id(release)
    out = nbformat.from_dict(nb)
    skipped = []
    for cell in out.cells[last + 1 :]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] in stubs:
            cell.source = stubs[meta["grade_id"]].source
        elif is_test_cell(cell):
            skipped.append(meta["grade_id"])
    return out, skipped


def hand_in(
    course: Course, unit: str, students: dict[str, Mutant | None], *, whole: bool = False
) -> dict[str, list[str]]:
    """Write each sample student's notebook into submitted/ (release must exist).

    Args:
        whole: run every mutant's whole notebook (the demo) instead of stopping after
            the cells its mistake costs.

    Returns:
        student → the graded cells their run skips (answers reset to the stub).
    """
    reference = course.reference(unit)
    # Read once: the blank, trivial and stopped-early students are all built from these.
    release = notebooks.read(course.release_notebook(unit))
    source = notebooks.read(course.source_notebook(unit))
    skipped: dict[str, list[str]] = {}
    for student, mutant in students.items():
        if student == BLANK:
            nb = release
        elif student in TRIVIAL:
            nb = trivial.trivial_submission(source, release, TRIVIAL[student])
        elif mutant is None:
            nb = reference
        elif whole:
            nb = mutant.apply(reference)
        else:
            nb, skipped[student] = stop_after_mistake(mutant.apply(reference), release, mutant)
        course.submit(student, unit, nb)
    return skipped


def sample_students(
    unit: str, *, which: str = "all", only: tuple[str, ...] = ()
) -> dict[str, Mutant | None]:
    """The sample students for ``unit``.

    Args:
        which: ``"all"`` (reference, blank, the trivial submissions and every mutant) or
            ``"demo"`` (reference, blank and the demo roles).
        only: when given, just the reference and these mutants (an author trying a few).
    """
    if only:
        by_name = {m.name: m for m in samples.mutants(unit)}
        unknown = sorted(set(only) - set(by_name))
        if unknown:
            raise ValueError(f"no mutants named {unknown} in {unit}")
        return {REFERENCE: None, **{name: by_name[name] for name in only}}
    students: dict[str, Mutant | None] = {REFERENCE: None, BLANK: None}
    if which == "demo":
        students.update(samples.demo_roles(unit))
    elif which == "all":
        students.update(dict.fromkeys(TRIVIAL))
        students.update({m.name: m for m in samples.mutants(unit)})
    else:
        raise ValueError(f"which must be 'all' or 'demo', got {which!r}")
    return students


def run_unit(
    course: Course, unit: str, *, which: str = "all", only: tuple[str, ...] = ()
) -> UnitRun:
    """Release ``unit`` in ``course``, hand in its sample students, autograde them all."""
    started = time.perf_counter()
    course.nbgrader("generate_assignment", unit, "--force", "--log-level=WARN")
    students = sample_students(unit, which=which, only=only)
    skipped = hand_in(course, unit, students, whole=which == "demo" and not only)
    course.nbgrader("autograde", unit, "--force", "--log-level=WARN")
    run = UnitRun(unit=unit, course=course, mutants=students, scores=course.scores(unit),
                  skipped=skipped)  # fmt: skip
    run.seconds = time.perf_counter() - started
    return run


def main() -> None:
    """``python -m autograder.authoring.pipeline unitNN DIR``: grade a unit's samples, print scores."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("unit")
    parser.add_argument("course_dir", type=Path)
    parser.add_argument("--which", default="all", choices=["all", "demo"])
    parser.add_argument("--only", nargs="+", default=(), metavar="MUTANT",
                        help="grade just the reference and these mutants")  # fmt: skip
    args = parser.parse_args()
    course = Course.create(args.course_dir, [args.unit])
    run = run_unit(course, args.unit, which=args.which, only=tuple(args.only))
    for student, cells in sorted(run.scores.items()):
        expected = run.expected(student)
        # An author trying a few mutants wants to read the message each one gets.
        show = set(run.judged(student)) if args.only and student != REFERENCE else set()
        for grade_id, (score, maximum) in cells.items():
            flag = "" if abs(score - expected.get(grade_id, maximum)) < 1e-9 else "  <-- unexpected"
            print(f"{student:24s} {grade_id:32s} {score:5g} / {maximum:g}{flag}")
            if grade_id in show and score < maximum:
                print(course.cell_output(student, args.unit, grade_id))
    print(f"graded in {run.seconds:.0f} s; course at {course.root}")


if __name__ == "__main__":
    main()
