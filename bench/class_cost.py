"""What grading a whole class costs: per-unit grading time, and class size × units → hours.

The ``units`` section of the bench grades two copies of each unit's reference answers with
``medl grade --workers 1``, ``nbgrader autograde`` and ``jupyter nbconvert --execute``
(batch of two, then one alone; one repeat: the section is about where each unit stands,
the repeated head-to-head of the tools is section 1). This module renders that table and,
from it and the batch section's measured speed-up, the hours a class takes:

- one 2-core machine, ``--workers 2``: the sum over units of medl's seconds per
  submission, times the class size, divided by the measured two-worker speed-up;
- a 16-core machine: *projected*, not measured: the 2-core throughput per core held over
  eight times the cores (``--workers 16``, one thread each; about 1.4 GB per worker, so
  about 23 GB of memory);
- N shards (``--shard i/N`` on N 2-core machines, a Slurm array or GitHub's runners): the
  2-core figure divided by N, plus each shard's set-up (a fresh venv), paid in parallel.
"""

from __future__ import annotations

from collections.abc import Sequence

CLASS_SIZES = (100, 500)
SHARDS = (10, 50)
PROJECTED_CORES = 16
# A fresh clone's `pip install` on a 2-core runner (the CI log's set-up step, rounded up).
SHARD_SETUP_S = 240


def _num(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(value) -> str:
    return "–" if value is None else f"{value:.2f}×"


def seconds_per_student(units: Sequence[dict]) -> float:
    """medl's batch seconds per submission, summed over the measured units."""
    return sum(row["tools"]["medl"]["seconds_per_submission"] for row in units)


def class_hours(
    per_student_s: float, students: int, *, speedup: float, machines: int = 1, setup_s: float = 0
) -> float:
    """Wall-clock hours to grade ``students`` submissions of every unit.

    Args:
        per_student_s: one worker's seconds for one student's notebooks of every unit.
        speedup: throughput of one machine over one worker (measured or projected).
        machines: shards, each grading ``students / machines`` on its own machine.
        setup_s: each machine's set-up before it grades (paid once, in parallel).
    """
    per_machine = -(-students // machines)
    return (setup_s + per_machine * per_student_s / speedup) / 3600


def units_lines(section: dict) -> list[str]:
    """The per-unit grading-cost table (Markdown lines)."""
    rows = []
    for unit in sorted(section["data"]["units"], key=lambda row: row["unit"]):
        tools = unit["tools"]
        rows.append(
            [
                unit["unit"],
                _num(tools["medl"]["seconds_per_submission"]),
                _num(tools["nbgrader"]["seconds_per_submission"]),
                _num(tools["nbconvert"]["seconds_per_submission"]),
                _ratio(tools["medl"]["ratio_to_nbgrader"]),
                _num(tools["medl"].get("single_submission_s")),
                _num(tools["nbgrader"].get("single_submission_s")),
                _num(tools["nbconvert"].get("single_submission_s")),
            ]
        )
    header = ["unit", "medl, batch", "nbgrader, batch", "nbconvert, batch", "medl × nbgrader",
              "medl, alone", "nbgrader, alone", "nbconvert, alone"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * 7) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def hours_lines(units_section: dict, batch_section: dict | None) -> list[str]:
    """Class size × the measured units → hours, on one machine, a bigger one, and shards."""
    units = units_section["data"]["units"]
    speedup = (batch_section or {}).get("data", {}).get("speedup")
    if not units or not speedup:
        return ["(needs the `units` and `batch` sections)"]
    per_student = seconds_per_student(units)
    projected = speedup * PROJECTED_CORES / 2
    header = ["students", "2-core machine, 2 workers",
              f"{PROJECTED_CORES}-core machine (projected)"]  # fmt: skip
    header += [f"{n} shards of 2 cores" for n in SHARDS]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---:"] * len(header)) + "|"]
    for size in CLASS_SIZES:
        cells = [
            f"{size:,}",
            _num(class_hours(per_student, size, speedup=speedup)),
            _num(class_hours(per_student, size, speedup=projected)),
        ]
        cells += [
            _num(
                class_hours(per_student, size, speedup=speedup, machines=n, setup_s=SHARD_SETUP_S),
                2,
            )  # fmt: skip
            for n in SHARDS
        ]
        lines.append("| " + " | ".join(cells) + " |")
    names = ", ".join(sorted(row["unit"] for row in units))
    lines += [
        "",
        f"Hours for every student's notebooks of {len(units)} unit(s) ({names}): "
        f"{_num(per_student)} s of one worker per student, the two-worker speed-up "
        f"{_ratio(speedup)} from section 2; the {PROJECTED_CORES}-core column assumes that "
        f"throughput per core holds ({_ratio(projected)}), which has not been measured; each "
        f"shard adds {SHARD_SETUP_S // 60} min of set-up.",
    ]
    return lines
