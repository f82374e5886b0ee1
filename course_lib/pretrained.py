"""Networks the course pre-trains itself for transfer learning: small, deterministic, cached.

Nothing comes from a model hub. :func:`digits_base` trains a small CNN on the digits 0-4
of scikit-learn's bundled set (the train split) the first time it is asked for, saves the
weights in the course cache (``course_lib.data.cache``, plain ``.npz``) and loads them
from there afterwards. Training is seeded and runs with TensorFlow's op determinism, so on
one machine every rebuild gives the same bits; across machines the weights may differ in
the last bits, which no check relies on (a check compares a student's frozen base with the
base in the *same* cache).
"""

from __future__ import annotations

import numpy as np

from course_lib.data import cache

# Bump when the architecture or the recipe changes: old caches are then ignored.
DIGITS_BASE_KEY = "digits-base-0to4-v1"
BASE_CLASSES = (0, 1, 2, 3, 4)
FEATURES = 64


def digits_base_architecture():
    """The base network without weights: (b, 8, 8, 1) images -> (b, 64) features."""
    import keras

    layers = [keras.Input((8, 8, 1))]
    for filters, pool in ((32, False), (32, True), (FEATURES, False)):
        layers.append(keras.layers.Conv2D(filters, 3, padding="same", activation="relu"))
        if pool:
            layers.append(keras.layers.MaxPooling2D(2))
    layers.append(keras.layers.GlobalAveragePooling2D())
    return keras.Sequential(layers, name="digits_base")


def digits_base(*, retrain: bool = False, verbose: bool = False):
    """The base network trained on the digits 0-4: (b, 8, 8, 1) -> (b, 64) features.

    The first call trains it (about 5 s on a laptop CPU: 15 epochs of Adam on the 719
    training images of the classes 0-4, with a temporary 5-way head) and caches the
    weights; later calls load them. Every call returns a new, trainable model: freeze it
    yourself (``base.trainable = False``).

    Args:
        retrain: ignore the cache and train again.
        verbose: print the training progress.
    """
    cached = None if retrain else cache.load_arrays(DIGITS_BASE_KEY)
    base = digits_base_architecture()
    if cached is not None and len(cached) == len(base.get_weights()):
        base.set_weights([cached[f"w{i}"] for i in range(len(cached))])
        return base
    base = _trained(verbose=verbose)
    cache.save_arrays(DIGITS_BASE_KEY, {f"w{i}": w for i, w in enumerate(base.get_weights())})
    return base


def _trained(*, verbose: bool):
    import keras

    from course_lib import data, training
    from course_lib.determinism import seed_everything

    x, y = data.load("digits", "train")
    keep = np.isin(y, BASE_CLASSES)
    seed_everything(0)  # before the layers exist: their initial weights come from the seed
    base = digits_base_architecture()
    model = keras.Sequential([base, keras.layers.Dense(len(BASE_CLASSES))])
    training.fit(model, x[keep].reshape(-1, 8, 8, 1), y[keep], epochs=15, batch_size=32,
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                 optimizer=keras.optimizers.Adam(1e-3), seed=0, verbose=verbose)  # fmt: skip
    return base
