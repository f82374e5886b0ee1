import matplotlib

matplotlib.use("Agg")  # headless: tests only; the library itself sets no backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib import plots  # noqa: E402
from course_lib.history import History  # noqa: E402

CURVES = {
    "loss": [1.0, 0.6, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.1, 0.7, 0.5],
    "val_accuracy": [0.4, 0.6, 0.7],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def seed():
    return 0


def line_counts(figure: Figure) -> list[int]:
    return [len(ax.lines) for ax in figure.axes]


@pytest.mark.parametrize(
    "source",
    [
        lambda: History(CURVES),
        lambda: CURVES,
        lambda: History(CURVES).to_dict(),
        lambda: _keras_history(CURVES),
    ],
    ids=["history", "dict", "to-dict", "keras-history"],
)
def test_learning_curves_loss_and_accuracy_panels(source):
    figure = plots.plot_learning_curves(source())
    assert isinstance(figure, Figure)
    assert line_counts(figure) == [2, 2]
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    np.testing.assert_array_equal(figure.axes[0].lines[0].get_xdata(), [1, 2, 3])


def _keras_history(curves):
    import keras

    history = keras.callbacks.History()
    history.history = dict(curves)
    return history


def test_learning_curves_without_validation_or_metrics():
    figure = plots.plot_learning_curves({"loss": [1.0, 0.5]})
    assert line_counts(figure) == [1]
    figure = plots.plot_learning_curves(CURVES, metrics=[])
    assert line_counts(figure) == [2]


def test_learning_curves_on_given_axes_and_history_plot():
    figure, axes = plt.subplots(1, 2)
    assert plots.plot_learning_curves(CURVES, ax=axes) is figure
    assert line_counts(figure) == [2, 2]
    figure, ax = plt.subplots()
    assert History(CURVES).plot(ax=ax, metrics=[]) is figure
    assert line_counts(figure) == [2]


@pytest.mark.parametrize(
    "source, kwargs, error, match",
    [
        ({}, {}, ValueError, "holds no epochs"),
        ({"loss": [1.0], "accuracy": [0.5, 0.6]}, {}, ValueError, r"got lengths \[1, 2\]"),
        (CURVES, {"metrics": ["f1"]}, ValueError, r"got \['f1'\]"),
        (CURVES, {"ax": "one"}, ValueError, "need 2 axes .* got 1"),
        ([1.0, 2.0], {}, TypeError, "got list"),
    ],
    ids=["empty", "ragged", "unknown-metric", "too-few-axes", "not-a-history"],
)
def test_learning_curves_reject_bad_input(source, kwargs, error, match):
    if kwargs.get("ax") == "one":
        kwargs = {"ax": plt.subplots()[1]}
    with pytest.raises(error, match=match):
        plots.plot_learning_curves(source, **kwargs)


@pytest.fixture
def three_blobs(seed):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], 20)
    centers = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    return centers[y] + 0.3 * rng.normal(size=(60, 2)), y


def nearest_center_scores(grid):
    centers = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    return -((grid[:, None, :] - centers[None]) ** 2).sum(-1)  # (m, 3) scores


@pytest.mark.parametrize(
    "predict_fn",
    [
        nearest_center_scores,
        lambda grid: np.argmax(nearest_center_scores(grid), axis=1),
        lambda grid: (grid[:, :1] > 0).astype("float32") * 0.8 + 0.1,
    ],
    ids=["scores", "labels", "binary-probs-n1"],
)
def test_decision_boundary(three_blobs, predict_fn):
    x, y = three_blobs
    figure = plots.plot_decision_boundary(predict_fn, x, y, resolution=50)
    assert isinstance(figure, Figure) and len(figure.axes) == 1
    ax = figure.axes[0]
    assert len(ax.collections) >= 2  # filled contours + scattered points
    assert ax.get_xlim()[0] == pytest.approx(x[:, 0].min() - 0.5)


def test_decision_boundary_passes_the_grid_shape(three_blobs):
    x, y = three_blobs
    seen = []

    def predict(grid):
        seen.append((grid.shape, grid.dtype))
        return nearest_center_scores(grid)

    plots.plot_decision_boundary(predict, x, y, resolution=7)
    assert seen == [((49, 2), np.float32)]


