"""Networks the course pre-trains itself for transfer learning: small, deterministic, cached.

Nothing comes from a model hub. Each base network is trained on the digits 0-4 of a data
set the first time it is asked for, its weights are saved in the course cache
(``course_lib.data.cache``, plain ``.npz``) and later calls load them:

- :func:`mnist1d_base`: unit05's 1-D CNN up to its ``Flatten``, trained on the MNIST-1D
  digits 0-4. Its features carry over to the digits 5-9 (unit06's transfer learning).
- :func:`digits_base`: a small 2-D CNN trained on scikit-learn's 8x8 digits 0-4. Frozen,
  it does *worse* on 5-9 than the same network trained from scratch on a few labels:
  unit06's example of transfer that fails.

Training is seeded before the layers are built and runs with TensorFlow's op
determinism, so on one machine every rebuild with the same thread pools gives the same
bits. The intra-op pool's size changes the order of the sums, hence the last bits, and 30
epochs carry that much further: the cache keeps one set of weights per pool size
(:func:`cache_key`). A grader whose kernel runs with one thread per worker and a notebook
session that trained the base on every core then still agree on what "the pretrained
base" is. Across machines the weights may differ; no check compares them across machines.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from course_lib.data import cache

BASE_CLASSES = (0, 1, 2, 3, 4)
# Bump a key when its architecture or recipe changes: old caches are then ignored.
MNIST1D_BASE_KEY = "mnist1d-base-0to4-v1"
DIGITS_BASE_KEY = "digits-base-0to4-v1"


def intra_op_threads() -> int:
    """The size of TensorFlow's intra-op pool: configured, else from the environment, else
    every core (TensorFlow's own rule). It splits each op's sums, so it decides the bits;
    the inter-op pool only runs independent ops side by side."""
    import tensorflow as tf

    configured = tf.config.threading.get_intra_op_parallelism_threads()
    if configured > 0:
        return configured
    try:
        return max(1, int(os.environ.get("TF_NUM_INTRAOP_THREADS", "")))
    except ValueError:
        return (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1
        )


def cache_key(key: str) -> str:
    """``key`` and the size of TensorFlow's intra-op thread pool, which decides the bits."""
    return f"{key}-threads{intra_op_threads()}"


def mnist1d_base_architecture():
    """The MNIST-1D base without weights: (b, 40) sequences -> (b, 640) features."""
    import keras

    layers = [keras.Input((40,)), keras.layers.Reshape((40, 1))]
    for filters, kernel, stride in ((32, 5, 1), (32, 3, 2), (64, 3, 1), (64, 3, 2)):
        layers += [
            keras.layers.Conv1D(filters, kernel, strides=stride, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
        ]
    layers.append(keras.layers.Flatten())
    return keras.Sequential(layers, name="mnist1d_base")


def digits_base_architecture():
    """The 8x8-digits base without weights: (b, 8, 8, 1) images -> (b, 64) features."""
    import keras

    layers = [keras.Input((8, 8, 1))]
    for filters, pool in ((32, False), (32, True), (64, False)):
        layers.append(keras.layers.Conv2D(filters, 3, padding="same", activation="relu"))
        if pool:
            layers.append(keras.layers.MaxPooling2D(2))
    layers.append(keras.layers.GlobalAveragePooling2D())
    return keras.Sequential(layers, name="digits_base")


def mnist1d_base(*, retrain: bool = False, verbose: bool = False):
    """The MNIST-1D base trained on the digits 0-4 (about 8 s on a 2-core CPU, once).

    30 epochs of Adam (cosine decay from 3e-3, batch 100) on the training sequences of the
    classes 0-4, with a temporary 5-way head. Every call returns a new, trainable model:
    freeze it yourself (``base.trainable = False``).

    Args:
        retrain: ignore the cache and train again.
        verbose: print the training progress.
    """

    def train(base, model, x, y):
        import keras

        from course_lib import training

        steps = 30 * -(-len(x) // 100)
        schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)
        training.fit(model, x, y, epochs=30, batch_size=100, seed=0, verbose=verbose,
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                     optimizer=keras.optimizers.Adam(schedule))  # fmt: skip

    return _cached(MNIST1D_BASE_KEY, mnist1d_base_architecture, "mnist1d", (-1, 40), train,
                   retrain=retrain)  # fmt: skip


def digits_base(*, retrain: bool = False, verbose: bool = False):
    """The 8x8-digits base trained on the digits 0-4 (about 5 s, once): 15 epochs of Adam
    (1e-3, batch 32) with a temporary 5-way head. Returns a new, trainable model."""

    def train(base, model, x, y):
        import keras

        from course_lib import training

        training.fit(model, x, y, epochs=15, batch_size=32, seed=0, verbose=verbose,
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                     optimizer=keras.optimizers.Adam(1e-3))  # fmt: skip

    return _cached(DIGITS_BASE_KEY, digits_base_architecture, "digits", (-1, 8, 8, 1), train,
                   retrain=retrain)  # fmt: skip


def _cached(key: str, architecture: Callable, dataset: str, shape: tuple, train: Callable, *,
            retrain: bool):  # fmt: skip
    """The base ``architecture()`` with the weights cached under ``key``, trained if needed."""
    key = cache_key(key)
    cached = None if retrain else cache.load_arrays(key)
    base = architecture()
    if cached is not None and len(cached) == len(base.get_weights()):
        base.set_weights([cached[f"w{i}"] for i in range(len(cached))])
        return base
    import keras

    from course_lib import data
    from course_lib.determinism import seed_everything

    x, y = data.load(dataset, "train")
    keep = np.isin(y, BASE_CLASSES)
    seed_everything(0)  # before the layers exist: their initial weights come from the seed
    base = architecture()
    model = keras.Sequential([base, keras.layers.Dense(len(BASE_CLASSES))])
    train(base, model, x[keep].reshape(shape), y[keep])
    cache.save_arrays(key, {f"w{i}": w for i, w in enumerate(base.get_weights())})
    return base
