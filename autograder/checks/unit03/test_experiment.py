"""Hidden checks for unit03_experiment: five optimizers train the digits MLP.

The final training losses are read by name; the optimizers must be the student's own
classes (read from the source of make_experiment). The final losses alone do not show
whether the comparison is fair, so the setup is checked too: the same 10 epochs for every
run, the optimizer actually reaching training, and train_with seeding before it builds the
model and handing its arguments on to training.fit. train_with returns a History, which
is not plain data, so those two are read from its source.
"""

import ast
import math
import textwrap

import numpy as np
import pytest

from autograder.checks.unit03.common import KERAS_OPTIMIZER_NAMES, assert_from_scratch
from autograder.contract.kit import names_used
from course_lib.testing import CheckFailure

NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
CLASSES = ("ScratchSGD", "ScratchMomentum", "ScratchNesterov", "ScratchRMSprop", "ScratchAdam")
MAX_FINAL_LOSS = 1.0  # chance level is ln 10 = 2.30
MAX_ADAM_LOSS = 0.25  # the reference reaches about 0.08


def final_losses(submission) -> dict[str, float]:
    losses = submission.read("final_losses")
    if not isinstance(losses, dict):
        raise CheckFailure(
            f"final_losses should be a dict name -> loss, got {type(losses).__name__}"
        )
    missing = [name for name in NAMES if name not in losses]
    if missing:
        raise CheckFailure(f"final_losses lacks {missing}, got keys {sorted(losses)}")
    bad = {n: losses[n] for n in NAMES if not isinstance(losses[n], (int, float))}
    if bad:
        raise CheckFailure(f"final_losses should hold numbers, got {bad}")
    return {name: float(losses[name]) for name in NAMES}


def test_every_optimizer_learns(submission):
    losses = final_losses(submission)
    failing = {n: v for n, v in losses.items() if not (math.isfinite(v) and v < MAX_FINAL_LOSS)}
    if failing:
        shown = ", ".join(f"{n}: {v:.4g}" for n, v in failing.items())
        raise CheckFailure(
            f"every optimizer should reach a final training loss below {MAX_FINAL_LOSS} "
            f"(chance level is ln 10 = 2.30); final_losses has {shown}"
        )


@pytest.mark.weight(2)
def test_adam_final_loss(submission):
    loss = final_losses(submission)["adam"]
    if not (math.isfinite(loss) and loss < MAX_ADAM_LOSS):
        raise CheckFailure(
            f"final_losses['adam'] (Adam's final training loss) is {loss:.4g}, "
            f"needs to be below {MAX_ADAM_LOSS}"
        )


@pytest.mark.gate
def test_uses_own_optimizers(submission):
    source = submission.source("make_experiment")
    if source is None:
        raise CheckFailure("could not read the source of make_experiment; is it a plain function?")
    used = names_used(source)
    missing = [name for name in CLASSES if name not in used]
    keras_names = sorted(used & KERAS_OPTIMIZER_NAMES)
    if missing or keras_names:
        raise CheckFailure(
            "make_experiment must build every optimizer from your own classes "
            f"({', '.join(CLASSES)}); "
            + (f"it does not use {missing}" if missing else "")
            + ("; " if missing and keras_names else "")
            + (f"it uses Keras' {', '.join(keras_names)}" if keras_names else "")
        )
    # The classes themselves: matching Keras is worth nothing when one *is* Keras.
    for name in CLASSES:
        assert_from_scratch(submission, name)


EPOCHS = 10  # the experiment's budget, the same for every optimizer
SEEDERS = frozenset({"seed_everything", "set_random_seed"})
MODEL_BUILDERS = frozenset({"build_mlp", "Sequential", "Model", "Dense", "Input", "clone_model"})
FIT_ARGUMENTS = ("optimizer", "epochs", "batch_size", "seed")


def loss_curves(submission) -> dict[str, np.ndarray]:
    curves = submission.read("loss_curves")
    if not isinstance(curves, dict) or any(name not in curves for name in NAMES):
        raise CheckFailure(
            f"loss_curves should be a dict name -> list of per-epoch losses with keys {NAMES}"
        )
    return {name: np.asarray(curves[name], dtype=np.float64).ravel() for name in NAMES}


