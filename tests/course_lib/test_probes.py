import matplotlib

matplotlib.use("Agg")  # headless: tests only; the library itself sets no backend

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.mlp import build_mlp  # noqa: E402
from course_lib.probes import (  # noqa: E402
    gradient_norms,
    gradient_norms_during_training,
    plot_gradient_norms,
)

LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@pytest.fixture(autouse=True)
def _close_figures(keras_state):
    yield
    plt.close("all")


@pytest.fixture
def batch(rng):
    x = rng.normal(size=(128, 20)).astype("float32")
    y = rng.integers(0, 10, size=128)
    return x, y


def test_norms_match_a_tape_and_are_ordered(batch):
    x, y = batch
    model = build_mlp(20, (16, 8), 10, batch_norm=True)
    norms = gradient_norms(model, x, y, LOSS)
    assert list(norms) == ["dense_0", "dense_1", "dense_2"]
    assert all(isinstance(v, float) and v > 0 for v in norms.values())
    kernels = [model.get_layer(name).kernel for name in norms]
    with tf.GradientTape() as tape:
        loss = LOSS(y, model(x, training=True))
    for value, gradient in zip(norms.values(), tape.gradient(loss, kernels)):
        assert value == pytest.approx(float(tf.norm(gradient)), rel=1e-5)


def test_loss_names_average_per_sample_values(batch, rng):
    x = batch[0]
    y = rng.normal(size=(128, 1)).astype("float32")
    model = build_mlp(20, (8,), 1)
    by_name = gradient_norms(model, x, y, "mse")  # keras.losses.get: one value per sample
    by_object = gradient_norms(model, x, y, keras.losses.MeanSquaredError())
    by_function = gradient_norms(model, x, y, lambda t, p: tf.reduce_sum((t - p) ** 2) / 128)
    assert by_name == pytest.approx(by_object, rel=1e-6)
    assert by_function == pytest.approx(by_object, rel=1e-5)


def test_sigmoid_net_vanishes_where_relu_he_does_not(batch):
    """10 hidden sigmoid layers with Glorot init vs ReLU with He init, same data."""
    x, y = batch
    hidden = (32,) * 10
    sigmoid = build_mlp(20, hidden, 10, activation="sigmoid", kernel_initializer="glorot_uniform")
    relu = build_mlp(20, hidden, 10, activation="relu", kernel_initializer="he_normal")
    s, r = gradient_norms(sigmoid, x, y, LOSS), gradient_norms(relu, x, y, LOSS)
    assert s["dense_0"] < 1e-2 * r["dense_0"]
    # The decay is along depth: the first layer gets far less than the last one.
    assert s["dense_0"] < 1e-3 * s["dense_10"]
    assert r["dense_0"] > 0.1 * r["dense_10"]


def test_norms_during_training(batch):
    x, y = batch
    model = build_mlp(20, (8,), 10)
    history = gradient_norms_during_training(
        model, x, y, LOSS, optimizer=keras.optimizers.SGD(0.1), epochs=2, batch_size=64
    )
    assert len(history) == 3 and all(list(h) == ["dense_0", "dense_1"] for h in history)
    assert history[0] != history[-1]  # training changed the weights
    # Nothing trained yet: the first entry is the plain probe on the first probe_size rows.
    fresh = build_mlp(20, (8,), 10)
    expected = gradient_norms(fresh, x[:32], y[:32], LOSS)
    assert gradient_norms_during_training(fresh, x, y, LOSS, epochs=0, probe_size=32) == [expected]


def test_plot_draws_one_log_line_per_configuration():
    norms = {
        "sigmoid, glorot": {"dense_0": 1e-6, "dense_1": 1e-4, "dense_2": 1e-2},
        "relu, he": {"dense_0": 0.5, "dense_1": 0.4, "dense_2": 0.3},
    }
    figure = plot_gradient_norms(norms)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines] == list(norms)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1e-6, 1e-4, 1e-2])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["dense_0", "dense_1", "dense_2"]


def test_plot_on_given_axes_with_different_depths_and_zeros():
    figure, (left, right) = plt.subplots(1, 2)
    out = plot_gradient_norms(
        {"deep": {"a": 0.0, "b": 1.0, "c": 2.0}, "shallow": {"x": 1.0}}, ax=right
    )
    assert out is figure and len(right.lines) == 2 and not left.lines
    assert np.isnan(right.lines[0].get_ydata()[0])  # a zero cannot sit on a log axis


@pytest.mark.parametrize(
    "norms, match",
    [
        ({}, r"non-empty dict label -> norms, got \{\}$"),
        ({"a": {}}, r"'a' needs a non-empty dict of finite norms >= 0, got \{\}$"),
        ({"a": {"dense_0": -1.0}}, r"got \{'dense_0': -1\.0\}$"),
        ({"a": {"dense_0": float("nan")}}, r"got \{'dense_0': nan\}$"),
    ],
    ids=["empty", "empty-config", "negative", "nan"],
)
def test_plot_rejects_bad_norms(norms, match):
    with pytest.raises(ValueError, match=match):
        plot_gradient_norms(norms)


def test_gradient_norms_rejects_bad_inputs(batch):
    x, y = batch
    model = build_mlp(20, (8,), 10)
    with pytest.raises(ValueError, match=r"got shapes \(128, 20\) and \(127,\)$"):
        gradient_norms(model, x, y[:-1], LOSS)
    with pytest.raises(ValueError, match=r"got 'nope'$"):
        gradient_norms(model, x, y, "nope")
    with pytest.raises(ValueError, match=r"got 3$"):
        gradient_norms(model, x, y, 3)
    with pytest.raises(ValueError, match=r"epochs must be an integer >= 0, got -1$"):
        gradient_norms_during_training(model, x, y, LOSS, epochs=-1)


class _SpareLayer(keras.Model):
    """Tracks a Dense layer that its call never uses."""

    def __init__(self):
        super().__init__()
        self.used = keras.layers.Dense(10, name="used")
        self.spare = keras.layers.Dense(10, name="spare")

    def call(self, x):
        return self.used(x)


def test_a_layer_the_loss_ignores_is_reported(batch):
    x, y = batch
    model = _SpareLayer()
    model.spare.build((None, 20))
    model(x[:1])
    with pytest.raises(ValueError, match=r"does not depend on layer 'spare', got gradient None$"):
        gradient_norms(model, x, y, LOSS)
