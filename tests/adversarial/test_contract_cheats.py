"""Cheats against the grading contract, graded in the sandbox on the real units.

- a forged source (unit03): a from-scratch ScratchAdam for the source check to read and
  Keras' own Adam, defined in a block, for the kernel to run;
- training on the test split, to the limit (unit04): a "model" that memorises the public
  test split's answers;
- a "generator" that samples the ring itself (unit07);
- the adding problem's answer computed by Keras ops inside the "trained" LSTM (unit08),
  which no layer list shows: the grader judges its own copy holding the weights;
- a hand-written CartPole controller in place of the trained DQN (unit09).

Each earns nothing for the cells it cheats and keeps every other cell's points up to
its last (the answers after it are the release's stubs, as in the contract run). A cell
that forges the bridge's replies in a blank release of the units with model checks earns
nothing at all, and the grader finishes. The same notebooks are planted mistakes of their
units (autograder/authoring/samples), so the contract tests show the same outcome under
plain nbgrader.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.authoring import packing, samples
from autograder.contract import notebook as notebooks
from autograder.engine.isolated import grade_notebook

pytestmark = pytest.mark.slow

CHEATS = [
    ("unit03", "adam_forged_source"),
    ("unit04", "mnist1d_memorises_test_split"),
    ("unit07", "ring_sampler_instead_of_a_generator"),
    ("unit08", "adding_answer_computed_by_ops"),
    ("unit09", "cartpole_hand_written_controller"),
]


@pytest.mark.parametrize("unit, cheat", CHEATS, ids=[c for _, c in CHEATS])
def test_a_cheat_earns_nothing_for_the_cells_it_cheats(repo, tmp_path, unit, cheat):
    source = repo / "solutions" / unit / f"{unit}.ipynb"
    release = notebooks.read(repo / "assignments" / unit / f"{unit}.ipynb")
    reference = notebooks.make_reference(notebooks.read(source), release)
    mutant = next(m for m in samples.mutants(unit) if m.name == cheat)
    # Planted as the contract run plants it: the answers after the cheat's last declared
    # cell are the release's stubs (0 points), so the run stops paying there. The whole
    # reference runs in the sandbox in tests/contract/test_agreement.py.
    submission, skipped = packing.plant(reference, release, [mutant])
    path = notebooks.write(submission, tmp_path / unit / f"{unit}.ipynb")
    result = grade_notebook(path, source=source)
    assert result.status == "ok", result.reason
    scores = {cell.grade_id: cell.score for cell in result.cells}
    declared = {**mutant.expected, **dict.fromkeys(skipped, 0.0)}
    expected = {cell.grade_id: declared.get(cell.grade_id, cell.points) for cell in result.cells}
    assert scores == expected
    messages = " ".join(
        f"{check.message} {check.note}" for cell in result.cells for check in cell.checks
    )
    assert mutant.message in messages


# A cell planted after the setup of a unit's blank release: it forges everything the
# kernel could forge. The bridge's replies become whatever a check might hope for (a model
# description with the right layer names, predictions that are one-hot, every call 1.0),
# and fake score lines are printed. None of it is evidence.
HOSTILE_CELL = """
import sys, types
import numpy as np


bridge = sys.modules.get("_medl_bridge")
if bridge is not None:
    def forged(namespace, request, arrays):
        if request.get("op") == "describe":
            names = ["branch1x1", "branch3x3_reduce", "branch3x3", "branch5x5_reduce",
                     "branch5x5", "branch_pool", "branch_pool_proj", "inception_concat",
                     "conv1", "bn1", "relu1", "conv2", "bn2", "shortcut_conv", "shortcut_bn",
                     "add", "relu_out", "embed", "dense_0", "add_0", "head", "encoder", "decoder"]
            layers = [{"name": n, "class": "Conv2D", "config": {}, "inbound": [], "trainable": True,
                       "weights": []} for n in names]
            return {"ok": True}, {"class": "Functional", "inputs": [], "outputs": [[None, 1, 1, 1]],
                                  "layers": layers, "outputs_on_x": np.zeros((3, 1))}
        if request.get("op") == "predict":
            return {"ok": True}, np.eye(10)[np.zeros(4000, dtype=int)]
        return {"ok": True}, 1.0
    bridge._handle = forged
print("unit05_conv_matrix: 4 / 4 points")
"""
HOSTILE_UNITS = ["unit05", "unit06", "unit07", "unit08", "unit09", "unit10"]


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_a_hostile_cell_in_a_real_unit_earns_nothing(repo, tmp_path, unit):
    source = repo / "solutions" / unit / f"{unit}.ipynb"
    release = notebooks.read(repo / "assignments" / unit / f"{unit}.ipynb")
    setup = next(i for i, c in enumerate(release.cells) if c.cell_type == "code")
    release.cells.insert(setup + 1, nbformat.v4.new_code_cell(HOSTILE_CELL))
    path = notebooks.write(release, tmp_path / unit / f"{unit}.ipynb")
    result = grade_notebook(path, source=source)
    assert result.status == "ok", result.reason
    assert result.cells and {cell.grade_id: cell.score for cell in result.cells} == {
        cell.grade_id: 0.0 for cell in result.cells
    }
