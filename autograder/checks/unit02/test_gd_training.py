"""Hidden checks for unit02_gd_training: softmax regression trained from scratch.

The trained ``W_gd, b_gd`` are read by name and evaluated here on the digits test split,
which the notebook never trains on.

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.

A test accuracy alone lets a wrong training loop through: a bias that is never updated, a
skipped last batch or an ignored seed still reach 0.93 on the digits. Section 7 fixes the
algorithm step for step (start, shuffling, batches, update), so ``train_softmax_regression``
is also run on small grader problems and its ``(W, b)`` compared with an independent NumPy
run of that algorithm (``common.reference_gd``).
"""

import numpy as np
import pytest

from autograder.checks.unit02.common import loss_and_grads, reference_gd
from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, names_used, rng
from course_lib import data
from course_lib.testing import (
    CheckFailure,
    assert_at_least,
    assert_close,
    assert_shape,
    rel_error,
)

TRAIN = "train_softmax_regression"
GRADS = "softmax_regression_grads"
MIN_TEST_ACCURACY = 0.93  # the reference reaches 0.958
# The student's run and the reference differ only by rounding (about 1e-15 per step).
RTOL, ATOL = 1e-7, 1e-10

# name -> (data seed, n, d, num_classes, epochs, batch_size, learning_rate, shuffle seed)
RUNS = {
    # 45 = 5 * 8 + 5: each epoch ends with a short batch of 5, which must not be dropped.
    "n45_batch8": (2701, 45, 4, 3, 3, 8, 0.3, 2704),
    # 40 = 5 * 8: exactly five batches per epoch, no empty sixth one.
    "n40_batch8": (2702, 40, 5, 4, 2, 8, 0.7, 2705),
}
# One full-batch step from W = 0, b = 0: W = -eta dW(0, 0), b = -eta db(0, 0), whatever
# the shuffling does.
ONE_STEP = (2703, 23, 4, 3, 1, 23, 0.4, 2706)


def problem(seed: int, n: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    gen = rng(seed)
    return gen.normal(size=(n, d)), gen.integers(0, k, size=n)


# The public checks' problems: four rows for one full-batch step and for two seeds, five
# equal rows in batches of 2, 2 and 1.
PUBLIC_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0], [2.0, 1.0]])
PUBLIC_Y = np.array([0, 2, 1, 2])
EQUAL_X, EQUAL_Y = np.tile([[1.0, -1.0]], (5, 1)), np.zeros(5, dtype=np.int64)


def assert_trains_like_reference(submission, spec: tuple, what: str) -> None:
    """Run the student's training and the reference on the problem ``spec``; compare (W, b)."""
    seed, n, d, k, epochs, batch_size, learning_rate, shuffle_seed = spec
    x, y = problem(seed, n, d, k)
    settings = dict(num_classes=k, epochs=epochs, batch_size=batch_size,
                    learning_rate=learning_rate, seed=shuffle_seed)  # fmt: skip
    assert_run_like_reference(submission, x, y, settings, what)


def assert_run_like_reference(
    submission, x, y, settings: dict, what: str, *, only: tuple[str, ...] = ("W", "b")
) -> None:
    """The student's ``(W, b)`` from ``TRAIN(x, y, **settings)`` against the reference run's;
    ``only`` names the parameters compared."""
    k = settings["num_classes"]
    call = f"{TRAIN}(x, y, {', '.join(f'{key}={value}' for key, value in settings.items())})"
    result = submission.call(TRAIN, x, y, **settings)
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure(f"{TRAIN} must return a tuple (W, b), got {type(result).__name__}")
    W, b = (np.asarray(value, dtype=np.float64) for value in result)
    W_ref, b_ref = reference_gd(x, y, **settings)
    assert_shape(W, W_ref.shape, name=f"W from {call}")
    assert_shape(b, b_ref.shape, name=f"b from {call}")
    try:
        if "W" in only:
            assert_close(W, W_ref, rtol=RTOL, atol=ATOL, name=f"W after {what}, {call}")
        if "b" in only:
            assert_close(b, b_ref, rtol=RTOL, atol=ATOL, name=f"b after {what}, {call}")
    except CheckFailure as failure:
        raise CheckFailure(str(failure) + hint(submission, x, y, k, b)) from None


