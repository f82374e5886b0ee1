"""Release a unit, hand in sample submissions, autograde them: the shared pipeline.

The demo, the contract tests and the benchmarks all grade through here, so what they
show is one and the same path through plain nbgrader.

The contract run plants a unit's mistakes several to a submission
(``autograder.authoring.packing``): mistakes acting on disjoint stretches of the notebook
share one run, which stops after the last of them, so a unit costs a handful of notebook
runs instead of one per mistake. The demo's students run whole notebooks, one mistake
each.

What packing cannot see is a mistake's cost beyond its span: the restore hands the later
cells the reference's functions, where a student's notebook would hand them the mistaken
ones (a wrong TD target reaches the DQN that trains with it). ``--whole`` grades chosen
mistakes the demo's way, each alone in a whole notebook, and flags every cell whose score
differs from the declaration, so an author can see such a cost and declare it.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.authoring import packing, reach, samples, trivial
from autograder.contract import notebook as notebooks
from autograder.contract.notebook import Mutant
from autograder.course.directory import Course

REFERENCE = "reference"
BLANK = "blank"
# Every answer a body that does no work (see autograder.authoring.trivial): must score 0.
TRIVIAL = {f"trivial_{kind}": kind for kind in trivial.BODIES}
# Submissions carrying several planted mistakes are named mistakes_01, mistakes_02, ...
PACKED = "mistakes_{:02d}"


@dataclass
class UnitRun:
    """One unit graded for a set of sample students."""

    unit: str
    course: Course
    # student -> the mistakes planted in their submission, in hand-in order
    students: dict[str, list[Mutant]] = field(default_factory=dict)
    scores: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    seconds: float = 0.0
    # student -> the graded cells whose answers their run reset (see the module docstring)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    # mutant name -> the graded cells inside its span
    reach: dict[str, list[str]] = field(default_factory=dict)

    def submission_of(self, mutant: str) -> str:
        """The student whose submission carries ``mutant``."""
        for student, planted in self.students.items():
            if any(m.name == mutant for m in planted):
                return student
        raise KeyError(f"no submission carries mutant {mutant!r}")

    def mutant(self, name: str) -> Mutant:
        return next(m for m in self.students[self.submission_of(name)] if m.name == name)

    def expected(self, student: str) -> dict[str, float]:
        """grade_id → the score ``student`` should get, from the mutants' declarations."""
        full = {gid: maximum for gid, (_, maximum) in self.scores[REFERENCE].items()}
        if student == BLANK or student in TRIVIAL:
            return dict.fromkeys(full, 0.0)
        expected = {**full, **dict.fromkeys(self.skipped.get(student, ()), 0.0)}
        for mutant in self.students.get(student, ()):
            expected.update(mutant.expected)
        return expected

    def judged(self, student: str) -> list[str]:
        """The graded cells whose scores say something about ``student``'s answers."""
        skipped = set(self.skipped.get(student, ()))
        return [gid for gid in self.scores[student] if gid not in skipped]


