"""Tests for course_lib.data: shapes, splits, determinism, cache, errors. Never networked."""

from __future__ import annotations

import dataclasses
import os
import random
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_lib import data
from course_lib.data import cache, mnist1d_set, registry, sklearn_sets, toy

ALL_NAMES = ["breast_cancer", "digits", "iris", "mnist1d", "rings", "wine"]
SKLEARN_NAMES = ["breast_cancer", "digits", "iris", "wine"]
# name -> (n_train, n_test, input_shape, n_classes), written out from the task contract.
EXPECTED = {
    "breast_cancer": (456, 113, (30,), 2),
    "digits": (1438, 359, (64,), 10),
    "iris": (120, 30, (4,), 3),
    "mnist1d": (4000, 1000, (40,), 10),
    "rings": (1200, 600, (2,), 3),
    "wine": (142, 36, (13,), 3),
}
SPLIT_SIZES = {"train": 0, "test": 1, "all": None}


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    """Point the cache at a temporary folder and start from an empty in-process memo.

    Module-scoped so MNIST-1D is generated once for the whole file, not once per test;
    the student's real ~/.cache/medl is never written.
    """
    folder = tmp_path_factory.mktemp("medl_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.ENV_VAR, str(folder))
        registry.clear_memory_cache()
        yield folder
    registry.clear_memory_cache()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that tries to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _rows(x: np.ndarray, y: np.ndarray) -> list[bytes]:
    """Each (x row, label) as bytes, to compare splits as multisets of rows."""
    return sorted(
        row.tobytes() + np.int64(label).tobytes() for row, label in zip(x, y, strict=True)
    )


@pytest.mark.parametrize("name", ALL_NAMES, ids=ALL_NAMES)
def test_info_matches_contract(name):
    meta = data.info(name)
    n_train, n_test, input_shape, n_classes = EXPECTED[name]
    assert isinstance(meta, data.DatasetInfo)
    assert (meta.name, meta.n_train, meta.n_test) == (name, n_train, n_test)
    assert (meta.input_shape, meta.n_classes) == (input_shape, n_classes)
    assert meta.description


def test_names_sorted_and_info_fields_frozen():
    assert data.names() == ALL_NAMES
    fields = [f.name for f in dataclasses.fields(data.DatasetInfo)]
    assert fields == ["name", "n_classes", "input_shape", "n_train", "n_test", "description"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.info("iris").n_train = 1  # type: ignore[misc]


@pytest.mark.parametrize("split", list(SPLIT_SIZES), ids=list(SPLIT_SIZES))
@pytest.mark.parametrize("name", ALL_NAMES, ids=ALL_NAMES)
def test_shapes_and_dtypes(name, split):
    n_train, n_test, input_shape, n_classes = EXPECTED[name]
    n = {"train": n_train, "test": n_test, "all": n_train + n_test}[split]
    x, y = data.load(name, split=split)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert x.shape == (n, *input_shape) and y.shape == (n,)
    assert np.isfinite(x).all()
    assert set(np.unique(y)) == set(range(n_classes))


@pytest.mark.parametrize("name", ALL_NAMES, ids=ALL_NAMES)
def test_all_is_train_then_test(name):
    x_train, y_train = data.load(name, "train")
    x_test, y_test = data.load(name, "test")
    x_all, y_all = data.load(name, "all")
    np.testing.assert_array_equal(x_all, np.concatenate([x_train, x_test]))
    np.testing.assert_array_equal(y_all, np.concatenate([y_train, y_test]))
    np.testing.assert_array_equal(data.load(name)[0], x_train)  # default split is train


@pytest.mark.parametrize("name", SKLEARN_NAMES, ids=SKLEARN_NAMES)
def test_sklearn_split_is_a_partition_of_the_bundled_data(name):
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, f"load_{name}")()
    scale = 16.0 if name == "digits" else 1.0
    expected_x = (bunch.data / scale).astype(np.float32)
    x_all, y_all = data.load(name, "all")
    # Same rows with the same labels, nothing lost or duplicated, features unscaled
    # (digits: pixel / 16).
    assert _rows(x_all, y_all) == _rows(expected_x, bunch.target.astype(np.int64))
    train_idx, test_idx = sklearn_sets.stratified_split(bunch.target)
    assert np.intersect1d(train_idx, test_idx).size == 0
    np.testing.assert_array_equal(
        np.sort(np.concatenate([train_idx, test_idx])), np.arange(len(bunch.target))
    )


@pytest.mark.parametrize("name", SKLEARN_NAMES, ids=SKLEARN_NAMES)
def test_stratification_preserves_class_ratios(name):
    _, y_all = data.load(name, "all")
    share_all = np.bincount(y_all) / len(y_all)
    for split in ("train", "test"):
        _, y = data.load(name, split)
        share = np.bincount(y, minlength=len(share_all)) / len(y)
        np.testing.assert_allclose(share, share_all, atol=0.02, err_msg=split)


@pytest.mark.parametrize("name", ["mnist1d", "rings"], ids=["mnist1d", "rings"])
def test_generated_train_and_test_rows_are_disjoint(name):
    x_train, _ = data.load(name, "train")
    x_test, _ = data.load(name, "test")
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_mnist1d_is_the_published_default_generation():
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    assert (args.num_samples, args.train_split, args.seed) == (5000, 0.8, 42)
    reference = make_dataset(args)
    x_train, y_train = data.load("mnist1d", "train")
    x_test, y_test = data.load("mnist1d", "test")
    np.testing.assert_array_equal(x_train, reference["x"].astype(np.float32))
    np.testing.assert_array_equal(y_train, reference["y"])
    np.testing.assert_array_equal(x_test, reference["x_test"].astype(np.float32))
    np.testing.assert_array_equal(y_test, reference["y_test"])


@pytest.mark.parametrize("name", ALL_NAMES, ids=ALL_NAMES)
def test_loads_are_deterministic_across_calls_and_memo_resets(name):
    first = data.load(name, "all")
    registry.clear_memory_cache()  # rebuild from scratch (MNIST-1D: from the disk cache)
    second = data.load(name, "all")
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ALL_NAMES, ids=ALL_NAMES)
def test_returned_arrays_are_fresh_writable_copies(name):
    x, y = data.load(name, "train")
    assert x.flags.writeable and y.flags.writeable
    x_again, y_again = data.load(name, "train")
    assert not np.shares_memory(x, x_again) and not np.shares_memory(y, y_again)
    x[:] = -123.0
    y[:] = -1
    x_fresh, y_fresh = data.load(name, "train")
    assert not (x_fresh == -123.0).all() and (y_fresh >= 0).all()


