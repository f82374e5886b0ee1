"""Each unit's sample students, graded once per test session through plain nbgrader."""

from __future__ import annotations

import pytest

from autograder.authoring import samples
from autograder.authoring.pipeline import UnitRun, run_unit
from autograder.course.directory import Course, units

_RUNS: dict[str, UnitRun] = {}
UNITS = units()
# The units' contract runs, costliest first (the durations pytest prints in CI, less what a
# change is expected to save until a run measures it again). Two workers share them best
# when the long ones start first and the short ones fill the end; an order that has gone
# stale costs balance, never a result. Units not listed go last.
COSTLIEST_FIRST = (
    "unit08", "unit04", "unit10", "unit03", "unit06",
    "unit09", "unit05", "unit07", "unit01", "unit02",
)  # fmt: skip


def by_unit(unit: str, *rest: str):
    # One xdist group per unit: a unit's samples are graded once, on one worker.
    return pytest.param(
        unit, *rest, marks=pytest.mark.xdist_group(unit), id="-".join((unit, *rest))
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests asking for ``unit`` run for every unit; ``unit, mutant`` for every mutant."""
    if "mutant" in metafunc.fixturenames:
        pairs = [by_unit(u, m.name) for u in UNITS for m in samples.mutants(u)]
        metafunc.parametrize("unit, mutant", pairs)
    elif "unit" in metafunc.fixturenames:
        metafunc.parametrize("unit", [by_unit(u) for u in UNITS])


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """unit → its UnitRun (release, every sample handed in, nbgrader autograde)."""

    def get(unit: str) -> UnitRun:
        if unit not in _RUNS:
            course = Course.create(tmp_path_factory.mktemp(unit), [unit])
            _RUNS[unit] = run_unit(course, unit, which="all")
        return _RUNS[unit]

    return get


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The contract tests first, by unit, costliest first (pytest-xdist hands out in order)."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        marker = item.get_closest_marker("xdist_group")
        unit = marker.args[0] if marker and marker.args else None
        if unit not in UNITS:
            return (1, 0)
        order = COSTLIEST_FIRST.index(unit) if unit in COSTLIEST_FIRST else len(COSTLIEST_FIRST)
        return (0, order)

    items.sort(key=rank)  # stable: each unit's tests keep their order

