"""Hidden checks for unit07_gan_losses: both players' losses from logits, stable everywhere.

Through the notebook's locked ``loss_values_and_gradients`` (a float64 ``tf.GradientTape``
around the student's functions), the losses and their gradients with respect to every logit
are compared with a float64 reference written with ``np.logaddexp`` and
``scipy.special.expit``, on logits the grader draws: moderate ones, huge ones (up to 1e4,
where log(sigmoid) written naively gives inf), batches of different sizes for real and
generated examples (each term is its own mean), and 1-D logits. ``discriminator_loss`` is
also compared with Keras' ``BinaryCrossentropy(from_logits=True)``, and an unknown kind
must raise the promised ValueError.
"""

import keras
import numpy as np
import pytest
from scipy.special import expit

from autograder.contract.kit import assert_raises_value_error, rng
from course_lib.testing import CheckFailure, assert_close

WRAPPER = "loss_values_and_gradients"


def reference(real: np.ndarray, fake: np.ndarray, kind: str) -> list:
    """(L_D, L_G, dL_D/d real, dL_D/d fake, dL_G/d fake), float64."""
    d_loss = np.mean(np.logaddexp(0, -real)) + np.mean(np.logaddexp(0, fake))
    if kind == "minimax":
        g_loss, g_grad = -np.mean(np.logaddexp(0, fake)), -expit(fake) / fake.size
    else:
        g_loss, g_grad = np.mean(np.logaddexp(0, -fake)), -expit(-fake) / fake.size
    return [d_loss, g_loss, -expit(-real) / real.size, expit(fake) / fake.size, g_grad]


def cases() -> dict:
    gen = rng(7101)
    huge = np.array([-1e4, -500.0, -90.0, 90.0, 500.0, 1e4])
    return {
        "moderate": (gen.normal(0, 3, size=(12, 1)), gen.normal(0, 3, size=(12, 1))),
        "different_batch_sizes": (gen.normal(1, 2, size=(5, 1)), gen.normal(-1, 2, size=(20, 1))),
        "huge_logits": (huge.reshape(-1, 1), huge[::-1].reshape(-1, 1)),
        "one_dimensional": (gen.normal(0, 1e-3, size=7), gen.normal(0, 1e-3, size=7)),
    }


NAMES = ["L_D", "L_G", "dL_D/d(real logits)", "dL_D/d(fake logits)", "dL_G/d(fake logits)"]


@pytest.mark.parametrize("kind", ["minimax", "non_saturating"])
@pytest.mark.parametrize("case", list(cases()), ids=str)
def test_values_and_gradients(submission, case, kind):
    real, fake = cases()[case]
    got = submission.call(WRAPPER, real, fake, kind)
    if not (isinstance(got, list) and len(got) == 5):
        raise CheckFailure(f"{WRAPPER} must return 5 values, got {type(got).__name__}")
    for name, value, expected in zip(NAMES, got, reference(real, fake, kind), strict=True):
        value = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(value)):
            raise CheckFailure(f"{name} ({kind}, {case} logits) is not finite: use softplus, not "
                               "log(sigmoid), so that huge logits stay exact")  # fmt: skip
        assert_close(value, expected, rtol=1e-7, atol=1e-12,
                     name=f"{name} ({kind} generator loss, {case} logits) vs a float64 reference")  # fmt: skip


def test_discriminator_loss_matches_keras(submission):
    gen = rng(7102)
    real, fake = gen.normal(0, 2, size=(9, 1)), gen.normal(0, 2, size=(6, 1))
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected = float(bce(np.ones_like(real), real)) + float(bce(np.zeros_like(fake), fake))
    got = submission.call(WRAPPER, real, fake, "non_saturating")[0]
    assert_close(got, expected, rtol=1e-5, name="discriminator_loss vs Keras' binary cross-entropy "
                 "(real labelled 1, generated 0, each batch its own mean)")  # fmt: skip


def test_unknown_kind_raises(submission):
    assert_raises_value_error(submission, "generator_loss", [[0.5]], "wasserstein",
                              what="generator_loss(logits, 'wasserstein')")  # fmt: skip
