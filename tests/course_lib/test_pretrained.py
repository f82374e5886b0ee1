"""The digits 0-4 base network: trained once, cached, the same bits when trained again."""

import numpy as np
import pytest

from course_lib import data, pretrained
from course_lib.data import cache


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    return tmp_path


def test_trained_once_then_loaded_and_reproducible(fresh_cache):
    base = pretrained.digits_base()
    assert cache.cache_path(pretrained.DIGITS_BASE_KEY).is_file()
    again = pretrained.digits_base()  # from the cache
    retrained = pretrained.digits_base(retrain=True)
    for a, b, c in zip(base.get_weights(), again.get_weights(), retrained.get_weights()):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    x, _ = data.load("digits", "test")
    assert base(x[:3].reshape(-1, 8, 8, 1)).shape == (3, pretrained.FEATURES)


def test_features_separate_the_classes_it_was_trained_on(fresh_cache):
    # A nearest-centroid classifier on the frozen features: the base has learned 0-4.
    base = pretrained.digits_base()
    x, y = data.load("digits", "train")
    x_test, y_test = data.load("digits", "test")
    seen, seen_test = np.isin(y, pretrained.BASE_CLASSES), np.isin(y_test, pretrained.BASE_CLASSES)
    features = base.predict(x[seen].reshape(-1, 8, 8, 1), verbose=0)
    centroids = np.stack([features[y[seen] == c].mean(axis=0) for c in pretrained.BASE_CLASSES])
    test_features = base.predict(x_test[seen_test].reshape(-1, 8, 8, 1), verbose=0)
    distances = ((test_features[:, None, :] - centroids[None]) ** 2).sum(axis=-1)
    accuracy = np.mean(np.argmin(distances, axis=1) == y_test[seen_test])
    assert accuracy > 0.9, accuracy
