"""Sample submissions per unit: planted mistakes (mutants) and the demo's student roles.

Each unit has a module ``autograder.authoring.samples.unitNN`` defining:

- ``MUTANTS``: a list of :class:`autograder.contract.notebook.Mutant`, at least one per graded
  function, each proving that its hidden checks fail on a wrong answer;
- ``DEMO``: which mutant plays each demo role, ``{"planted_bug": name, "weak_model": name}``;
- optionally ``RESULTS_NOT_REUSED``: answer cells (grade_ids) whose results, a trained
  network say, no later graded cell reads, so a packed submission restores only their
  definitions after a mistake's span (see ``autograder.authoring.packing``).

Like the checks, these are instructor material: they spell out wrong answers next to
right ones, so they never ship to students.
"""

from __future__ import annotations

import importlib

from autograder.contract.notebook import Mutant

DEMO_ROLES = ("planted_bug", "weak_model")


def mutants(unit: str) -> list[Mutant]:
    """The planted mistakes for ``unit`` (empty when the unit has none yet)."""
    return list(_module(unit).MUTANTS) if _module(unit) else []


def demo_roles(unit: str) -> dict[str, Mutant]:
    """role → mutant for the demo's planted_bug and weak_model students."""
    module = _module(unit)
    if module is None:
        return {}
    by_name = {m.name: m for m in module.MUTANTS}
    return {role: by_name[name] for role, name in module.DEMO.items()}


def results_not_reused(unit: str) -> frozenset[str]:
    """Answer cells of ``unit`` whose restore re-runs only their definitions."""
    return frozenset(getattr(_module(unit), "RESULTS_NOT_REUSED", ()))


def _module(unit: str):
    name = f"autograder.authoring.samples.{unit}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # a real import error inside the module: let it show
            raise
        return None
