"""Hidden checks for unit06_autoencoders: a linear autoencoder finds PCA's subspace; a
non-linear one beats PCA.

All data are centred by the public training split's mean (the notebook's convention).
``linear_autoencoder`` is called by the grader on 4000 fresh MNIST-1D sequences
(:mod:`autograder.contract.heldout`, centred by their own mean here) with a code size of 3, which the notebook never uses;
the span of its decoder's kernel rows is compared with the top-3 principal subspace of the
same data (``sklearn.decomposition.PCA``) by principal angles (``scipy.linalg
.subspace_angles``): the largest must be below 0.1 rad (the reference: about 0.03). The
notebook's ``encoder`` and ``decoder`` are run one after the other on the fresh sequences,
so the code the grader sees has 4 numbers, and their mean squared error must be below
0.95 x PCA's at 4 components fitted on the training split (reference: 0.40 against 0.46).
"""

import numpy as np
import pytest
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA

from autograder.contract import heldout
from course_lib import data
from course_lib.testing import CheckFailure, assert_at_most, assert_shape

CODE = 4
MAX_ANGLE = 0.1  # rad; the reference reaches about 0.03
MAX_ERROR_RATIO = 0.95  # x PCA's error; the reference reaches about 0.86


def centred_sets() -> tuple[np.ndarray, np.ndarray]:
    """(public training split, fresh sequences), both centred by the training split's mean."""
    x_train, _ = data.load("mnist1d", "train")
    x_new, _ = heldout.mnist1d()
    mean = x_train.mean(axis=0)
    return x_train - mean, np.array(x_new) - mean


def fresh_exactly_centred() -> np.ndarray:
    """The fresh sequences centred by their own mean: PCA's subspace of exactly these data."""
    x_new, _ = heldout.mnist1d()
    return np.array(x_new) - np.mean(x_new, axis=0)


def decoder_kernel(facts: dict, call: str) -> np.ndarray:
    decoder = next((layer for layer in facts["layers"] if layer["name"] == "decoder"), None)
    if decoder is None:
        raise CheckFailure(f"{call} has no layer named 'decoder'")
    if len(decoder["weights"]) != 1:
        raise CheckFailure(f"{call}: the decoder holds {len(decoder['weights'])} weight arrays; a linear "
                           "autoencoder of centred data has a kernel and no bias (use_bias=False)")  # fmt: skip
    return decoder["weights"][0]


def test_linear_decoder_is_linear_without_bias(submission):
    x_new = fresh_exactly_centred()
    call = "linear_autoencoder(x, 3, seed=6801)"
    facts = submission.describe("linear_autoencoder", x_new, 3, 6801)
    dense = [layer for layer in facts["layers"] if layer["class"] == "Dense"]
    if len(dense) != 2 or any(layer["config"].get("activation") not in (None, "linear") for layer in dense):
        raise CheckFailure(f"{call} must be two Dense layers without activations, got "
                           f"{[(layer['class'], layer['config'].get('activation')) for layer in facts['layers']]}")  # fmt: skip
    assert_shape(decoder_kernel(facts, call), (3, 40), name=f"{call}: the decoder's kernel")


@pytest.mark.weight(2)
def test_linear_decoder_spans_the_pca_subspace(submission):
    x_new = fresh_exactly_centred()
    call = "linear_autoencoder(x, 3, seed=6801)"
    kernel = decoder_kernel(submission.describe("linear_autoencoder", x_new, 3, 6801), call)
    pca = PCA(3).fit(x_new)
    angle = float(np.max(subspace_angles(np.asarray(kernel, dtype=float).T, pca.components_.T)))
    assert_at_most(angle, MAX_ANGLE, name=f"{call} on fresh sequences: the largest principal angle between "
                   "the span of the decoder's kernel rows and PCA's top-3 subspace (rad)")  # fmt: skip


@pytest.mark.gate
def test_the_code_has_four_numbers(submission):
    _, x_new = centred_sets()
    assert_shape(submission.predict("encoder", x_new[:8]), (8, CODE), name="encoder's output (the code)")


@pytest.mark.weight(2)
def test_nonlinear_autoencoder_beats_pca(submission, record_property):
    x_train, x_new = centred_sets()
    codes = submission.predict("encoder", x_new)
    assert_shape(codes, (len(x_new), CODE), name="encoder's output (the code)")
    error = float(np.mean((submission.predict("decoder", codes) - x_new) ** 2))
    pca = PCA(CODE).fit(x_train)
    pca_error = float(np.mean((pca.inverse_transform(pca.transform(x_new)) - x_new) ** 2))
    record_property("note", f"reconstruction error on 4000 fresh sequences: autoencoder {error:.4f}, "
                    f"PCA {pca_error:.4f} (k = {CODE})")  # fmt: skip
    assert_at_most(error, MAX_ERROR_RATIO * pca_error, name="the encoder-decoder's mean squared error on fresh "
                   f"sequences (bar: {MAX_ERROR_RATIO} x PCA's {pca_error:.4f} at {CODE} components)")  # fmt: skip
