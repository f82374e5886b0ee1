import keras
import numpy as np
import pytest

from course_lib.mlp import (
    build_mlp,
    dense_layers,
    dense_shapes,
    set_weights_from_numpy,
    weights_as_numpy,
)

pytestmark = pytest.mark.usefixtures("keras_state")


@pytest.mark.parametrize(
    "kwargs, names",
    [
        ({}, ["dense_0", "activation_0", "dense_1", "activation_1", "dense_2"]),
        (
            {"batch_norm": True, "dropout": 0.25},
            ["dense_0", "batch_norm_0", "activation_0", "dropout_0"]
            + ["dense_1", "batch_norm_1", "activation_1", "dropout_1", "dense_2"],
        ),
    ],
    ids=["plain", "batch-norm-dropout"],
)
def test_layers_are_named_in_order(kwargs, names):
    model = build_mlp(6, (8, 5), 3, **kwargs)
    assert [layer.name for layer in model.layers] == names
    assert model.name == "mlp" and model.built
    assert model.output_shape == (None, 3)


def test_dense_shapes_and_empty_hidden():
    assert dense_shapes(build_mlp(40, (64, 32), 10)) == [(40, 64), (64, 32), (32, 10)]
    linear = build_mlp(4, (), 1, output_activation="sigmoid")
    assert dense_shapes(linear) == [(4, 1)]
    out = linear(np.ones((2, 4), "float32")).numpy()
    assert np.all((out > 0) & (out < 1))


def test_activation_and_initializer_are_used():
    model = build_mlp(
        3, (4,), 2, activation="tanh", kernel_initializer="zeros", output_activation="softmax"
    )
    assert model.get_layer("activation_0").activation is keras.activations.tanh
    np.testing.assert_array_equal(model.get_layer("dense_0").kernel.numpy(), 0.0)
    np.testing.assert_allclose(
        model(np.ones((5, 3), "float32")).numpy().sum(axis=1), 1.0, rtol=1e-6
    )


def test_a_shared_initializer_instance_still_gives_different_layers():
    model = build_mlp(8, (8, 8), 8, kernel_initializer=keras.initializers.HeNormal(seed=3))
    kernels = [w for w, _ in weights_as_numpy(model)]
    assert not np.array_equal(kernels[0], kernels[1])
    again = build_mlp(8, (8, 8), 8, kernel_initializer=keras.initializers.HeNormal(seed=3))
    np.testing.assert_array_equal(weights_as_numpy(again)[1][0], kernels[1])


def test_config_round_trip_keeps_the_names():
    model = build_mlp(5, (7,), 2, batch_norm=True, dropout=0.5, name="net")
    clone = keras.Sequential.from_config(model.get_config())
    assert [lay.name for lay in clone.layers] == [lay.name for lay in model.layers]
    assert clone.name == "net"


@pytest.mark.parametrize("layout", ["keras", "math"])
def test_weights_round_trip_between_models(layout, rng):
    source, target = build_mlp(6, (5, 4), 3), build_mlp(6, (5, 4), 3)
    params = weights_as_numpy(source, layout=layout)
    assert [w.shape for w, _ in params] == (
        [(6, 5), (5, 4), (4, 3)] if layout == "keras" else [(5, 6), (4, 5), (3, 4)]
    )
    set_weights_from_numpy(target, params, layout=layout)
    x = rng.normal(size=(10, 6)).astype("float32")
    np.testing.assert_array_equal(source(x).numpy(), target(x).numpy())


def test_math_layout_is_the_column_vector_forward_pass(rng):
    """z = W a + b with W (fan_out, fan_in), relu between layers, reproduces the model."""
    model = build_mlp(4, (6,), 2)
    (w1, b1), (w2, b2) = weights_as_numpy(model, layout="math")
    a = rng.normal(size=(4, 3))  # three column vectors
    z = w2 @ np.maximum(w1 @ a + b1[:, None], 0) + b2[:, None]
    np.testing.assert_allclose(model(a.T.astype("float32")).numpy(), z.T, rtol=1e-5, atol=1e-6)