@pytest.mark.parametrize(
    "x, y, kwargs, match",
    [
        (np.zeros((5, 3)), np.zeros(5), {}, r"shape \(n, 2\) .* got shape \(5, 3\)"),
        (np.zeros((5, 2)), np.zeros(4), {}, r"one label per row of x \(5\), got 4"),
        (
            np.zeros((5, 2)),
            np.zeros(5),
            {"resolution": 1},
            "resolution must be an integer >= 2, got 1",
        ),
    ],
    ids=["three-features", "label-count", "resolution"],
)
def test_decision_boundary_rejects_bad_input(x, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_decision_boundary(nearest_center_scores, x, y, **kwargs)


def test_decision_boundary_rejects_wrong_prediction_count(three_blobs):
    x, y = three_blobs
    with pytest.raises(ValueError, match=r"one prediction per grid point.*got shape \(3,\)"):
        plots.plot_decision_boundary(lambda grid: np.zeros(3), x, y, resolution=5)


def test_confusion_matrix_annotates_every_cell():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 4]])
    figure = plots.plot_confusion_matrix(cm, class_names=["cat", "dog", "eel"])
    ax = figure.axes[0]
    assert len(figure.axes) == 1 and len(ax.texts) == 9
    assert [t.get_text() for t in ax.texts[:3]] == ["5", "1", "0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "eel"]


def test_confusion_matrix_normalizes_rows():
    figure = plots.plot_confusion_matrix(np.array([[3, 1], [0, 0]]), normalize=True)
    assert [t.get_text() for t in figure.axes[0].texts] == ["0.75", "0.25", "0.00", "0.00"]


@pytest.mark.parametrize(
    "cm, kwargs, match",
    [
        (np.ones((2, 3)), {}, r"square \(k, k\) matrix, got shape \(2, 3\)"),
        (np.ones(3), {}, r"got shape \(3,\)"),
        (-np.ones((2, 2)), {}, "non-negative counts, got min -1"),
        (np.ones((2, 2)), {"class_names": ["a"]}, "needs 2 names for a 2x2 matrix, got 1"),
    ],
    ids=["not-square", "vector", "negative", "class-names"],
)
def test_confusion_matrix_rejects_bad_input(cm, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.plot_confusion_matrix(cm, **kwargs)


def test_compare_learning_curves_one_colour_per_run():
    slower = {k: [v + 0.1 for v in vs] for k, vs in CURVES.items()}
    figure = plots.compare_learning_curves({"sgd": CURVES, "adam": History(slower)})
    assert [ax.get_title().split()[0] for ax in figure.axes] == ["loss", "accuracy"]
    loss = figure.axes[0]
    assert line_counts(figure) == [4, 4]  # training + validation for each run
    assert [t.get_text() for t in loss.get_legend().get_texts()] == ["sgd", "adam"]
    sgd_train, sgd_val, adam_train, adam_val = loss.lines
    assert sgd_train.get_color() == sgd_val.get_color() != adam_train.get_color()
    assert sgd_val.get_linestyle() == "--" and adam_train.get_linestyle() == "-"
    np.testing.assert_allclose(adam_val.get_ydata(), slower["val_loss"])


def test_compare_learning_curves_log_loss_and_given_axes():
    _, axes = plt.subplots(1, 1)
    figure = plots.compare_learning_curves(
        {"a": {"loss": [10.0, 1.0, 0.1]}, "b": {"loss": [5.0, 0.5, 0.05]}}, ax=axes, log_loss=True
    )
    assert figure is axes.figure and axes.get_yscale() == "log" and len(axes.lines) == 2


def test_compare_learning_curves_metrics_every_run_logged_by_default():
    only_loss = {"loss": [1.0, 0.5]}
    figure = plots.compare_learning_curves({"a": CURVES, "b": only_loss})
    assert len(figure.axes) == 1  # accuracy is missing from run b, so no accuracy panel


@pytest.mark.parametrize(
    ("histories", "kwargs", "match"),
    [
        ({}, {}, "histories is empty"),
        (
            {"a": CURVES, "b": {"loss": [1.0, 0.5]}},
            {"metrics": ["accuracy"]},
            "run 'b' did not log",
        ),
        ({"a": {"loss": []}}, {}, "no epochs"),
    ],
)
def test_compare_learning_curves_errors(histories, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.compare_learning_curves(histories, **kwargs)


def test_compare_learning_curves_too_few_axes():
    _, axes = plt.subplots(1, 1)
    with pytest.raises(ValueError, match="need 2 axes"):
        plots.compare_learning_curves({"a": CURVES}, metrics=["accuracy"], ax=axes)
