"""Hidden checks for unit08_multi_head_attention: Keras' MultiHeadAttention with copied weights.

For each case the grader builds ``keras.layers.MultiHeadAttention`` in float64 with random
kernels and biases, runs it, and passes the same eight weights (query/key/value kernels
(d, heads, key_dim or value_dim) and biases, output kernel (heads, value_dim, d) and bias
(d,)) to ``multi_head_attention``: one head of self-attention, two heads of
cross-attention with key_dim != value_dim and n_q != n_k, four heads with the causal mask,
and a key_dim larger than d (Keras scales by 1/sqrt(key_dim), not 1/sqrt(d)). It runs the
student's attention and mask; a failure names them when they fail their own checks.
"""

import keras
import numpy as np
import pytest

from autograder.checks.unit08 import test_attention as attention_checks
from autograder.contract.kit import float64, pointing_back, rng
from course_lib.testing import assert_close

NAMES = ("query_kernel", "query_bias", "key_kernel", "key_bias", "value_kernel", "value_bias",
         "output_kernel", "output_bias")  # fmt: skip
# heads, key_dim, value_dim, d, n_q, n_k, causal
CASES = {
    "one_head_self": (1, 4, 4, 4, 5, 5, False),
    "two_heads_cross": (2, 3, 5, 6, 4, 7, False),
    "four_heads_causal": (4, 2, 3, 8, 6, 6, True),
    "key_dim_larger_than_d": (2, 8, 8, 4, 5, 5, False),
}


def attention_right(submission) -> None:
    attention_checks.test_causal_mask(submission)
    for case in attention_checks.CASES:
        attention_checks.test_matches_reference(submission, case)


ATTENTION = {"scaled_dot_product_attention and causal_mask": ("unit08_attention", attention_right)}


@pytest.mark.parametrize("name", list(CASES))
@pointing_back(ATTENTION)
def test_matches_keras(submission, name):
    heads, key_dim, value_dim, d, n_q, n_k, causal = CASES[name]
    gen = rng(8401 + list(CASES).index(name))
    query, value = gen.normal(size=(2, n_q, d)), gen.normal(size=(2, n_k, d))
    with float64():
        layer = keras.layers.MultiHeadAttention(heads, key_dim, value_dim=value_dim)
        layer(query, value)
        weights = [gen.normal(size=w.shape) / np.sqrt(max(w.shape[0], 1)) for w in layer.weights]
        layer.set_weights(weights)
        expected = np.asarray(layer(query, value, use_causal_mask=causal))
    got = submission.call("multi_head_attention", query, value, dict(zip(NAMES, weights)), causal)
    # Keras' layer in float64 agrees with a float64 computation to about 1e-7 relative, not
    # 1e-15 (measured: 3e-8 absolute on entries of order 1 under the causal mask); a wrong scale,
    # head split or bias moves entries by 1e-2 or more.
    assert_close(got, expected, rtol=1e-6, atol=1e-7,
                 name=f"multi_head_attention vs keras.layers.MultiHeadAttention ({name}: {heads} heads, "
                      f"key_dim {key_dim}, value_dim {value_dim}, d {d}, n_q {n_q}, n_k {n_k}"
                      f"{', causal' if causal else ''})")  # fmt: skip