def test_loading_does_not_disturb_global_random_state():
    np.random.seed(7)
    random.seed(7)
    expected = (np.random.rand(), random.random())
    np.random.seed(7)
    random.seed(7)
    registry.clear_memory_cache()
    mnist1d_set.generate()  # seeds the globals internally; must restore them
    data.load("rings", seed=3)
    assert (np.random.rand(), random.random()) == expected


@pytest.mark.parametrize("split", ["train", "test"], ids=["train", "test"])
def test_rings_classes_are_balanced(split):
    _, y = data.load("rings", split)
    np.testing.assert_array_equal(np.bincount(y), [len(y) // 3] * 3)


def test_rings_radii_order_the_classes():
    x, y = data.load("rings", "all")
    mean_radius = [np.linalg.norm(x[y == k], axis=1).mean() for k in range(3)]
    np.testing.assert_allclose(mean_radius, toy.RING_RADII, atol=0.05)
    with pytest.raises(ValueError, match="multiple of 3"):
        toy.make_rings(10, rng=np.random.RandomState(0))  # classes could not be balanced


def test_seed_changes_rings_only():
    default = data.load("rings", "train")
    np.testing.assert_array_equal(default[0], data.load("rings", "train", seed=0)[0])
    np.testing.assert_array_equal(data.load("rings", seed=5)[0], data.load("rings", seed=5)[0])
    assert not np.array_equal(default[0], data.load("rings", "train", seed=1)[0])
    np.testing.assert_array_equal(data.load("iris", seed=123)[0], data.load("iris")[0])


@pytest.mark.parametrize("bad", ["mnsit1d", "MNIST1D", "", 3], ids=["typo", "case", "empty", "int"])
def test_unknown_name_lists_valid_names(bad):
    message = f"unknown dataset {bad!r}; choose one of: {', '.join(ALL_NAMES)}; got {bad!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        data.load(bad)
    with pytest.raises(ValueError, match=re.escape(message)):
        data.info(bad)


@pytest.mark.parametrize("bad", ["val", "Train", None], ids=["val", "case", "none"])
def test_unknown_split_lists_valid_splits(bad):
    message = f"unknown split {bad!r}; choose one of: train, test, all; got {bad!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        data.load("iris", split=bad)


@pytest.mark.parametrize("bad", [1.5, "3", True], ids=["float", "str", "bool"])
def test_bad_seed_type(bad):
    with pytest.raises(TypeError, match="seed must be an int or None"):
        data.load("rings", seed=bad)


def test_cache_dir_honours_env_and_defaults_to_home(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "here"))
    assert cache.cache_dir() == tmp_path / "here"
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "medl"


def test_cache_round_trip_is_exact_and_atomic(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "c"))
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, 2], np.int64)}
    path = cache.save_arrays("demo", arrays)
    assert path == tmp_path / "c" / "demo.npz"
    assert os.listdir(path.parent) == ["demo.npz"]  # no temporary file left behind
    loaded = cache.load_arrays("demo")
    assert set(loaded) == {"a", "b"}
    for key, value in arrays.items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
    assert cache.clear("demo") and not cache.clear("demo")
    assert cache.load_arrays("demo") is None


