"""Hidden checks for unit08_attention: the causal mask and scaled dot-product attention.

``causal_mask`` must be the boolean lower triangle for several sizes. The attention output
and weights are compared with a float64 reference (``scipy.special.softmax`` of
q k^T / sqrt(d_k)) on a rectangular case (n_q != n_k, d_k != d_v), a batch of several
heads, scores in the thousands (where exponentiating without subtracting the maximum
overflows), and a batched causal case. Under the causal mask, changing the keys and values
after position t must leave outputs 0..t unchanged.
"""

import numpy as np
import pytest
from scipy.special import softmax

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close

CASES = {
    "rectangular": ((3, 4), (7, 4), (7, 2), 1.0, False),
    "batched_heads": ((2, 3, 5, 6), (2, 3, 5, 6), (2, 3, 5, 3), 1.0, False),
    "large_scores": ((4, 8), (6, 8), (6, 3), 40.0, False),
    "causal_batched": ((2, 6, 4), (2, 6, 4), (2, 6, 5), 1.0, True),
}


def inputs(name: str) -> tuple:
    q_shape, k_shape, v_shape, scale, causal = CASES[name]
    gen = rng(8301 + list(CASES).index(name))
    q, k, v = gen.normal(size=q_shape) * scale, gen.normal(size=k_shape) * scale, gen.normal(size=v_shape)
    mask = np.tril(np.ones((q_shape[-2], k_shape[-2]), dtype=bool)) if causal else None
    return q, k, v, mask


def reference(q, k, v, mask) -> tuple[np.ndarray, np.ndarray]:
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def attend(submission, *args) -> tuple[np.ndarray, np.ndarray]:
    got = submission.call("scaled_dot_product_attention", *args)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"scaled_dot_product_attention must return (output, weights), got {type(got).__name__}")
    output, weights = (np.asarray(g, dtype=float) for g in got)
    if not (np.all(np.isfinite(output)) and np.all(np.isfinite(weights))):
        raise CheckFailure("scaled_dot_product_attention returned inf or nan: subtract each row's maximum "
                           "score before exponentiating")  # fmt: skip
    return output, weights


def test_causal_mask(submission):
    for n in (1, 2, 5, 9):
        got = np.asarray(submission.call("causal_mask", n))
        expected = np.tril(np.ones((n, n), dtype=bool))
        if got.shape != (n, n) or got.dtype != bool or not np.array_equal(got, expected):
            raise CheckFailure(f"causal_mask({n}) must be a boolean ({n}, {n}) array, True on and below the "
                               f"diagonal (query i may attend to key j <= i); got dtype {got.dtype}, shape "
                               f"{got.shape}:\n{got.astype(int) if got.shape == (n, n) else got}")  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_matches_reference(submission, name):
    q, k, v, mask = inputs(name)
    output, weights = attend(submission, q, k, v, mask)
    expected_output, expected_weights = reference(q, k, v, mask)
    where = f"({name} case: q {q.shape}, k {k.shape}, v {v.shape}{', causal mask' if mask is not None else ''})"
    assert_close(weights, expected_weights, rtol=1e-8, atol=1e-12,
                 name=f"attention weights softmax(q k^T / sqrt(d_k)) over the keys {where}")  # fmt: skip
    assert_close(output, expected_output, rtol=1e-8, atol=1e-12, name=f"attention output {where}")


def test_causal_outputs_ignore_the_future(submission):
    gen = rng(8310)
    q, k, v = gen.normal(size=(2, 7, 4)), gen.normal(size=(2, 7, 4)), gen.normal(size=(2, 7, 3))
    mask = np.tril(np.ones((7, 7), dtype=bool))
    before, weights = attend(submission, q, k, v, mask)
    if np.any(np.triu(np.abs(weights), k=1) > 0):
        raise CheckFailure("with the causal mask, the weight of every key after the query's position must be "
                           "exactly 0 (mask the scores with -inf before the softmax)")  # fmt: skip
    for t in (0, 3, 5):
        k2, v2 = k.copy(), v.copy()
        k2[:, t + 1:] += gen.normal(size=k2[:, t + 1:].shape) * 5
        v2[:, t + 1:] += gen.normal(size=v2[:, t + 1:].shape) * 5
        after, _ = attend(submission, q, k2, v2, mask)
        assert_close(after[:, : t + 1], before[:, : t + 1], rtol=1e-12, atol=1e-12,
                     name=f"causal outputs 0..{t} after changing the keys and values after position {t}")  # fmt: skip
