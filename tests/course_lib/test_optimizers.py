"""ScratchOptimizer and trajectory, tested with small example optimizers written here.

The update rules below are the two textbook ones that Keras' SGD already implements, so
they can be compared exactly; the graded rules (Nesterov, RMSprop, Adam) are left to the
students and are never written in course_lib.
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from course_lib.optimizers import ScratchOptimizer, trajectory


class GradientDescent(ScratchOptimizer):
    def __init__(self, learning_rate=0.01, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)

    def update(self, gradient, variable, learning_rate, state, step):
        self.assign_sub(variable, learning_rate * gradient)


class HeavyBall(ScratchOptimizer):
    slots = ("velocity",)

    def __init__(self, learning_rate=0.01, momentum=0.875, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum

    def update(self, gradient, variable, learning_rate, state, step):
        velocity = state["velocity"]
        self.assign(velocity, self.momentum * velocity - learning_rate * gradient)
        self.assign_add(variable, velocity)


class StepRecorder(ScratchOptimizer):
    """Writes the step it was given into a slot, to test the step counter itself."""

    slots = ("last_step", "calls")

    def update(self, gradient, variable, learning_rate, state, step):
        self.assign(state["last_step"], ops.ones_like(variable) * step)
        self.assign_add(state["calls"], ops.ones_like(variable))


pytestmark = pytest.mark.usefixtures("keras_state")


HESSIAN = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.25], [0.0, 0.25, 0.5]])


def quadratic(x):
    """0.5 x^T H x - 1^T x: minimum at H^-1 1, condition number ~ 7."""
    h = tf.constant(HESSIAN, x.dtype)
    return 0.5 * tf.tensordot(x, tf.linalg.matvec(h, x), 1) - tf.reduce_sum(x)


# Hyperparameters exact in float32: Keras casts Python floats through float32.
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: GradientDescent(0.125), lambda: keras.optimizers.SGD(0.125)),
        (lambda: HeavyBall(0.125, 0.75), lambda: keras.optimizers.SGD(0.125, momentum=0.75)),
        (lambda: HeavyBall(0.1, 0.9375), lambda: keras.optimizers.SGD(0.1, momentum=0.9375)),
    ],
    ids=["sgd", "momentum", "momentum-inexact-lr"],
)
def test_trajectory_matches_keras_in_float64(ours, theirs):
    x0 = np.array([2.0, -1.0, 3.0])
    got = trajectory(ours(), quadratic, x0, 50)
    want = trajectory(theirs(), quadratic, x0, 50)
    assert got.shape == (51, 3) and got.dtype == np.float64
    np.testing.assert_array_equal(got[0], x0)
    assert np.max(np.abs(got - want)) <= 1e-10
    distance = np.linalg.norm(got - np.linalg.solve(HESSIAN, np.ones(3)), axis=1)
    assert distance[-1] < 0.25 * distance[0]  # it does minimise


def test_trajectory_keeps_float32_and_reads_scalars():
    path = trajectory(GradientDescent(0.25), lambda x: tf.reduce_sum(x**2), np.float32(1.0), 3)
    assert path.dtype == np.float32 and path.shape == (4, 1)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.5, 0.25, 0.125])
    assert trajectory(GradientDescent(), quadratic, [1, 2, 3], 0).shape == (1, 3)


def test_step_counts_from_one_in_the_variable_dtype():
    x = tf.Variable(np.zeros(2))
    opt = StepRecorder(0.1)
    for _ in range(3):
        opt.apply_gradients([(tf.ones(2, tf.float64), x)])
    state = opt.state(x)
    assert state["last_step"].dtype == "float64"
    np.testing.assert_array_equal(state["last_step"].numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(state["calls"].numpy(), [3.0, 3.0])


def test_slots_are_created_once_per_variable():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    opt = HeavyBall(0.1)
    opt.build(model.trainable_variables)
    opt.build(model.trainable_variables)  # a second build must not add slots
    # iteration + learning_rate + one velocity per kernel and bias
    assert len(opt.variables) == 2 + 4
    for variable in model.trainable_variables:
        velocity = opt.state(variable)["velocity"]
        assert velocity.shape == variable.shape and velocity.dtype == variable.dtype
        assert "velocity" in velocity.path and not np.any(velocity.numpy())
    assert len(GradientDescent(0.1).variables) == 2  # no slots, no extra variables


def test_get_config_round_trips_the_hyperparameters():
    opt = HeavyBall(learning_rate=0.05, momentum=0.5, clipnorm=1.0, name="heavy")
    config = opt.get_config()
    assert config["momentum"] == 0.5 and config["clipnorm"] == 1.0 and config["name"] == "heavy"
    assert opt.hyperparameters == {"momentum": 0.5}
    json.dumps(config)
    clone = HeavyBall.from_config(config)
    assert clone.get_config() == config
    restored = keras.optimizers.deserialize(
        keras.optimizers.serialize(opt), custom_objects={"HeavyBall": HeavyBall}
    )
    assert isinstance(restored, HeavyBall) and restored.get_config() == config


def test_compile_and_fit_match_keras_sgd():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 1)).astype("float32")
    weights = None
    results = []
    for make in (
        lambda: HeavyBall(0.05, 0.75),
        lambda: keras.optimizers.SGD(0.05, momentum=0.75),
    ):
        model = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)]
        )
        weights = weights or model.get_weights()
        model.set_weights(weights)
        model.compile(optimizer=make(), loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.get_weights()))
    (loss_a, w_a), (loss_b, w_b) = results
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5)
    for a, b in zip(w_a, w_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_course_lib_training_loop_runs_a_scratch_optimizer():
    training = pytest.importorskip(
        "course_lib.training", reason="course_lib.training is not importable yet"
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    history = training.fit(
        model, x, y, loss=loss, optimizer=HeavyBall(0.25, 0.75), epochs=5, verbose=False
    )
    assert history["loss"][-1] < 0.5 * history["loss"][0]

    # make_train_step: one step with GradientDescent equals w - lr * g.
    before = [v.numpy() for v in model.trainable_variables]
    with tf.GradientTape() as tape:
        manual = loss(y[:16], model(x[:16]))
    grads = tape.gradient(manual, model.trainable_variables)
    step = training.make_train_step(model, loss, GradientDescent(0.5))
    step(tf.constant(x[:16]), tf.constant(y[:16]))
    for got, w, g in zip(model.trainable_variables, before, grads):
        np.testing.assert_allclose(got.numpy(), w - 0.5 * g.numpy(), rtol=1e-6, atol=1e-7)


def test_repeated_trajectories_write_nothing_to_stderr(capfd):
    for _ in range(7):  # TensorFlow warns about retracing after 5 traces of one function
        trajectory(HeavyBall(0.1), quadratic, [1.0, 1.0, 1.0], 4)
    assert "retracing" not in capfd.readouterr().err


def test_missing_update_raises_not_implemented():
    class Blank(ScratchOptimizer):
        pass

    with pytest.raises(NotImplementedError, match=r"update\(self, gradient"):
        trajectory(Blank(0.1), quadratic, [1.0, 1.0, 1.0], 2)


def test_bad_subclass_declarations_fail_at_definition():
    with pytest.raises(TypeError, match=r"got 'velocity'$"):

        class OneString(ScratchOptimizer):
            slots = "velocity"

    with pytest.raises(TypeError, match=r"distinct names.*got \('m', 'm'\)$"):

        class Twice(ScratchOptimizer):
            slots = ("m", "m")

    with pytest.raises(
        TypeError,
        match=r"must accept \*\*kwargs.*got NoKwargs.__init__\(self, learning_rate=0.1\)$",
    ):

        class NoKwargs(ScratchOptimizer):
            def __init__(self, learning_rate=0.1):
                super().__init__(learning_rate=learning_rate)


def test_unstored_hyperparameter_is_reported():
    class Forgetful(ScratchOptimizer):
        def __init__(self, learning_rate=0.01, beta=0.5, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

    with pytest.raises(AttributeError, match=r"self\.beta = beta"):
        Forgetful().get_config()


def test_integer_learning_rate_is_accepted():
    assert GradientDescent(1).get_config()["learning_rate"] == 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"x0": np.zeros((2, 2))}, r"got array\(\[\[0\., 0\.\],"),
        ({"x0": []}, r"got array\(\[\], dtype=float64\)$"),
        ({"x0": [np.nan, 1.0, 1.0]}, r"finite.*got array"),
        ({"steps": -1}, r"got -1$"),
        ({"steps": 2.5}, r"got 2\.5$"),
        ({"fn": lambda x: x**2}, r"scalar, got shape \(3,\)$"),
        ({"fn": lambda x: tf.constant(1.0, tf.float64)}, r"got gradient None$"),
    ],
    ids=["matrix", "empty", "nan", "negative-steps", "float-steps", "vector-fn", "constant-fn"],
)
def test_trajectory_rejects_bad_inputs(kwargs, match):
    args = {"fn": quadratic, "x0": [1.0, 1.0, 1.0], "steps": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        trajectory(GradientDescent(0.1), args["fn"], args["x0"], args["steps"])


def test_trajectory_needs_a_fresh_optimizer():
    opt = GradientDescent(0.1)
    trajectory(opt, quadratic, [1.0, 1.0, 1.0], 1)
    with pytest.raises(ValueError, match=r"already built: 'gradient_descent"):
        trajectory(opt, quadratic, [1.0, 1.0, 1.0], 1)
    with pytest.raises(TypeError, match=r"got 'sgd'$"):
        trajectory("sgd", quadratic, [1.0], 1)
