"""Hidden checks for unit07_ring_gan: the generator scored on noise only the grader draws.

2,500 noise vectors from a seed the notebook never uses go through the student's
``generator``; the samples are scored as in the mode-collapse literature (VEEGAN,
Srivastava et al., 2017): a sample is high-quality when it lies within 3 sigma (0.06) of its
nearest centre on the ring (radius 2, 8 modes), and a mode is covered when at least 25
high-quality samples have it as their nearest centre. Full marks need at least 7 of 8
modes and at least 50 % high-quality samples; the reference reaches 8 of 8 and
71 %. Gates: the generator maps (n, 2) noise to finite (n, 2) points, the same
noise twice to the same points (a sampler that draws from its own random numbers, or from
the ring itself, is not a generator of the grader's noise), and it is the notebook's
``make_generator()`` network, layer for layer. The ring was trained with the student's
``gan_step`` and losses; a short metric names them when they fail their own checks.
"""

import keras
import numpy as np
import pytest

from autograder.checks.unit07 import test_gan_step as step_checks
from autograder.contract.kit import layers_in_order, once_per_submission, pointing_back, rng
from autograder.contract.model_facts import describe_model
from autograder.contract.submission import StudentError
from course_lib.testing import CheckFailure, assert_at_least

NOISE_DIM, N, SIGMA, MODES, MIN_PER_MODE = 2, 2500, 0.02, 8, 25
# gan_step's checks without their own note (__wrapped__): only whether they pass counts here.
TRAINING_PIECES = {"gan_step": ("unit07_gan_step", lambda submission: (
    step_checks.test_losses.__wrapped__(submission), step_checks.test_discriminator_update.__wrapped__(submission),
    step_checks.test_generator_update.__wrapped__(submission)))}  # fmt: skip
CENTRES = 2.0 * np.stack([np.cos(2 * np.pi * np.arange(MODES) / MODES), np.sin(2 * np.pi * np.arange(MODES) / MODES)], axis=1)


@once_per_submission
def samples(submission) -> np.ndarray:
    noise = rng(7401).normal(size=(N, NOISE_DIM)).astype("float32")
    try:
        return np.asarray(submission.predict("generator", noise), dtype=float)
    except StudentError as exc:
        raise CheckFailure(f"generator must map ({N}, {NOISE_DIM}) noise to ({N}, 2) points: {exc}") from None


def quality(points: np.ndarray) -> tuple[int, float, np.ndarray]:
    distances = np.linalg.norm(points[:, None, :] - CENTRES[None], axis=-1)
    good = distances.min(axis=1) <= 3 * SIGMA
    per_mode = np.bincount(distances.argmin(axis=1)[good], minlength=MODES)
    return int((per_mode >= MIN_PER_MODE).sum()), float(good.mean()), per_mode


@pytest.mark.gate
def test_generator_makes_points(submission):
    points = samples(submission)
    if points.shape != (N, 2) or not np.all(np.isfinite(points)):
        raise CheckFailure(f"generator must map ({N}, {NOISE_DIM}) noise to finite ({N}, 2) points, "
                           f"got shape {points.shape}")  # fmt: skip


@pytest.mark.gate
def test_same_noise_gives_the_same_points(submission):
    noise = rng(7402).normal(size=(200, NOISE_DIM)).astype("float32")
    first, second = submission.predict("generator", noise), submission.predict("generator", noise)
    if not np.allclose(first, second, rtol=0, atol=1e-6):
        raise CheckFailure("generator gives different points for the same noise: it must be a function "
                           "of its input only")  # fmt: skip


@pytest.mark.gate
def test_is_the_given_network(submission):
    reference = keras.Sequential([keras.Input((NOISE_DIM,)), keras.layers.Dense(128, activation="relu"),
                                  keras.layers.Dense(128, activation="relu"), keras.layers.Dense(2)])  # fmt: skip
    got, want = layers_in_order(submission.describe("generator")), layers_in_order(describe_model(reference))
    if got != want:
        raise CheckFailure(f"generator is not make_generator()'s network: its layers are "
                           f"{[(c, shapes) for c, _, shapes in got]}, expected {[(c, shapes) for c, _, shapes in want]}")  # fmt: skip


@pytest.mark.weight(2)
@pointing_back(TRAINING_PIECES)
def test_covers_the_modes(submission, record_property):
    modes, good, per_mode = quality(samples(submission))
    record_property("note", f"{modes} of 8 modes covered, {good:.1%} high-quality samples; high-quality "
                    f"samples per mode: {per_mode.tolist()}")  # fmt: skip
    assert_at_least(modes, 7, name=f"modes covered (of 8, at least {MIN_PER_MODE} high-quality samples "
                    f"each) on {N} samples from the grader's noise")  # fmt: skip


@pointing_back(TRAINING_PIECES)
def test_high_quality_samples(submission):
    assert_at_least(quality(samples(submission))[1], 0.5,
                    name=f"fraction of high-quality samples (within 3 sigma of a centre) of {N}")  # fmt: skip