def hand_in(
    course: Course, unit: str, students: dict[str, list[Mutant]], *, whole: bool = False
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Write each sample student's notebook into submitted/ (release must exist).

    Args:
        students: student → the mistakes to plant (none for the reference, blank and
            trivial students).
        whole: run each student's whole notebook (the demo) instead of stopping after
            the last cell their mistakes cost.

    Returns:
        student → the graded cells their run skips (answers reset to the stub), and
        mutant → the graded cells inside its span.
    """
    reference = course.reference(unit)
    # Read once: the blank, trivial and stopped-early students are all built from these.
    release = notebooks.read(course.release_notebook(unit))
    source = notebooks.read(course.source_notebook(unit))
    skipped: dict[str, list[str]] = {}
    reach: dict[str, list[str]] = {}
    for student, planted in students.items():
        if student == BLANK:
            nb = release
        elif student in TRIVIAL:
            nb = trivial.trivial_submission(source, release, TRIVIAL[student])
        elif not planted:
            nb = reference
        elif whole:
            nb = reference
            for mutant in planted:
                nb = mutant.apply(nb)
        else:
            nb, skipped[student] = packing.plant(
                reference, release, planted, definitions_only=samples.results_not_reused(unit)
            )
        for mutant in planted:
            reach[mutant.name] = packing.graded_in(reference, packing.span_of(reference, mutant))
        course.submit(student, unit, nb)
    return skipped, reach


def sample_students(
    course: Course,
    unit: str,
    *,
    which: str = "all",
    only: tuple[str, ...] = (),
    whole: bool = False,
) -> dict[str, list[Mutant]]:
    """The sample students for ``unit`` (its release must exist) and their mistakes.

    Args:
        which: ``"all"`` (reference, blank, the trivial submissions and every mutant,
            several to a submission) or ``"demo"`` (reference, blank and the demo roles,
            one mistake each).
        only: when given, just the reference and these mutants (an author trying a few),
            planted as the contract run plants them.
        whole: each mutant a student of its own (named after it) who hands in the whole
            notebook with just that mistake: those of ``only``, or else every mutant whose
            function a graded cell after its span uses (``autograder.authoring.reach``).
    """
    if which not in ("all", "demo"):
        raise ValueError(f"which must be 'all' or 'demo', got {which!r}")
    students: dict[str, list[Mutant]] = {REFERENCE: []}
    mutants = samples.mutants(unit)
    if only:
        by_name = {m.name: m for m in mutants}
        unknown = sorted(set(only) - set(by_name))
        if unknown:
            raise ValueError(f"no mutants named {unknown} in {unit}")
        mutants = [by_name[name] for name in only]
    elif whole:
        reference = course.reference(unit)
        mutants = [m for m in mutants if reach.later_readers(reference, m)]
    if whole:
        students.update({m.name: [m] for m in mutants})
        return students
    if which == "demo" and not only:
        students[BLANK] = []
        students.update({role: [m] for role, m in samples.demo_roles(unit).items()})
        return students
    if not only:
        students[BLANK] = []
        students.update({name: [] for name in TRIVIAL})
    groups = packing.plan(course.reference(unit), mutants)
    students.update({PACKED.format(i): group for i, group in enumerate(groups, start=1)})
    return students


def run_unit(
    course: Course,
    unit: str,
    *,
    which: str = "all",
    only: tuple[str, ...] = (),
    whole: bool = False,
) -> UnitRun:
    """Release ``unit`` in ``course``, hand in its sample students, autograde them all.

    ``whole``: see ``sample_students``; those students run the whole notebook.
    """
    started = time.perf_counter()
    course.nbgrader("generate_assignment", unit, "--force", "--log-level=WARN")
    students = sample_students(course, unit, which=which, only=only, whole=whole)
    whole_notebooks = whole or (which == "demo" and not only)
    skipped, reach = hand_in(course, unit, students, whole=whole_notebooks)
    course.nbgrader("autograde", unit, "--force", "--log-level=WARN")
    run = UnitRun(unit=unit, course=course, students=students, scores=course.scores(unit),
                  skipped=skipped, reach=reach)  # fmt: skip
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
    parser.add_argument("--whole", action="store_true",
                        help="each mutant alone in a whole notebook, as a student with just that "
                             "mistake would hand it in: those of --only, or else every mutant whose "
                             "function a graded cell after its span uses")  # fmt: skip
    args = parser.parse_args()
    unknown = sorted(set(args.only) - {m.name for m in samples.mutants(args.unit)})
    if unknown:  # the author's typo: say so before a release is built
        parser.error(f"no mutants named {unknown} in {args.unit}")
    course = Course.create(args.course_dir, [args.unit])
    run = run_unit(course, args.unit, which=args.which, only=tuple(args.only), whole=args.whole)
    for student, cells in sorted(run.scores.items()):
        expected = run.expected(student)
        planted = ", ".join(m.name for m in run.students.get(student, ()))
        print(f"{student}" + (f" ({planted})" if planted else ""))
        # An author trying a few mutants wants to read the message each one gets.
        show = set(run.judged(student)) if args.only and student != REFERENCE else set()
        for grade_id, (score, maximum) in cells.items():
            flag = "" if abs(score - expected.get(grade_id, maximum)) < 1e-9 else "  <-- unexpected"
            print(f"  {grade_id:32s} {score:5g} / {maximum:g}{flag}")
            if grade_id in show and score < maximum:
                print(course.cell_output(student, args.unit, grade_id))
    print(f"graded in {run.seconds:.0f} s; course at {course.root}")


if __name__ == "__main__":
    main()
