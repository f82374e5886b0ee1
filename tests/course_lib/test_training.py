import io
import json
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import seed_everything, training
from course_lib.history import EpochProgress, History

LOGITS_LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@pytest.fixture(autouse=True)
def _keras_state():
    keras.backend.set_floatx("float32")
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


@pytest.fixture
def seed():
    return seed_everything(0, deterministic=False)


@pytest.fixture
def blobs(seed):
    """Two well separated Gaussian blobs in 2-D: 200 points, labels 0/1."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], 100)
    x = rng.normal(size=(200, 2)) * 0.5 + np.where(y[:, None] == 1, 1.5, -1.5)
    order = rng.permutation(200)
    return x[order].astype("float32"), y[order]


def mlp(outputs: int, activation=None, **dense_kwargs) -> keras.Model:
    """2 -> 8 (ReLU) -> ``outputs``; ``dense_kwargs`` go to the hidden layer."""
    hidden = keras.layers.Dense(8, activation="relu", **dense_kwargs)
    output = keras.layers.Dense(outputs, activation=activation)
    return keras.Sequential([keras.Input((2,)), hidden, output])


@pytest.mark.parametrize(
    "outputs, activation, loss",
    [(2, None, LOGITS_LOSS), (1, "sigmoid", "binary_crossentropy")],
    ids=["softmax-logits", "sigmoid-binary"],
)
def test_fit_learns_separable_problem(blobs, outputs, activation, loss):
    x, y = blobs
    model = mlp(outputs, activation)
    history = training.fit(
        model, x, y, loss=loss, optimizer=keras.optimizers.Adam(0.02), epochs=15, verbose=False
    )
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history.final("accuracy") >= 0.97
    assert training.evaluate(model, x, y, loss=loss)["accuracy"] >= 0.97


def test_train_step_equals_one_manual_sgd_step(seed):
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(size=(16, 2)), tf.float32)
    y = tf.constant(rng.integers(0, 2, size=16))
    model = mlp(2)
    before = [v.numpy().copy() for v in model.trainable_variables]
    with tf.GradientTape() as tape:
        manual_loss = LOGITS_LOSS(y, model(x, training=True))
    grads = tape.gradient(manual_loss, model.trainable_variables)
    expected = [w - 0.1 * g.numpy() for w, g in zip(before, grads)]

    step = training.make_train_step(model, LOGITS_LOSS, keras.optimizers.SGD(learning_rate=0.1))
    loss = step(x, y)

    assert isinstance(loss, tf.Tensor) and loss.shape == ()
    assert float(loss) == pytest.approx(float(manual_loss), abs=1e-6)
    for got, want in zip(model.trainable_variables, expected):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-7)


def test_train_step_builds_an_unbuilt_model_and_accepts_new_batch_sizes(seed):
    model = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    step = training.make_train_step(model, "mse", "sgd")
    losses = [float(step(tf.ones((b, 3)), tf.ones((b, 1)))) for b in (4, 5, 6, 7)]
    assert model.built
    assert losses[-1] < losses[0]


L2 = keras.regularizers.L2(0.1)
EVALUATE_CASES = {  # kind: (model, classes (None: regression), loss, metric)
    "logits": (lambda: mlp(3), 3, LOGITS_LOSS, "accuracy"),
    "softmax": (lambda: mlp(3, "softmax"), 3, "sparse_categorical_crossentropy", "accuracy"),
    "sigmoid-binary": (lambda: mlp(1, "sigmoid"), 2, "binary_crossentropy", "accuracy"),
    "regression-l2": (lambda: mlp(1, kernel_regularizer=L2), None, "mse", "mae"),
}


@pytest.mark.parametrize("kind", list(EVALUATE_CASES))
def test_evaluate_matches_keras_evaluate(seed, kind):
    make_model, classes, loss, metric = EVALUATE_CASES[kind]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(103, 2)).astype("float32")  # 103: the last batch is partial
    y = rng.normal(size=103).astype("float32") if classes is None else rng.integers(0, classes, 103)
    model = make_model()
    result = training.evaluate(model, x, y, loss=loss, batch_size=32, metrics=(metric,))
    model.compile(loss=loss, metrics=[metric])
    expected = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    assert set(result) == {"loss", metric}
    assert result["loss"] == pytest.approx(expected["loss"], abs=1e-5)
    assert result[metric] == pytest.approx(expected[metric], abs=1e-6)


def test_evaluate_leaves_weights_alone(blobs):
    x, y = blobs
    model = mlp(2)
    before = [v.numpy().copy() for v in model.weights]
    training.evaluate(model, x, y, loss=LOGITS_LOSS)
    for got, want in zip(model.weights, before):
        np.testing.assert_array_equal(got.numpy(), want)


def test_custom_callable_loss_aligns_targets_with_outputs(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 2)).astype("float32")
    y = rng.normal(size=40).astype("float32")  # (n,) targets, (n, 1) outputs
    model = mlp(1)

    def squared_error(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    ours = training.evaluate(model, x, y, loss=squared_error, metrics=())
    keras_mse = training.evaluate(model, x, y, loss="mse", metrics=())
    assert ours["loss"] == pytest.approx(keras_mse["loss"])
    x64 = x.astype("float64")  # cast to float32 by fit
    history = training.fit(model, x64, y, loss=squared_error, metrics="mae", verbose=False)
    assert history.keys() == ["loss", "mae"]


def test_history_bookkeeping_and_json_round_trip(blobs):
    x, y = blobs
    kwargs = {"loss": LOGITS_LOSS, "epochs": 3, "batch_size": 50, "verbose": False}
    history = training.fit(mlp(2), x[:150], y[:150], validation_data=(x[150:], y[150:]), **kwargs)
    assert isinstance(history, History)
    assert len(history) == 3 and history.epochs == [1, 2, 3]
    assert history.keys() == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 3 for values in history.history.values())
    assert all(isinstance(v, float) for values in history.history.values() for v in values)
    restored = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert restored.history == history.history and restored.epochs == history.epochs
    assert history.best("val_loss") == min(history["val_loss"])
    assert history.best("val_accuracy") == max(history["val_accuracy"])
    assert history.best("val_accuracy", mode="min") == min(history["val_accuracy"])


def test_fit_without_validation_or_metrics_logs_the_loss_only(blobs):
    x, y = blobs
    history = training.fit(mlp(2), x, y, loss=LOGITS_LOSS, epochs=2, metrics=None, verbose=False)
    assert history.keys() == ["loss"]


def test_fit_matches_keras_fit_without_shuffling(blobs):
    x, y = blobs  # 200 samples: the last batch of 32 is partial
    models = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        models.append(mlp(2))
    models[0].compile(optimizer=keras.optimizers.Adam(0.01), loss=LOGITS_LOSS, metrics=["accuracy"])
    theirs = models[0].fit(x, y, epochs=2, shuffle=False, verbose=0).history
    opt = keras.optimizers.Adam(0.01)
    ours = training.fit(models[1], x, y, loss=LOGITS_LOSS, optimizer=opt, epochs=2, shuffle=False)
    assert ours.keys() == ["loss", "accuracy"]
    for name in ("loss", "accuracy"):
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-5)
    for theirs_w, ours_w in zip(models[0].weights, models[1].weights):
        np.testing.assert_allclose(ours_w.numpy(), theirs_w.numpy(), rtol=1e-5, atol=1e-6)


def test_jit_compiled_steps_train_the_same_model(blobs):
    # XLA reorders the float32 arithmetic: the same run to about float32 precision, with
    # the partial last batch (200 = 6 × 32 + 8) compiled as its own shape.
    x, y = blobs
    runs = []
    for jit in (False, True):
        keras.utils.set_random_seed(1)
        model = mlp(2)
        history = training.fit(model, x, y, loss=LOGITS_LOSS, optimizer=keras.optimizers.Adam(0.01),
                               epochs=3, seed=3, verbose=False, jit_compile=jit)  # fmt: skip
        runs.append((history["loss"], model.get_weights()))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-4)
    for jitted, plain in zip(runs[1][1], runs[0][1]):
        np.testing.assert_allclose(jitted, plain, rtol=1e-3, atol=1e-5)


def test_same_seed_same_run(blobs):
    x, y = blobs
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        history = training.fit(mlp(2), x, y, loss=LOGITS_LOSS, epochs=2, seed=3, verbose=False)
        runs.append(history["loss"])
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-6)


def test_callback_stops_training_early(blobs, capsys):
    x, y = blobs
    seen = []

    def record(epoch, logs):
        seen.append((epoch, sorted(logs)))

    def stop_at_two(epoch, logs):
        return epoch == 2

    history = training.fit(
        mlp(2), x, y, loss=LOGITS_LOSS, epochs=10, callbacks=[stop_at_two, record]
    )
    assert len(history) == 2
    assert seen == [(1, ["accuracy", "loss"]), (2, ["accuracy", "loss"])]
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("epoch  2/10")
    assert lines[-1] == "stopped early by a callback after epoch 2 of 10"


def test_progress_goes_to_stdout_one_line_per_epoch(blobs, capfd):
    x, y = blobs
    training.fit(mlp(2), x, y, loss=LOGITS_LOSS, epochs=1, verbose=False)  # let TF log its start-up
    capfd.readouterr()
    training.fit(mlp(2), x, y, loss=LOGITS_LOSS, epochs=3, validation_data=(x, y))
    out, err = capfd.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert "val_accuracy" in lines[0]


def test_repeated_fits_do_not_warn_about_retracing(blobs, capfd):
    x, y = blobs
    model = mlp(2)
    training.evaluate(model, x, y, loss=LOGITS_LOSS)  # let TF log its start-up
    capfd.readouterr()
    for _ in range(6):  # TF warns on stderr after 5 traces of the same code
        training.fit(model, x, y, loss=LOGITS_LOSS, epochs=1, verbose=False)
        training.evaluate(model, x, y, loss=LOGITS_LOSS)
    assert capfd.readouterr().err == ""


def test_terminal_gets_a_progress_bar(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with EpochProgress(3, verbose=True) as progress:
        for epoch in (1, 2, 3):
            progress.update(epoch, {"loss": 0.5, "val_loss": 0.25}, last=epoch == 3)
    text = terminal.getvalue()
    assert "3/3" in text and "loss=0.5000" in text and "val_loss=0.2500" in text


def test_long_runs_print_at_most_about_forty_lines(capsys):
    x, y = np.zeros((8, 2), "float32"), np.zeros(8, "int64")
    training.fit(mlp(2), x, y, loss=LOGITS_LOSS, epochs=200, batch_size=8)
    lines = capsys.readouterr().out.splitlines()
    assert 30 <= len(lines) <= 45
    assert lines[0].startswith("epoch   1/200") and lines[-1].startswith("epoch 200/200")


BAD_FIT_INPUT = {  # id: (fit keyword arguments, error type, message pattern)
    "length-mismatch": ({"y": np.zeros(5)}, ValueError, r"got shapes \(10, 2\) and \(5,\)"),
    "epochs-zero": ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
    "epochs-float": ({"epochs": 2.5}, ValueError, "epochs must be a positive integer, got 2.5"),
    "batch-size-zero": ({"batch_size": 0}, ValueError, "batch_size must be .*, got 0"),
    "unknown-metric": ({"metrics": ["f1"]}, ValueError, r"valid names are .*, got 'f1'"),
    "val-not-pair": ({"validation_data": np.zeros((3, 2))}, ValueError, "must be a pair"),
    "val-length": ({"validation_data": (np.zeros((3, 2)), np.zeros(2))}, ValueError, "x_val"),
    "callback-not-callable": ({"callbacks": [3]}, TypeError, r"cb\(epoch, logs\), got 3"),
    "unknown-loss": ({"loss": "not_a_loss"}, ValueError, "got 'not_a_loss'"),
    "loss-type": ({"loss": 3}, TypeError, "got int: 3"),
    "optimizer-type": ({"optimizer": 0.1}, TypeError, "got float: 0.1"),
    "unknown-optimizer": ({"optimizer": "nope"}, ValueError, "optimizer identifier: nope"),
}


@pytest.mark.parametrize("kwargs, error, match", BAD_FIT_INPUT.values(), ids=BAD_FIT_INPUT.keys())
def test_fit_rejects_bad_input(kwargs, error, match):
    args = {"x": np.zeros((10, 2), "float32"), "y": np.zeros(10, "int64"), "loss": LOGITS_LOSS}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        training.fit(mlp(2), args.pop("x"), args.pop("y"), verbose=False, **args)


def test_evaluate_rejects_bad_input():
    with pytest.raises(ValueError, match=r"got shapes \(4, 2\) and \(3,\)"):
        training.evaluate(mlp(2), np.zeros((4, 2)), np.zeros(3), loss=LOGITS_LOSS)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got -1"):
        training.evaluate(mlp(2), np.zeros((4, 2)), np.zeros(4), loss=LOGITS_LOSS, batch_size=-1)


def test_history_helpers():
    history = History({"loss": [3.0, 1.0, 2.0], "val_accuracy": [0.5, float("nan"), 0.7]})
    assert history.epochs == [1, 2, 3]
    assert history.final("loss") == 2.0
    assert history.best("loss") == 1.0 and history.best_epoch("loss") == 2
    assert history.best("val_accuracy") == 0.7 and history.best_epoch("val_accuracy") == 3
    assert "loss" in history and list(history) == ["loss", "val_accuracy"]
    assert repr(history).startswith("History(epochs=3, loss=2")
    with pytest.raises(KeyError, match=r"available: \['loss', 'val_accuracy'\]"):
        history["accuracy"]
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', got 'best'"):
        history.best("loss", mode="best")
    with pytest.raises(ValueError, match=r"same length, got lengths"):
        History({"loss": [1.0], "accuracy": [0.5, 0.6]})
    with pytest.raises(ValueError, match=r"expected the names \['loss', 'val_accuracy'\]"):
        history.append(4, {"loss": 1.0})
