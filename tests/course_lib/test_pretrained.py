"""The pre-trained bases: trained once, cached, the same bits when trained again, and
features that separate the digits they were trained on."""

import numpy as np
import pytest

from course_lib import data, pretrained
from course_lib.data import cache

# name: (builder, cache key, data set, input shape)
BASES = {
    "mnist1d": (pretrained.mnist1d_base, pretrained.MNIST1D_BASE_KEY, "mnist1d", (-1, 40)),
    "digits": (pretrained.digits_base, pretrained.DIGITS_BASE_KEY, "digits", (-1, 8, 8, 1)),
}


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    return tmp_path


def nearest_centroid_accuracy(base, dataset: str, shape: tuple) -> float:
    """Accuracy on the test digits 0-4 of a nearest-centroid rule on the frozen features."""
    x, y = data.load(dataset, "train")
    x_test, y_test = data.load(dataset, "test")
    seen, seen_test = np.isin(y, pretrained.BASE_CLASSES), np.isin(y_test, pretrained.BASE_CLASSES)
    features = base.predict(x[seen].reshape(shape), verbose=0)
    centroids = np.stack([features[y[seen] == c].mean(axis=0) for c in pretrained.BASE_CLASSES])
    test_features = base.predict(x_test[seen_test].reshape(shape), verbose=0)
    distances = ((test_features[:, None, :] - centroids[None]) ** 2).sum(axis=-1)
    return float(np.mean(np.argmin(distances, axis=1) == y_test[seen_test]))


@pytest.mark.parametrize("name", BASES)
def test_trained_once_cached_and_reproducible(fresh_cache, name):
    build, key, dataset, shape = BASES[name]
    base = build()
    assert cache.cache_path(pretrained.cache_key(key)).is_file()
    again, retrained = build(), build(retrain=True)  # from the cache, then from scratch
    for a, b, c in zip(base.get_weights(), again.get_weights(), retrained.get_weights()):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert nearest_centroid_accuracy(base, dataset, shape) > 0.9


def test_each_thread_pool_size_has_its_own_weights(monkeypatch):
    # The size TensorFlow reads from the environment when none is configured in-process.
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "1")
    one = pretrained.cache_key(pretrained.MNIST1D_BASE_KEY)
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "2")
    two = pretrained.cache_key(pretrained.MNIST1D_BASE_KEY)
    assert (one, two) == (f"{pretrained.MNIST1D_BASE_KEY}-threads1",
                          f"{pretrained.MNIST1D_BASE_KEY}-threads2")  # fmt: skip