def test_cache_treats_damaged_file_as_miss_and_refuses_objects(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    (tmp_path / "broken.npz").write_bytes(b"not a zip file")
    assert cache.load_arrays("broken") is None
    with pytest.raises(ValueError, match="dtype object"):
        cache.save_arrays("objects", {"o": np.array([{}, None], dtype=object)})
    with pytest.raises(ValueError, match="plain file stem"):
        cache.cache_path("../escape")


def test_mnist1d_cache_is_reused_and_repaired(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    key = mnist1d_set.cache_key()
    cache.save_arrays(key, {"x_train": np.zeros((3, 40), np.float32)})  # damaged entry
    first = mnist1d_set.load_or_generate()  # regenerates and overwrites it
    assert [p.name for p in tmp_path.iterdir()] == [f"{key}.npz"]
    assert cache.load_arrays(key)["x_train"].shape == (4000, 40)

    def forbidden(*args, **kwargs):
        raise AssertionError("regenerated although the cache was warm")

    monkeypatch.setattr(mnist1d_set, "generate", forbidden)
    second = mnist1d_set.load_or_generate()
    for a, b in zip(first, second, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_import_and_cached_mnist1d_load_stay_light(isolated_cache):
    mnist1d_set.load_or_generate()  # make sure the module's cache folder is warm
    code = (
        "import sys, course_lib.data as d; d.names(); d.info('mnist1d'); "
        "heavy = ('tensorflow', 'sklearn', 'mnist1d'); "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        "d.load('mnist1d'); print(sorted(m for m in heavy if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]  # `python -c` puts its cwd on sys.path
    env = {**os.environ, cache.ENV_VAR: str(isolated_cache)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env, check=True
    )
    # Nothing heavy on import, and a cache hit does not even import mnist1d.
    assert out.stdout.split() == ["[]", "[]"]
