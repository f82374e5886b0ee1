import contextlib
import io

import numpy as np
import pytest

from course_lib.testing import (
    CheckFailure,
    assert_at_least,
    assert_at_most,
    assert_close,
    assert_gradient_close,
    assert_shape,
    assert_that,
    constant_factor,
    numeric_gradient,
    public_checks,
    rel_error,
)


def test_rel_error_is_zero_for_equal_and_zero_arrays():
    assert rel_error(np.zeros(5), np.zeros(5)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0


def test_rel_error_is_norm_based_not_elementwise():
    # One near-zero entry off by 1e-12: elementwise relative error would be huge.
    a = np.array([1.0, 1e-15])
    b = np.array([1.0, 1e-3 * 1e-12])
    assert rel_error(a, b) < 1e-14


def test_rel_error_rejects_shape_mismatch():
    with pytest.raises(CheckFailure, match=r"shapes differ, got \(2,\) and \(3,\)"):
        rel_error(np.ones(2), np.ones(3))


@pytest.mark.parametrize(
    "f, grad",
    [
        (lambda x: np.sum(x**2), lambda x: 2 * x),
        (lambda x: np.sum(np.sin(x)), np.cos),
        (lambda x: np.log(np.sum(np.exp(x))), lambda x: np.exp(x) / np.exp(x).sum()),
    ],
    ids=["square", "sin", "logsumexp"],
)
def test_numeric_gradient_matches_analytic(f, grad, rng):
    x = rng.normal(size=(3, 4))
    assert rel_error(numeric_gradient(f, x), grad(x)) < 1e-8


def test_numeric_gradient_leaves_input_unchanged(rng):
    x = rng.normal(size=6)
    before = x.copy()
    numeric_gradient(lambda v: float(v @ v), x)
    np.testing.assert_array_equal(x, before)


def test_numeric_gradient_rejects_vector_output():
    with pytest.raises(CheckFailure, match="must return a scalar, got shape"):
        numeric_gradient(lambda v: v * 2, np.ones(3))


def test_assert_close_passes_within_tolerance():
    assert_close([1.0, 2.0], [1.0, 2.0 + 1e-9])


def test_assert_close_message_names_worst_index_expected_and_got():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[1, 2] = 0.5
    with pytest.raises(CheckFailure) as info:
        assert_close(actual, expected, name="softmax(z)")
    message = str(info.value)
    assert "softmax(z): values differ" in message
    assert "index (1, 2)" in message
    assert "expected 0, got 0.5" in message
    assert "1 of 6 entries differ" in message


def test_assert_close_reports_shape_mismatch():
    with pytest.raises(CheckFailure, match=r"expected shape \(3,\), got shape \(1, 3\)"):
        assert_close(np.ones((1, 3)), np.ones(3), name="p")


def test_assert_close_reports_nan():
    with pytest.raises(CheckFailure, match="non-finite value nan at index"):
        assert_close([1.0, np.nan], [1.0, 2.0])


def test_assert_gradient_close_uses_norm_error():
    g = np.array([1.0, 2.0, 3.0])
    assert_gradient_close(g * (1 + 1e-9), g)
    with pytest.raises(CheckFailure, match="norm relative error .* > tolerance 1e-07"):
        assert_gradient_close(g * 1.01, g)


def test_constant_factor_found_only_when_it_explains_every_entry():
    g = np.array([1.0, -2.0, 3.0])
    assert constant_factor(8.0 * g, g) == pytest.approx(8.0)
    assert constant_factor(g, g) is None  # equal: no factor to report
    assert constant_factor(8.0 * g + [0.0, 0.0, 1.0], g) is None
    assert constant_factor(g, np.zeros(3)) is None


def test_gradient_off_by_the_batch_size_names_the_cause():
    g = np.array([1.0, -2.0, 3.0])
    causes = {16: "did you average over the batch?"}
    with pytest.raises(CheckFailure) as info:
        assert_gradient_close(16.0 * g, g, name="dW", causes=causes)
    assert "got 16 × the expected values everywhere" in str(info.value)
    assert "likely cause: did you average over the batch?" in str(info.value)
    with pytest.raises(CheckFailure) as info:
        assert_close(-g, g, name="db")
    assert "likely cause: a sign error?" in str(info.value)
    with pytest.raises(CheckFailure) as info:
        assert_close(2.0 * g, g, name="db", causes=causes)
    assert "got 2 × the expected" in str(info.value) and "likely cause" not in str(info.value)


def test_assert_at_most_says_by_how_much():
    assert_at_most(1e-4, 1e-3, name="ratio")
    with pytest.raises(CheckFailure, match="ratio: got 0.5, needs at most 0.001"):
        assert_at_most(0.5, 1e-3, name="ratio")
    with pytest.raises(CheckFailure):
        assert_at_most(float("nan"), 1.0, name="ratio")


def test_assert_that_reports_its_message_and_counts_in_a_public_block(capsys):
    assert_that(True, "never shown")
    with pytest.raises(CheckFailure, match="^no layer named 'pool'$"):
        assert_that(False, "no layer named 'pool'")
    with public_checks():
        assert_that(False, "no layer named 'pool'")
    assert "FAIL  no layer named 'pool'" in capsys.readouterr().out


def test_assert_shape_with_wildcards():
    assert_shape(np.ones((5, 3)), (None, 3))
    with pytest.raises(CheckFailure, match=r"expected shape \('any', 4\), got shape \(5, 3\)"):
        assert_shape(np.ones((5, 3)), (None, 4))


def test_assert_at_least_says_by_how_much():
    assert_at_least(0.95, 0.93, name="accuracy")
    with pytest.raises(CheckFailure, match="accuracy: got 0.5000, needs at least 0.9300"):
        assert_at_least(0.5, 0.93, name="accuracy")


def _public_run(body) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), public_checks():
        body()
    return out.getvalue()


def test_public_checks_report_every_failure_and_go_on():
    def body():
        assert_close(1.0, 2.0, name="first")
        assert_close(3.0, 3.0, name="second")
        assert_close(5.0, 6.0, name="third")

    text = _public_run(body)
    assert "FAIL  first" in text and "FAIL  third" in text
    assert "public checks: 2 of 3 failed; the hidden checks still run and count" in text


def test_public_checks_say_when_nothing_ran():
    def body():
        raise NotImplementedError

    text = _public_run(body)
    assert "STOP  body is not implemented yet" in text
    assert "public checks: none ran (stopped above)" in text and "0 of 0" not in text


def test_public_checks_say_a_stop_ended_the_rest():
    def body():
        assert_close(1.0, 2.0, name="first")
        raise ValueError("bad shape")

    text = _public_run(body)
    assert "STOP  ValueError: bad shape" in text
    assert "1 of 1 failed, then the STOP above ended the rest" in text
