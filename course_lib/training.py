"""A mini-batch training loop written with ``tf.GradientTape``: ``fit``, ``evaluate``.

``make_train_step`` is the one step a notebook can read and call by hand. ``fit`` runs the
same step but traces a whole epoch into one ``tf.function``: a while loop walks the
shuffled batches inside TensorFlow, so Python runs once per epoch, not once per batch (for
small models that round trip is most of the cost of ``keras.Model.fit``). Loss and metrics
are summed in float64 in the graph and read back once per epoch.

Progress goes to stdout only (nbgrader zeroes a graded cell that writes to stderr): a rich
progress bar on a terminal, otherwise one short line per epoch or per few epochs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from course_lib import metrics as course_metrics
from course_lib.history import EpochProgress, History

Callback = Callable[[int, dict[str, float]], "bool | None"]


class _FunctionLoss(keras.losses.Loss):
    """A loss from ``fn(y_true, y_pred)``, wrapped the way ``Model.compile`` wraps one."""

    def __init__(self, fn: Callable, name: str) -> None:
        super().__init__(name=name)
        self.fn = fn

    def call(self, y_true, y_pred):
        # Targets (n,) against outputs (n, 1) would broadcast to (n, n): align them first.
        if y_true.shape.rank == y_pred.shape.rank - 1 and y_pred.shape[-1] == 1:
            y_true = tf.expand_dims(y_true, -1)
        elif y_pred.shape.rank == y_true.shape.rank - 1 and y_true.shape[-1] == 1:
            y_pred = tf.expand_dims(y_pred, -1)
        return self.fn(y_true, y_pred)


def _resolve_loss(loss: Any) -> keras.losses.Loss:
    if isinstance(loss, keras.losses.Loss):
        return loss
    if isinstance(loss, str):
        try:
            fn = keras.losses.get(loss)
        except ValueError:
            raise ValueError(
                "loss must be a Keras loss name such as 'sparse_categorical_crossentropy', "
                f"'binary_crossentropy' or 'mse', got {loss!r}"
            ) from None
        return fn if isinstance(fn, keras.losses.Loss) else _FunctionLoss(fn, loss)
    if callable(loss):
        return _FunctionLoss(loss, getattr(loss, "__name__", "loss"))
    raise TypeError(
        "loss must be a name, a keras.losses.Loss or a callable (y_true, y_pred) -> tensor, "
        f"got {type(loss).__name__}: {loss!r}"
    )


def _resolve_optimizer(optimizer: Any) -> keras.optimizers.Optimizer:
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    if isinstance(optimizer, str):  # Keras says "Could not interpret optimizer identifier: x"
        return keras.optimizers.get(optimizer)
    raise TypeError(
        "optimizer must be a name such as 'adam' or a keras.optimizers.Optimizer, "
        f"got {type(optimizer).__name__}: {optimizer!r}"
    )


def _tensors(x: Any, y: Any, what: str = "x and y") -> tuple[tf.Tensor, tf.Tensor]:
    """Convert once to tensors (float64 -> floatx, as Keras does) and check the lengths."""
    out = []
    for value in (x, y):
        tensor = value if isinstance(value, tf.Tensor) else tf.convert_to_tensor(np.asarray(value))
        if tensor.dtype.is_floating and tensor.dtype != keras.backend.floatx():
            tensor = tf.cast(tensor, keras.backend.floatx())
        out.append(tensor)
    x_shape, y_shape = (tuple(t.shape) for t in out)
    if not x_shape or not y_shape or x_shape[0] != y_shape[0] or x_shape[0] == 0:
        problem = "are empty" if x_shape[:1] == (0,) else "need the same number of samples"
        raise ValueError(f"{what} {problem}, got shapes {x_shape} and {y_shape}")
    return out[0], out[1]


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _prepare(model: keras.Model, x: tf.Tensor) -> None:
    if not model.built:
        model(x[:1])  # create the weights, as Model.fit does on its first batch
    if not model.trainable_variables:
        raise ValueError(f"the model has no trainable weights, got {model.name!r}")


def _total_loss(model, loss_fn, y_true, y_pred):
    """The data loss plus the model's own losses (weight regularizers), as Model.fit."""
    loss = loss_fn(y_true, y_pred)
    if model.losses:
        loss += tf.add_n([tf.cast(extra, loss.dtype) for extra in model.losses])
    return loss


def _step(model, loss_fn, optimizer, x_batch, y_batch):
    """One gradient step: forward under the tape, backward, update. Returns (loss, y_pred)."""
    with tf.GradientTape() as tape:
        y_pred = model(x_batch, training=True)
        loss = _total_loss(model, loss_fn, y_batch, y_pred)
    variables = model.trainable_variables
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss, y_pred


