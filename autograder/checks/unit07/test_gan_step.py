"""Hidden checks for unit07_gan_step: one alternating GAN update, weight for weight.

The grader draws weights for a generator and a discriminator of widths the notebook never
uses, a batch of real points and a batch of noise. The notebook's locked
``sgd_step_result`` loads them into ``make_generator``/``make_discriminator``, runs the
student's ``gan_step`` with plain SGD (learning rate 0.05 for G, 0.1 for D, so each
update shows its gradient's scale and which optimizer applied it) and returns both losses
and every weight after the step. The grader runs its own reference step on the same
inputs: the discriminator's update on L_D first, then the generator's non-saturating update
against the updated discriminator. When the generator's weights match a step against the
*old* discriminator instead, the message says so. The step computes the student's losses;
a failure names them when they fail their own checks.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.checks.unit07 import test_gan_losses as loss_checks
from autograder.contract.kit import once_per_submission, pointing_back, rng
from course_lib.testing import CheckFailure, assert_close

NOISE_DIM = 2
G_LR, D_LR = 0.05, 0.1


def losses_right(submission) -> None:
    for case in loss_checks.cases():
        for kind in ("minimax", "non_saturating"):
            loss_checks.test_values_and_gradients(submission, case, kind)


LOSSES = {"discriminator_loss and generator_loss": ("unit07_gan_losses", losses_right)}


def mlp(inputs: int, width: int, outputs: int) -> keras.Model:
    return keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(width, activation="relu"),
                             keras.layers.Dense(width, activation="relu"), keras.layers.Dense(outputs)])  # fmt: skip


def mlp_shapes(inputs: int, width: int, outputs: int) -> list[tuple[int, ...]]:
    """The weight shapes of mlp(inputs, width, outputs), kernel then bias per layer."""
    return [(inputs, width), (width,), (width, width), (width,), (width, outputs), (outputs,)]


def reference_step(g_weights, d_weights, real, noise, *, generator_sees_updated_d=True) -> list:
    generator, discriminator = mlp(NOISE_DIM, len(g_weights[1]), 2), mlp(2, len(d_weights[1]), 1)
    generator.set_weights(g_weights)
    discriminator.set_weights(d_weights)
    frozen = None
    if not generator_sees_updated_d:
        frozen = mlp(2, len(d_weights[1]), 1)
        frozen.set_weights(d_weights)
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        d_loss = tf.reduce_mean(tf.nn.softplus(-discriminator(real, training=True))) + tf.reduce_mean(
            tf.nn.softplus(discriminator(fake, training=True))
        )
    grads = tape.gradient(d_loss, discriminator.trainable_variables)
    keras.optimizers.SGD(D_LR).apply_gradients(zip(grads, discriminator.trainable_variables))
    judge = discriminator if generator_sees_updated_d else frozen
    with tf.GradientTape() as tape:
        g_loss = tf.reduce_mean(tf.nn.softplus(-judge(generator(noise, training=True), training=True)))
    grads = tape.gradient(g_loss, generator.trainable_variables)
    keras.optimizers.SGD(G_LR).apply_gradients(zip(grads, generator.trainable_variables))
    return [float(d_loss), float(g_loss)] + generator.get_weights() + discriminator.get_weights()


def inputs(seed: int):
    """Weights of a width-6 generator and a width-9 discriminator, a batch and noise."""
    gen = rng(seed)
    g = [gen.normal(0, 0.6, size=shape).astype("float32") for shape in mlp_shapes(NOISE_DIM, 6, 2)]
    d = [gen.normal(0, 0.6, size=shape).astype("float32") for shape in mlp_shapes(2, 9, 1)]
    real = gen.normal(0, 1.5, size=(24, 2)).astype("float32")
    noise = gen.normal(size=(24, NOISE_DIM)).astype("float32")
    return g, d, real, noise


@once_per_submission
def step_results(submission) -> tuple[list, list, list, int]:
    """(student's result, reference, reference with G against the old D, len of G's weights)."""
    g, d, real, noise = inputs(7201)
    got = submission.call("sgd_step_result", g, d, real, noise, G_LR, D_LR)
    if not (isinstance(got, list) and len(got) == 2 + len(g) + len(d)):
        raise CheckFailure(f"sgd_step_result must return 2 losses and {len(g) + len(d)} weight arrays")
    return (got, reference_step(g, d, real, noise),
            reference_step(g, d, real, noise, generator_sees_updated_d=False), len(g))  # fmt: skip


@pointing_back(LOSSES)
def test_losses(submission):
    got, expected, _, _ = step_results(submission)
    assert_close(got[0], expected[0], rtol=1e-5, name="gan_step's d_loss (L_D before the update)")
    assert_close(got[1], expected[1], rtol=1e-5,
                 name="gan_step's g_loss (non-saturating, against the updated discriminator)")  # fmt: skip


@pointing_back(LOSSES)
def test_discriminator_update(submission):
    got, expected, _, n_g = step_results(submission)
    for i, (value, want) in enumerate(zip(got[2 + n_g :], expected[2 + n_g :], strict=True)):
        assert_close(value, want, rtol=1e-4, atol=1e-6,
                     name=f"discriminator weight array {i} after one step (SGD, lr {D_LR})")  # fmt: skip


@pytest.mark.weight(2)
@pointing_back(LOSSES)
def test_generator_update(submission):
    got, expected, against_old_d, n_g = step_results(submission)
    pairs = list(zip(got[2 : 2 + n_g], expected[2 : 2 + n_g], against_old_d[2 : 2 + n_g], strict=True))
    if not all(np.allclose(v, w, rtol=1e-4, atol=1e-6) for v, w, _ in pairs) and all(
        np.allclose(v, o, rtol=1e-4, atol=1e-6) for v, _, o in pairs
    ):
        raise CheckFailure("the generator's weights after the step are those of an update against the "
                           "discriminator *before* its update: compute L_G in a second tape, after "
                           "applying the discriminator's gradients")  # fmt: skip
    for i, (value, want, _) in enumerate(pairs):
        assert_close(value, want, rtol=1e-4, atol=1e-6,
                     name=f"generator weight array {i} after one step (SGD, lr {G_LR})")  # fmt: skip
