"""Hidden checks for unit04_activations: ``apply_activation`` against ``keras.activations``.

All seven activations are compared in float64 on random inputs and at huge inputs such as
+-1000, where ``log(1 + exp(z))`` overflows. GELU is the exact (erf) form. An unknown name
must raise the documented ValueError.
"""

import keras
import numpy as np
import pytest

from autograder.checks.unit04.common import (
    ACTIVATIONS,
    HUGE,
    KERAS_KWARGS,
    assert_activation_close,
    assert_rejects_unknown_name,
)
from autograder.contract.kit import float64, rng

NAME = "apply_activation"


def keras_activation(z: np.ndarray, name: str) -> np.ndarray:
    """The reference: keras.activations.<name> in float64, with the unit's parameters."""
    with float64():
        value = getattr(keras.activations, name)(z, **KERAS_KWARGS.get(name, {}))
        return keras.ops.convert_to_numpy(value).astype(np.float64)


@pytest.mark.parametrize("name", ACTIVATIONS, ids=ACTIVATIONS)
def test_matches_keras(submission, name):
    seed = 4100 + ACTIVATIONS.index(name)
    z = rng(seed).normal(scale=2.5, size=(6, 7))
    got = submission.call(NAME, z, name)
    assert_activation_close(
        got,
        keras_activation(z, name),
        name,
        name=f'apply_activation(z, "{name}") on a (6, 7) input, vs keras.activations.{name}',
    )


@pytest.mark.weight(2)
def test_huge_inputs(submission):
    for name in ACTIVATIONS:
        got = submission.call(NAME, HUGE, name)
        assert_activation_close(
            got,
            keras_activation(HUGE, name),
            name,
            name=f'apply_activation(z, "{name}") at huge inputs z = {HUGE.tolist()}',
        )


def test_unknown_name_raises(submission):
    """The docstring's ValueError for an unknown name: no random input reaches that branch.

    A dict of lambdas raises KeyError, and an if-chain that ends in ``return z`` or
    ``return None`` hands a wrong network to every later cell without a word.
    """
    assert_rejects_unknown_name(submission, NAME)
