"""Hidden checks for unit04_batchnorm_forward: against ``keras.layers.BatchNormalization``.

The Keras layer is built in float64 with the same momentum and epsilon, and gamma, beta
and the moving statistics copied in. Training mode: the output and the updated moving
mean and variance; inference: the output from the moving statistics, which stay unchanged.
"""

import keras
import pytest

from autograder.contract.kit import float64, rng
from course_lib.testing import CheckFailure, assert_close

NAME = "batchnorm_forward"
RTOL, ATOL = 1e-10, 1e-12

# name: (seed, n, d, momentum, epsilon)
CASES = {
    "n32_d5_keras_defaults": (4701, 32, 5, 0.99, 1e-3),
    "n8_d3_m0.9_eps0.1": (4702, 8, 3, 0.9, 0.1),
    "n50_d4_m0.7_eps1e-5": (4703, 50, 4, 0.7, 1e-5),
}


def make_case(seed: int, n: int, d: int):
    gen = rng(seed)
    x = gen.normal(
        loc=gen.normal(scale=3.0, size=d), scale=gen.uniform(0.2, 3.0, size=d), size=(n, d)
    )
    gamma, beta = gen.normal(1.0, 0.5, size=d), gen.normal(size=d)
    moving_mean, moving_var = gen.normal(size=d), gen.uniform(0.5, 2.0, size=d)
    return x, gamma, beta, moving_mean, moving_var


def keras_batchnorm(x, gamma, beta, moving_mean, moving_var, *, training, momentum, epsilon):
    """(out, moving_mean, moving_var) of a float64 Keras layer after one call."""
    with float64():
        layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
        layer.build((None, x.shape[1]))
        layer.set_weights([gamma, beta, moving_mean, moving_var])
        out = keras.ops.convert_to_numpy(layer(x, training=training))
        return out, layer.moving_mean.numpy(), layer.moving_variance.numpy()


def student_batchnorm(submission, x, gamma, beta, moving_mean, moving_var, **kwargs):
    result = submission.call(NAME, x, gamma, beta, moving_mean, moving_var, **kwargs)
    if not isinstance(result, list) or len(result) != 4:
        raise CheckFailure(
            f"{NAME} must return (out, new_moving_mean, new_moving_var, cache), "
            f"got {type(result).__name__}"
        )
    return result[:3]


def describe(case: str, training: bool) -> str:
    _, n, d, momentum, epsilon = CASES[case]
    return f"(n={n}, d={d}, momentum={momentum}, epsilon={epsilon}, training={training})"


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_training_output_matches_keras(submission, case):
    seed, n, d, momentum, epsilon = CASES[case]
    inputs = make_case(seed, n, d)
    kwargs = {"training": True, "momentum": momentum, "epsilon": epsilon}
    out, _, _ = student_batchnorm(submission, *inputs, **kwargs)
    expected, _, _ = keras_batchnorm(*inputs, **kwargs)
    assert_close(
        out,
        expected,
        rtol=RTOL,
        atol=ATOL,
        name=f"{NAME} output {describe(case, True)}, vs keras.layers.BatchNormalization "
        "(batch mean and biased batch variance)",
    )


MOVING_CASES = ["n8_d3_m0.9_eps0.1", "n50_d4_m0.7_eps1e-5"]  # momentum 0.5 is symmetric


@pytest.mark.parametrize("case", MOVING_CASES, ids=MOVING_CASES)
def test_moving_statistics_match_keras(submission, case):
    seed, n, d, momentum, epsilon = CASES[case]
    inputs = make_case(seed, n, d)
    kwargs = {"training": True, "momentum": momentum, "epsilon": epsilon}
    _, mean, var = student_batchnorm(submission, *inputs, **kwargs)
    _, mean_ref, var_ref = keras_batchnorm(*inputs, **kwargs)
    where = f"{describe(case, True)}, vs keras.layers.BatchNormalization"
    assert_close(mean, mean_ref, rtol=RTOL, atol=ATOL, name=f"new moving mean {where}")
    assert_close(var, var_ref, rtol=RTOL, atol=ATOL, name=f"new moving variance {where}")


def test_inference_uses_moving_statistics(submission):
    case = "n32_d5_keras_defaults"
    seed, n, d, momentum, epsilon = CASES[case]
    inputs = make_case(seed + 10, n, d)
    kwargs = {"training": False, "momentum": momentum, "epsilon": epsilon}
    out, mean, var = student_batchnorm(submission, *inputs, **kwargs)
    expected, _, _ = keras_batchnorm(*inputs, **kwargs)
    assert_close(
        out,
        expected,
        rtol=RTOL,
        atol=ATOL,
        name=f"{NAME} output {describe(case, False)}, vs keras.layers.BatchNormalization "
        "(inference normalises with the moving statistics)",
    )
    assert_close(
        mean, inputs[3], rtol=0, atol=0, name="moving mean after an inference call (unchanged)"
    )
    assert_close(
        var, inputs[4], rtol=0, atol=0, name="moving variance after an inference call (unchanged)"
    )
