"""What unit05's checks share: the float64 TensorFlow pooling reference."""

import numpy as np
import tensorflow as tf

POOLS = {"max": tf.nn.max_pool2d, "avg": tf.nn.avg_pool2d}


def tf_pool(x: np.ndarray, size: int, stride: int, mode: str, dout: np.ndarray | None = None):
    """TensorFlow's pooling of ``x`` ("VALID", float64) and, with ``dout``, its input gradient."""
    x_var = tf.Variable(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as tape:
        y = POOLS[mode](x_var, size, stride, "VALID")
    if dout is None:
        return y.numpy(), None
    return y.numpy(), tape.gradient(y, x_var, output_gradients=tf.constant(dout)).numpy()


# name: (batch, height, width, channels, size, stride, mode, integer inputs full of ties)
POOL_CASES = {
    "max_2x2_tiling": (2, 6, 6, 3, 2, 2, "max", False),
    "max_3x3_stride2_overlap": (2, 7, 9, 2, 3, 2, "max", False),
    "max_3x3_stride1_ties": (1, 6, 5, 2, 3, 1, "max", True),
    "max_2x2_stride3_gaps": (3, 8, 7, 1, 2, 3, "max", False),
    "avg_2x2_tiling": (2, 6, 4, 3, 2, 2, "avg", False),
    "avg_3x3_stride1_overlap": (1, 5, 7, 2, 3, 1, "avg", False),
}


def pool_case(name: str, seed: int):
    """(x, size, stride, mode) of ``POOL_CASES[name]``, drawn with ``seed``."""
    batch, height, width, channels, size, stride, mode, ties = POOL_CASES[name]
    gen = np.random.default_rng(seed)
    shape = (batch, height, width, channels)
    x = gen.integers(0, 3, size=shape).astype(np.float64) if ties else gen.normal(size=shape)
    return x, size, stride, mode
