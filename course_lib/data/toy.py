"""Generated 2-D toy sets, small enough to plot and to fit on a laptop CPU in seconds.

``rings``: three concentric circles (radii 0.5, 1.0 and 1.5) blurred with isotropic
Gaussian noise, one class per ring. No straight line separates the classes, so a linear
model fails and a small MLP succeeds: the point of the set. Inputs are roughly in
[-2, 2], so no rescaling is needed.
"""

from __future__ import annotations

import numpy as np

from course_lib.data.registry import DatasetInfo, Splits, register

RING_RADII: tuple[float, ...] = (0.5, 1.0, 1.5)
"""Radius of the ring of class k is ``RING_RADII[k]``."""

RING_NOISE = 0.12
"""Standard deviation of the Gaussian noise added to each coordinate."""

RINGS_DEFAULT_SEED = 0
"""Seed used by ``load("rings")`` when ``seed`` is None."""

RINGS_N_TRAIN = 1200
RINGS_N_TEST = 600


def make_rings(
    n: int,
    *,
    radii: tuple[float, ...] = RING_RADII,
    noise: float = RING_NOISE,
    rng: np.random.RandomState,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw points on noisy concentric rings, the same number for every ring.

    A point of class ``k`` is ``radii[k] * (cos t, sin t) + noise * e`` with ``t`` uniform
    on ``[0, 2 pi)`` and ``e`` standard normal in 2-D.

    Args:
        n: number of points; must be a multiple of ``len(radii)`` so the classes are
            exactly balanced.
        radii: one radius per class. Default ``(0.5, 1.0, 1.5)``.
        noise: per-coordinate noise standard deviation. Default 0.12.
        rng: the generator to draw from. A legacy ``RandomState`` because NumPy freezes
            its stream, so a seed gives the same points on every NumPy version.

    Returns:
        ``(x, y)``: x float32 ``(n, 2)``, y int64 ``(n,)`` in ``0 .. len(radii) - 1``,
        shuffled so the classes are interleaved.

    Raises:
        ValueError: if ``n`` is not a multiple of the number of classes.
    """
    n_classes = len(radii)
    if n % n_classes:
        raise ValueError(f"n must be a multiple of {n_classes} to balance the classes; got {n}")
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n // n_classes)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
    radius = np.asarray(radii, dtype=np.float64)[y]
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    x += noise * rng.standard_normal(size=(n, 2))
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


@register(
    DatasetInfo(
        name="rings",
        n_classes=3,
        input_shape=(2,),
        n_train=RINGS_N_TRAIN,
        n_test=RINGS_N_TEST,
        description=(
            "Three concentric Gaussian rings in the plane (radii 0.5, 1.0, 1.5, noise "
            "std 0.12), one class per ring, classes exactly balanced in each split. "
            "Generated; seed 0 unless load(..., seed=...) says otherwise."
        ),
    ),
    default_seed=RINGS_DEFAULT_SEED,
)
def _rings(seed: int) -> Splits:
    # One stream for both splits, train drawn first: train and test are independent
    # draws, and the train split does not change if the test size ever does.
    rng = np.random.RandomState(seed)
    x_train, y_train = make_rings(RINGS_N_TRAIN, rng=rng)
    x_test, y_test = make_rings(RINGS_N_TEST, rng=rng)
    return Splits(x_train, y_train, x_test, y_test)
