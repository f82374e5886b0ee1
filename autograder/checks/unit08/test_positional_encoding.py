"""Hidden checks for unit08_positional_encoding: the sinusoidal encoding of Vaswani et al.

Compared with a float64 reference (sin in the even columns, cos in the odd ones,
frequencies 10000^(-2i/d)) on sizes the notebook never uses; the inner product of two
positions must depend only on their offset (an independent property of the construction);
an odd d must raise ValueError.
"""

import numpy as np
import pytest

from autograder.contract.kit import assert_raises_value_error
from course_lib.testing import CheckFailure, assert_close


def reference(length: int, d: int) -> np.ndarray:
    angles = np.outer(np.arange(length), 10000.0 ** (-np.arange(0, d, 2) / d))
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(length, d)


def encoding(submission, length: int, d: int) -> np.ndarray:
    got = np.asarray(submission.call("positional_encoding", length, d), dtype=float)
    if got.shape != (length, d):
        raise CheckFailure(f"positional_encoding({length}, {d}) must have shape ({length}, {d}), got {got.shape}")
    return got


@pytest.mark.parametrize("size", [(1, 2), (33, 6), (128, 64)], ids=str)
def test_matches_reference(submission, size):
    assert_close(encoding(submission, *size), reference(*size), rtol=1e-9, atol=1e-12,
                 name=f"positional_encoding{size} (sin(p w_i) in column 2i, cos(p w_i) in column 2i+1, "
                      f"w_i = 10000^(-2i/d))")  # fmt: skip


def test_inner_products_depend_only_on_the_offset(submission):
    pe = encoding(submission, 90, 20)
    for offset in (1, 7, 30):
        products = np.sum(pe[:-offset] * pe[offset:], axis=1)
        assert_close(products, np.full_like(products, products[0]), rtol=1e-9, atol=1e-9,
                     name=f"PE[p] . PE[p + {offset}] for p = 0..{89 - offset} (must not depend on p)")  # fmt: skip


def test_odd_dimension_raises(submission):
    assert_raises_value_error(submission, "positional_encoding", 10, 7, what="positional_encoding(10, 7)")