def hint(submission, x, y, k: int, b: np.ndarray) -> str:
    """What most likely went wrong, for the failure message."""
    if not b.any():
        return "\n  b is still 0: every step must update the bias too, b <- b - eta db"
    # The loop inherits any mistake of the gradient; say so, or the student hunts in the loop.
    W0, b0, Y = np.zeros((x.shape[1], k)), np.zeros(k), np.eye(k)[y]
    _, dW, db = loss_and_grads(W0, b0, x, Y)
    try:
        got = submission.call(GRADS, W0, b0, x, Y)
        same = rel_error(got[1], dW) <= 1e-7 and rel_error(got[2], db) <= 1e-7
    except (CheckFailure, TypeError, IndexError, KeyError):  # it raised, or returned junk
        same = False
    if not same:
        return f"\n  note: {GRADS} itself gives wrong gradients here (see its own checks)"
    return (
        "\n  start from W = 0, b = 0, shuffle with one np.random.default_rng(seed) and a new "
        "permutation every epoch, and step on every batch, the last shorter one included"
    )


@pytest.mark.gate
def test_uses_own_gradient(submission):
    """Gradient descent from scratch: the steps come from the student's own gradient."""
    source = submission.source(TRAIN)
    if source is None:
        raise CheckFailure(f"could not read the source of {TRAIN}; is it a plain function?")
    if GRADS not in names_used(source):
        raise CheckFailure(f"{TRAIN} must compute its gradients by calling {GRADS}")
    # The gradient function has its own no-autodiff check (unit02_softmax_regression_grads):
    # following it again here would judge it twice.
    assert_no_forbidden_names(
        submission,
        TRAIN,
        AUTODIFF_NAMES,
        why=f"gradient descent from scratch takes its gradients from {GRADS}",
        skip={GRADS},
    )


@pytest.mark.weight(2)
def test_test_accuracy(submission):
    """The trained W_gd, b_gd classify the digits test split (never trained on) well."""
    W = np.asarray(submission.read("W_gd"), dtype=np.float64)
    b = np.asarray(submission.read("b_gd"), dtype=np.float64)
    assert_shape(W, (64, 10), name="W_gd")
    assert_shape(b, (10,), name="b_gd")
    x_test, y_test = data.load("digits", "test")
    predictions = np.argmax(x_test.astype(np.float64) @ W + b, axis=1)
    accuracy = float(np.mean(predictions == y_test))
    assert_at_least(
        accuracy,
        MIN_TEST_ACCURACY,
        name=f"test accuracy of argmax(x @ W_gd + b_gd) on the {len(y_test)} digits test images",
    )


def test_one_full_batch_step(submission):
    """One step on all the data from zero: the update rule alone (sign, eta, both parameters).

    Guards what the accuracy cannot see: a bias never updated, eta applied twice, a start
    other than W = 0, b = 0, a hard-coded number of classes.
    """
    assert_trains_like_reference(submission, ONE_STEP, "one full-batch step from W = 0, b = 0")


@pytest.mark.parametrize("name", list(RUNS), ids=list(RUNS))
def test_matches_reference_run(submission, name):
    """Several epochs of mini-batches against the reference run: shuffling, seed, batches.

    Guards a permutation drawn once (or a generator re-created every epoch), an ignored
    ``seed``, a dropped last batch (n45) and an empty extra batch when batch_size divides n
    (n40): each still trains the digits well.
    """
    assert_trains_like_reference(submission, RUNS[name], f"mini-batch training ({name})")


# The public checks' twins, against the reference run (not against the student's gradient, as
# the public checks are): their problems, their settings.


@pytest.mark.parametrize("part", ["W", "b"])
def test_public_one_full_batch_step(submission, part):
    """One epoch of one batch of all four rows: a single step from W = 0, b = 0; an empty
    extra batch or a bias never updated shows here."""
    settings = dict(num_classes=3, epochs=1, batch_size=4, learning_rate=0.5, seed=0)
    assert_run_like_reference(
        submission, PUBLIC_X, PUBLIC_Y, settings, "one full-batch step from zero", only=(part,)
    )


def test_public_equal_rows_short_last_batch(submission):
    """Five equal rows in batches of 2: three steps, the last on the one row left."""
    settings = dict(num_classes=3, epochs=1, batch_size=2, learning_rate=0.5, seed=0)
    assert_run_like_reference(
        submission, EQUAL_X, EQUAL_Y, settings, "an epoch of 5 equal rows in batches of 2 and 1"
    )


def test_public_two_seeds(submission):
    """Two epochs in batches of 2 with seeds 1 and 2: each run as the reference's."""
    for seed in (1, 2):
        settings = dict(num_classes=3, epochs=2, batch_size=2, learning_rate=0.5, seed=seed)
        assert_run_like_reference(
            submission, PUBLIC_X, PUBLIC_Y, settings, f"two epochs with seed={seed}"
        )