def test_weights_are_copies_in_the_variable_dtype():
    keras.backend.set_floatx("float64")
    keras.backend.clear_session()  # new layers read floatx only after this
    model = build_mlp(3, (2,), 1)
    params = weights_as_numpy(model)
    assert params[0][0].dtype == np.float64
    params[0][0][:] = 7.0  # editing the copy leaves the model alone
    assert not np.any(model.get_layer("dense_0").kernel.numpy() == 7.0)
    set_weights_from_numpy(model, [(np.ones((3, 2), "float32"), np.ones((2, 1))), params[1]])
    assert model.get_layer("dense_0").kernel.dtype == "float64"
    np.testing.assert_array_equal(model.get_layer("dense_0").bias.numpy(), [1.0, 1.0])


def test_layers_without_bias_give_none():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, use_bias=False)])
    ((kernel, bias),) = weights_as_numpy(model)
    assert kernel.shape == (3, 2) and bias is None
    set_weights_from_numpy(model, [(np.zeros((3, 2)), None)])
    with pytest.raises(ValueError, match=r"b must be None.*got \(2,\) for use_bias=False$"):
        set_weights_from_numpy(model, [(np.zeros((3, 2)), np.zeros(2))])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden": (0,)}, r"each must be a positive integer, got 0$"),
        ({"hidden": (10, -1)}, r"got -1$"),
        ({"hidden": 10}, r"sequence of layer widths.*got 10$"),
        ({"input_dim": 0}, r"input_dim must be a positive integer, got 0$"),
        ({"n_outputs": 2.0}, r"n_outputs must be a positive integer, got 2\.0$"),
        ({"dropout": 1.0}, r"dropout must be a rate in \[0, 1\), got 1\.0$"),
        ({"activation": "nope"}, r"activation must be .*got 'nope'$"),
        ({"output_activation": "nope"}, r"output_activation must be .*got 'nope'$"),
        ({"kernel_initializer": "nope"}, r"kernel_initializer must be .*got 'nope'$"),
    ],
    ids=[
        "zero-width",
        "negative-width",
        "int-hidden",
        "input-dim",
        "float-outputs",
        "dropout",
        "activation",
        "output-activation",
        "initializer",
    ],
)
def test_build_mlp_rejects_bad_inputs(kwargs, match):
    args = {"input_dim": 4, "hidden": (3,), "n_outputs": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        build_mlp(args.pop("input_dim"), args.pop("hidden"), args.pop("n_outputs"), **args)


def test_set_weights_rejects_bad_params_and_changes_nothing():
    model = build_mlp(3, (2,), 1)
    before = weights_as_numpy(model)
    good_first = (np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"one \(W, b\) pair per Dense layer \(2\), got 1$"):
        set_weights_from_numpy(model, [good_first])
    with pytest.raises(
        ValueError, match=r"dense_1: W needs shape \(2, 1\) for layout='keras', got \(1, 2\)$"
    ):
        set_weights_from_numpy(model, [good_first, (np.ones((1, 2)), np.ones(1))])
    with pytest.raises(ValueError, match=r"dense_0: b needs shape \(2,\), got \(3,\)$"):
        set_weights_from_numpy(model, [(np.ones((3, 2)), np.ones(3)), before[1]])
    with pytest.raises(
        ValueError, match=r"layout must be one of \('keras', 'math'\), got 'torch'$"
    ):
        weights_as_numpy(model, layout="torch")
    for (w0, b0), (w1, b1) in zip(before, weights_as_numpy(model)):
        np.testing.assert_array_equal(w0, w1)
        np.testing.assert_array_equal(b0, b1)


def test_helpers_need_a_built_model_with_dense_layers():
    unbuilt = keras.Sequential([keras.layers.Dense(2)], name="later")
    with pytest.raises(ValueError, match=r"got unbuilt model 'later'$"):
        dense_shapes(unbuilt)
    no_dense = keras.Sequential([keras.Input((3,)), keras.layers.Activation("relu", name="act")])
    with pytest.raises(ValueError, match=r"no Dense layer, got layers \['act'\]$"):
        dense_layers(no_dense)
    with pytest.raises(ValueError, match=r"keras.Model, got list$"):
        dense_layers([])