def make_train_step(model: keras.Model, loss: Any, optimizer: Any) -> Callable:
    """Compile one training step ``step(x_batch, y_batch) -> loss``.

    Args:
        model: a Keras model; built on the first call if it is not built yet.
        loss: a Keras loss name, a ``keras.losses.Loss`` or ``fn(y_true, y_pred)``.
        optimizer: a name such as ``"sgd"`` or a ``keras.optimizers.Optimizer``.

    Returns:
        A ``tf.function`` (``reduce_retracing=True``) taking ``x_batch`` ``(b, ...)`` and
        ``y_batch`` ``(b, ...)``: it computes the loss under ``tf.GradientTape``, applies
        the gradients to ``model.trainable_variables`` and returns the batch loss, a
        scalar tensor (data loss plus any weight-regularization losses).
    """
    loss_fn, opt = _resolve_loss(loss), _resolve_optimizer(optimizer)
    if model.built and not opt.built:
        opt.build(model.trainable_variables)

    def train_step(x_batch, y_batch):
        return _step(model, loss_fn, opt, x_batch, y_batch)[0]

    return tf.function(train_step, reduce_retracing=True)


class _Pass:
    """One compiled pass over a data set, returning ``[loss, *metrics]`` averaged per sample.

    A callable object rather than a closure: TensorFlow counts retraces per ``__code__``,
    so fresh closures from repeated ``fit`` calls would print a retracing warning to
    stderr; each instance gets its own counter.
    """

    def __init__(
        self, model, loss_fn, optimizer, metrics, batch_size: int, jit_compile: bool = False
    ) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.metrics, self.batch_size = metrics, batch_size
        # A binary model trained on logits is right when the logit is > 0, not > 0.5.
        self.from_logits = bool(getattr(loss_fn, "from_logits", False))
        # XLA compiles the step (fixed batch shape), not the epoch: the epoch's loop has a
        # data-dependent length and a short last batch, which XLA would recompile or refuse.
        self.step = tf.function(self._step, jit_compile=True) if jit_compile else self._step

    def _step(self, x_batch, y_batch):
        return _step(self.model, self.loss_fn, self.optimizer, x_batch, y_batch)

    def __call__(self, x, y, order=None):
        n = tf.shape(y, out_type=tf.int64)[0]
        totals = tf.zeros([1 + len(self.metrics)], tf.float64)
        for start in tf.range(0, n, self.batch_size, dtype=tf.int64):
            stop = start + self.batch_size
            if self.optimizer is None:  # evaluation: contiguous batches, no update
                x_batch, y_batch = x[start:stop], y[start:stop]
                y_pred = self.model(x_batch, training=False)
                loss = _total_loss(self.model, self.loss_fn, y_batch, y_pred)
            else:
                x_batch, y_batch = tf.gather(x, order[start:stop]), tf.gather(y, order[start:stop])
                loss, y_pred = self.step(x_batch, y_batch)
            size = tf.cast(tf.shape(y_batch)[0], tf.float64)
            sums = [size * tf.cast(loss, tf.float64)]
            sums += [
                tf.reduce_sum(m.per_sample(y_batch, y_pred, self.from_logits)) for m in self.metrics
            ]
            totals += tf.stack(sums)
        return totals / tf.cast(n, tf.float64)


def _logs(values: tf.Tensor, metrics, prefix: str = "") -> dict[str, float]:
    names = ["loss"] + [m.name for m in metrics]
    return {prefix + name: float(v) for name, v in zip(names, values.numpy())}


