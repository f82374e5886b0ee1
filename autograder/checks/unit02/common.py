"""What unit02's checks share: softmax regression and its training, in plain NumPy float64.

Written independently of the notebook, so the gradient and training checks compare a
student's work with a run that shares none of its code.
"""

from __future__ import annotations

import numpy as np


def loss_and_grads(W, b, X, Y) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean cross-entropy of ``softmax(X @ W + b)`` against one-hot ``Y``, and dL/dW, dL/db."""
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)  # log-sum-exp shift: finite for any logits
    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    n = X.shape[0]
    dZ = (np.exp(log_p) - Y) / n
    return float(-np.sum(Y * log_p) / n), X.T @ dZ, dZ.sum(axis=0)


def reference_gd(
    x: np.ndarray,
    y: np.ndarray,
    *,
    num_classes: int,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Section 7's mini-batch gradient descent, step for step as the notebook specifies it.

    From W = 0, b = 0; one ``np.random.default_rng(seed)``; a fresh ``permutation(n)`` every
    epoch; consecutive batches of ``batch_size`` indices, the last one possibly shorter.
    """
    x = np.asarray(x, dtype=np.float64)
    Y = np.eye(num_classes)[np.asarray(y)]
    n, d = x.shape
    W, b = np.zeros((d, num_classes)), np.zeros(num_classes)
    shuffler = np.random.default_rng(seed)
    for _ in range(epochs):
        order = shuffler.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            _, dW, db = loss_and_grads(W, b, x[batch], Y[batch])
            W, b = W - learning_rate * dW, b - learning_rate * db
    return W, b
