"""course_lib.sequences: the adding problem and reversal are what their docstrings say."""

import numpy as np
import pytest

from course_lib import sequences


def test_adding_problem_marks_one_step_in_each_half_and_sums_their_values():
    x, y = sequences.adding_problem(500, 20, np.random.default_rng(0))
    assert x.shape == (500, 20, 2) and y.shape == (500, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[:, :, 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert np.all(markers[:, :10].sum(axis=1) == 1) and np.all(markers[:, 10:].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.all((x[:, :, 0] >= 0) & (x[:, :, 0] <= 1))


def test_the_adding_baseline_is_the_variance_of_the_target():
    _, y = sequences.adding_problem(200_000, 10, np.random.default_rng(1))
    assert abs(float(np.mean((y - 1.0) ** 2)) - sequences.ADDING_BASELINE_MSE) < 2e-3


def test_reversal_reverses():
    x, y = sequences.reversal(50, 7, 4, np.random.default_rng(2))
    assert x.shape == y.shape == (50, 7) and x.dtype == np.int32
    assert np.array_equal(y, x[:, ::-1]) and x.min() >= 0 and x.max() <= 3


def test_the_same_generator_state_gives_the_same_sequences():
    first = sequences.adding_problem(5, 4, np.random.default_rng(3))
    second = sequences.adding_problem(5, 4, np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(first, second))


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: sequences.adding_problem(3, 5, np.random.default_rng(0)), ValueError),
        (lambda: sequences.adding_problem(3, 4, 0), TypeError),
        (lambda: sequences.reversal(3, 4, 1, np.random.default_rng(0)), ValueError),
    ],
    ids=["odd_length", "seed_instead_of_generator", "vocabulary_of_one"],
)
def test_bad_arguments_are_refused_in_one_line(call, error):
    with pytest.raises(error):
        call()
