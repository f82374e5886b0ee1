"""Tests for course_lib.tfds_builders: registration, offline prepare, same rows as data.load."""

from __future__ import annotations

import socket

import numpy as np
import pytest

tfds = pytest.importorskip("tensorflow_datasets")

from course_lib import data, tfds_builders  # noqa: E402
from course_lib.data import cache, registry  # noqa: E402

NAMES = data.names()


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    """Keep MNIST-1D's generated arrays out of the real ~/.cache/medl."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.ENV_VAR, str(tmp_path_factory.mktemp("medl_cache")))
        registry.clear_memory_cache()
        tfds.disable_progress_bar()
        yield
    registry.clear_memory_cache()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Preparing a builder must never download: fail on any connection attempt."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _as_arrays(dataset) -> tuple[np.ndarray, np.ndarray]:
    pairs = list(tfds.as_numpy(dataset))
    return np.stack([x for x, _ in pairs]), np.array([y for _, y in pairs])


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_builders_are_registered_under_medl_names(name):
    cls = tfds_builders.BUILDERS[f"medl_{name}"]
    assert cls.name == f"medl_{name}"
    assert tfds.builder_cls(f"medl_{name}") is cls
    assert cls.__name__ == tfds_builders.builder_class_name(name)
    assert getattr(tfds_builders, cls.__name__) is cls


def test_class_names_snake_case_to_tfds_names():
    assert tfds_builders.builder_class_name("mnist1d") == "MedlMnist1d"
    assert tfds_builders.builder_class_name("breast_cancer") == "MedlBreastCancer"
    assert sorted(tfds_builders.BUILDERS) == [f"medl_{name}" for name in NAMES]


@pytest.mark.parametrize("split", ["train", "test"], ids=["train", "test"])
def test_medl_iris_matches_data_load(split, tmp_path):
    dataset = tfds.load("medl_iris", split=split, as_supervised=True, data_dir=tmp_path)
    x, y = _as_arrays(dataset)
    expected_x, expected_y = data.load("iris", split=split)
    assert x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x, expected_x)  # same rows, same order
    np.testing.assert_array_equal(y, expected_y)


def test_medl_iris_info(tmp_path):
    builder = tfds.builder("medl_iris", data_dir=tmp_path)
    builder.download_and_prepare()
    info = builder.info
    assert info.features["x"].shape == (4,)
    assert info.features["y"].num_classes == 3
    assert info.supervised_keys == ("x", "y")
    assert info.splits["train"].num_examples == 120
    assert info.splits["test"].num_examples == 30
    assert info.description == data.info("iris").description


def test_medl_mnist1d_shape(tmp_path):
    dataset, info = tfds.load(
        "medl_mnist1d", split="test", as_supervised=True, data_dir=tmp_path, with_info=True
    )
    x_spec, y_spec = dataset.element_spec
    assert tuple(x_spec.shape) == (40,) and x_spec.dtype.name == "float32"
    assert tuple(y_spec.shape) == () and y_spec.dtype.name == "int64"
    assert (info.splits["train"].num_examples, info.splits["test"].num_examples) == (4000, 1000)
    x, y = _as_arrays(dataset)
    assert x.shape == (1000, 40)
    np.testing.assert_array_equal(y, data.load("mnist1d", split="test")[1])