def fit(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    loss: Any,
    optimizer: Any = "adam",
    epochs: int = 10,
    batch_size: int = 32,
    validation_data: tuple[Any, Any] | None = None,
    metrics: Sequence[str] | str | None = ("accuracy",),
    shuffle: bool = True,
    seed: int = 0,
    verbose: bool = True,
    callbacks: Sequence[Callback] | None = None,
    jit_compile: bool = False,
) -> History:
    """Train ``model`` with mini-batch gradient descent.

    Args:
        model: a Keras model mapping ``(b, ...)`` inputs to ``(b, ...)`` outputs.
        x: inputs ``(n, ...)``, array or tensor; float64 is cast to ``keras.backend.floatx()``.
        y: targets ``(n, ...)``, e.g. integer labels ``(n,)``.
        loss: a Keras loss name, a ``keras.losses.Loss`` (use
            ``SparseCategoricalCrossentropy(from_logits=True)`` for logit outputs) or
            ``fn(y_true, y_pred) -> tensor``.
        optimizer: a name or a ``keras.optimizers.Optimizer``. Default ``"adam"``.
        epochs: passes over the data. Default 10.
        batch_size: samples per gradient step; the last batch may be smaller. Default 32.
        validation_data: ``(x_val, y_val)`` evaluated after each epoch. Default None.
        metrics: names from ``course_lib.metrics.METRICS``. Default ``("accuracy",)``.
            Training metrics average the per-batch values during the epoch (as Keras does);
            validation metrics use the weights at the end of the epoch.
        shuffle: reshuffle every epoch with ``np.random.default_rng(seed)``. Default True.
        seed: seed of the shuffling. Default 0.
        verbose: print progress to stdout. Default True.
        callbacks: functions ``cb(epoch, logs) -> bool | None`` called after each epoch
            (``epoch`` counts from 1); returning True stops training. Default None.
        jit_compile: compile each training step with XLA. Faster for recurrent and
            convolutional models on a CPU (see the README's bench), slower to start (each
            batch shape compiles once), and the last bits of the weights differ from a run
            without it. Default False.

    Returns:
        A :class:`~course_lib.history.History` with ``loss``, the metrics and, with
        validation data, ``val_loss`` and ``val_<metric>`` for every epoch run.

    Raises:
        ValueError: for mismatched lengths, ``epochs``/``batch_size`` < 1 or an unknown
            metric; TypeError for a bad loss, optimizer or callback.
    """
    epochs, batch_size = _positive_int(epochs, "epochs"), _positive_int(batch_size, "batch_size")
    x_t, y_t = _tensors(x, y)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                f"validation_data must be a pair (x_val, y_val), got {type(validation_data).__name__}"
            )
        validation_data = _tensors(*validation_data, what="validation_data x_val and y_val")
    metric_list = course_metrics.get(metrics)
    callbacks = [callbacks] if callable(callbacks) else list(callbacks or [])
    bad = [cb for cb in callbacks if not callable(cb)]
    if bad:
        raise TypeError(f"callbacks must be functions cb(epoch, logs), got {bad[0]!r}")
    loss_fn, opt = _resolve_loss(loss), _resolve_optimizer(optimizer)
    _prepare(model, x_t)
    if not opt.built:  # create the slots now: variables cannot be created in the loop
        opt.build(model.trainable_variables)
    train = tf.function(
        _Pass(model, loss_fn, opt, metric_list, batch_size, bool(jit_compile)),
        reduce_retracing=True,
    )
    check = tf.function(_Pass(model, loss_fn, None, metric_list, 256), reduce_retracing=True)
    rng = np.random.default_rng(seed)
    n = int(x_t.shape[0])
    history, stopped = History(), False
    with EpochProgress(epochs, verbose) as progress:
        for epoch in range(1, epochs + 1):
            order = tf.constant(rng.permutation(n) if shuffle else np.arange(n))
            logs = _logs(train(x_t, y_t, order), metric_list)
            if validation_data is not None:
                logs.update(_logs(check(*validation_data), metric_list, prefix="val_"))
            history.append(epoch, logs)
            # Call every callback each epoch so loggers see the last epoch too.
            stopped = any([bool(cb(epoch, dict(logs))) for cb in callbacks])
            progress.update(epoch, logs, last=stopped or epoch == epochs)
            if stopped:
                break
    if stopped and verbose:
        print(f"stopped early by a callback after epoch {epoch} of {epochs}", flush=True)
    return history


def evaluate(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    loss: Any,
    batch_size: int = 256,
    metrics: Sequence[str] | str | None = ("accuracy",),
) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``(x, y)``, without changing the model.

    Args:
        model: a Keras model (built on first use).
        x: inputs ``(n, ...)``.
        y: targets ``(n, ...)``.
        loss: as in :func:`fit`.
        batch_size: samples per forward pass; does not change the result. Default 256.
        metrics: names from ``course_lib.metrics.METRICS``. Default ``("accuracy",)``.

    Returns:
        ``{"loss": float, "<metric>": float, ...}``; the loss is the per-sample mean plus
        any regularization losses, the same number ``keras.Model.evaluate`` reports.
    """
    batch_size = _positive_int(batch_size, "batch_size")
    x_t, y_t = _tensors(x, y)
    metric_list = course_metrics.get(metrics)
    loss_fn = _resolve_loss(loss)
    _prepare(model, x_t)
    check = tf.function(_Pass(model, loss_fn, None, metric_list, batch_size), reduce_retracing=True)
    return _logs(check(x_t, y_t), metric_list)