def test_same_epochs_for_every_optimizer(submission):
    """Same number of steps: every run trains the 10 epochs given and final_losses holds
    its last loss. More epochs (for one optimizer or all) make the thresholds easy to
    reach and the comparison unfair; the final losses alone do not show it."""
    curves, losses = loss_curves(submission), final_losses(submission)
    lengths = {name: curve.size for name, curve in curves.items()}
    if any(n != EPOCHS for n in lengths.values()):
        raise CheckFailure(
            f"every optimizer should train for the experiment's {EPOCHS} epochs; the "
            f"loss_curves have {lengths} epochs"
        )
    stale = [n for n in NAMES if not np.isclose(losses[n], curves[n][-1], equal_nan=True)]
    if stale:
        raise CheckFailure(
            f"final_losses should hold the last value of each loss curve; it does not for {stale}"
        )


def test_each_optimizer_trains(submission):
    """The optimizer reaches training: the runs do not share one loss curve.

    A train_with that never hands its optimizer to fit trains every run with fit's default
    (Adam), so all five curves coincide and every final loss looks like Adam's. Two equal
    curves alone are not charged here: a Nesterov step that reduces to classical momentum
    gives them, and the Nesterov cell already costs that mistake.
    """
    curves = loss_curves(submission)
    groups: list[list[str]] = []
    for name in NAMES:
        for group in groups:
            first = curves[group[0]]
            if first.shape == curves[name].shape and np.allclose(first, curves[name], rtol=1e-9):
                group.append(name)
                break
        else:
            groups.append([name])
    shared = max(groups, key=len)
    if len(shared) >= 3:
        raise CheckFailure(
            f"the loss curves of {', '.join(shared)} are identical: those runs did not train "
            "with their own optimizers (does train_with pass its optimizer to training.fit?)"
        )


def _train_with_calls(submission) -> list[ast.Call]:
    """The calls in train_with's source, in source order."""
    source = submission.source("train_with")
    if source is None:
        raise CheckFailure("could not read the source of train_with; is it a plain function?")
    calls = [n for n in ast.walk(ast.parse(textwrap.dedent(source))) if isinstance(n, ast.Call)]
    return sorted(calls, key=_at)


def _called(call: ast.Call) -> str:
    return ast.unparse(call.func).split(".")[-1]


def _at(call: ast.Call) -> tuple[int, int]:
    return call.lineno, call.col_offset


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def test_train_with_seeds_before_building(submission):
    """Same initial weights: train_with seeds with its own seed (seed_everything(seed))
    before it builds the model, so every optimizer starts from the same network. Seeding
    after building, or not at all, gives each run other weights; the losses stay low."""
    calls = _train_with_calls(submission)
    seeding = [
        c
        for c in calls
        if _called(c) in SEEDERS and any(_mentions(a, "seed") for a in c.args + c.keywords)
    ]
    building = [
        c for c in calls if _called(c) in MODEL_BUILDERS or submission.defines(_called(c))
    ] or [c for c in calls if _called(c) == "fit"]
    if not seeding:
        raise CheckFailure(
            "train_with should call course_lib.seed_everything(seed) with its seed argument "
            "before it builds the model, so that every optimizer starts from the same weights"
        )
    if building and _at(building[0]) < _at(seeding[0]):
        raise CheckFailure(
            f"train_with calls {_called(building[0])} before seed_everything(seed): the model is "
            "built from unseeded weights, so the optimizers do not start from the same network"
        )


def test_train_with_passes_its_arguments(submission):
    """Same setup for every run: train_with trains with training.fit and hands it the
    optimizer, epochs, batch_size and seed it was given. A hard-coded value, or fit's own
    default (optimizer Adam, batch size 32, seed 0), ignores what the caller asked for."""
    calls = _train_with_calls(submission)
    fits = [c for c in calls if _called(c) == "fit"]
    if not fits:
        raise CheckFailure("train_with should train the model with course_lib.training.fit")
    passed = {k.arg: k.value for k in fits[0].keywords if k.arg}
    missing = [a for a in FIT_ARGUMENTS if not (a in passed and _mentions(passed[a], a))]
    if missing:
        shown = ", ".join(f"{a}={a}" for a in missing)
        raise CheckFailure(
            f"train_with should pass its own arguments to training.fit ({shown}); it "
            f"ignores its {', '.join(missing)}"
        )
