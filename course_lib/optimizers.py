"""A base class for optimizers written from scratch, and a helper that records trajectories.

Keras' own optimizers split the work in two: the base class keeps the step counter, the
learning rate, clipping, the mapping from model variables to their state, and each
optimizer writes only ``build`` and ``update_step``. :class:`ScratchOptimizer` goes one
step further so a notebook writes only the mathematics. A subclass declares

- ``slots``: names of the per-variable state, e.g. ``("velocity",)``. Every trainable
  variable gets one zero-initialised slot of its own shape and dtype per name;
- its hyperparameters as ``__init__`` arguments, each stored as ``self.<name>`` (the
  scikit-learn convention), so ``get_config`` finds them without a list to keep in sync;

and writes one method, ``update(gradient, variable, learning_rate, state, step)``, that
changes ``variable`` and its ``state`` with ``self.assign``, ``self.assign_add``,
``self.assign_sub`` and ``keras.ops``. For example, plain gradient descent::

    class GradientDescent(ScratchOptimizer):
        def __init__(self, learning_rate=0.01, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def update(self, gradient, variable, learning_rate, state, step):
            self.assign_sub(variable, learning_rate * gradient)

The result is a real ``keras.optimizers.Optimizer``: it works with ``model.compile`` and
``model.fit``, with ``course_lib.training.fit`` and inside any ``tf.function``.

Comparing with Keras in float64: Keras keeps the learning rate in a float32 variable and
casts some Python-float hyperparameters through float32 (``ops.cast(0.9, "float64")`` is
``0.8999999761581421``), so pick values exact in float32 (``0.5``, ``0.875``,
``1 - 2**-10``) when trajectories must agree to ~1e-12 rather than ~1e-8.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops


class ScratchOptimizer(keras.optimizers.Optimizer):
    """Owns the bookkeeping of an optimizer so that a subclass writes only ``update``.

    Class attributes:
        slots: names of the per-variable state, a tuple of identifiers. Default ``()``.

    Args:
        learning_rate: a float (an int is accepted), a
            ``keras.optimizers.schedules.LearningRateSchedule`` or a callable. Default 0.01.
        name: the optimizer's name. Default None: from the class name.
        **kwargs: the other arguments of ``keras.optimizers.Optimizer`` (``clipnorm``,
            ``weight_decay``, ...). A subclass's ``__init__`` must accept ``**kwargs`` and
            pass them on, so that ``from_config`` can hand them back.

    Raises:
        TypeError: when a subclass is defined with ``slots`` that are not a tuple of
            distinct identifiers, or an ``__init__`` without ``**kwargs``.

    Example: a slot holding the previous gradient, and a hyperparameter ``scale``::

        class Remember(ScratchOptimizer):
            slots = ("previous",)

            def __init__(self, learning_rate=0.01, scale=1.0, **kwargs):
                super().__init__(learning_rate=learning_rate, **kwargs)
                self.scale = scale  # same name as the argument: get_config finds it

            def update(self, gradient, variable, learning_rate, state, step):
                self.assign_sub(variable, self.scale * learning_rate * gradient)
                self.assign(state["previous"], gradient)

        Remember(0.1, scale=2.0).get_config()["scale"]  # 2.0
    """

    slots: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Check the declaration when the class is defined: a bare string such as
        # ``slots = ("velocity")`` would otherwise become one slot per letter.
        super().__init_subclass__(**kwargs)
        slots = cls.slots
        if (
            not isinstance(slots, (tuple, list))
            or not all(isinstance(s, str) and s.isidentifier() for s in slots)
            or len(set(slots)) != len(slots)
        ):
            raise TypeError(
                f"{cls.__name__}.slots must be a tuple of distinct names such as "
                f"('velocity',), got {slots!r}"
            )
        cls.slots = tuple(slots)
        signature = inspect.signature(cls.__init__)
        if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
            raise TypeError(
                f"{cls.__name__}.__init__ must accept **kwargs and pass them to "
                f"super().__init__ (from_config hands back name, clipnorm, ...), "
                f"got {cls.__name__}.__init__{signature}"
            )

    def __init__(self, learning_rate: Any = 0.01, name: str | None = None, **kwargs: Any):
        # Keras accepts only a float; `learning_rate=1` in a notebook should just work.
        if isinstance(learning_rate, (int, np.integer)) and not isinstance(learning_rate, bool):
            learning_rate = float(learning_rate)
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def build(self, variables: list) -> None:
        """Create ``len(self.slots)`` zero slots per variable, once.

        Args:
            variables: the trainable variables the optimizer will update.
        """
        if self.built:
            return
        super().build(variables)
        # One list per slot name, indexed like the variables (_get_variable_index).
        self._slot_variables = {
            name: [self.add_variable_from_reference(v, name=name) for v in variables]
            for name in self.slots
        }

    def state(self, variable: Any) -> dict[str, keras.Variable]:
        """The slots of one trainable variable: ``{slot name: keras.Variable}``."""
        index = self._get_variable_index(variable)
        return {name: self._slot_variables[name][index] for name in self.slots}

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """Called by Keras once per variable and step; casts, then calls ``update``."""
        dtype = variable.dtype
        # Everything in the variable's dtype so that float64 runs stay float64
        # (Keras keeps the learning rate in floatx, float32 by default).
        step = ops.cast(self.iterations + 1, dtype)
        self.update(
            ops.cast(gradient, dtype),
            variable,
            ops.cast(learning_rate, dtype),
            self.state(variable),
            step,
        )

    def update(
        self,
        gradient: Any,
        variable: Any,
        learning_rate: Any,
        state: dict[str, keras.Variable],
        step: Any,
    ) -> None:
        """Apply one update to ``variable`` and its ``state``. Subclasses write this.

        Args:
            gradient: the gradient of the loss, a tensor shaped like ``variable``.
            variable: the variable to change in place (``self.assign_sub`` etc.).
            learning_rate: the current learning rate, a scalar tensor in the variable's
                dtype (a schedule is already evaluated).
            state: ``{slot name: slot variable}`` for this variable, each shaped like it.
            step: the 1-based number of this update, a scalar tensor in the variable's
                dtype (1.0 on the first call), e.g. for a bias correction.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement "
            "update(self, gradient, variable, learning_rate, state, step)"
        )

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The subclass's own ``__init__`` arguments and their current values."""
        base = super().get_config()
        signature = inspect.signature(type(self).__init__)
        values = {}
        for name, parameter in list(signature.parameters.items())[1:]:  # skip self
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or name in base:
                continue
            if not hasattr(self, name):
                raise AttributeError(
                    f"{type(self).__name__}.__init__ takes {name!r} but the optimizer has no "
                    f"attribute {name!r}: store it with self.{name} = {name}, got attributes "
                    f"{sorted(k for k in vars(self) if not k.startswith('_'))}"
                )
            value = getattr(self, name)
            values[name] = value.item() if isinstance(value, np.generic) else value
        return values

    def get_config(self) -> dict[str, Any]:
        """The base optimizer's config plus :attr:`hyperparameters`; ``from_config`` inverts it."""
        return {**super().get_config(), **self.hyperparameters}


class _Run:
    """``steps`` optimizer updates of ``x`` inside one graph, returning the iterates.

    A callable object rather than a closure: TensorFlow counts retraces per ``__code__``,
    so fresh closures from repeated ``trajectory`` calls would warn on stderr.
    """

    def __init__(self, optimizer: keras.optimizers.Optimizer, fn: Callable, x: tf.Variable):
        self.optimizer, self.fn, self.x = optimizer, fn, x

    def __call__(self, steps: tf.Tensor) -> tf.Tensor:
        iterates = tf.TensorArray(self.x.dtype, size=steps, element_shape=self.x.shape)
        for i in tf.range(steps):
            with tf.GradientTape() as tape:
                value = self.fn(self.x)
            gradient = tape.gradient(value, self.x)
            self.optimizer.apply_gradients([(gradient, self.x)])
            iterates = iterates.write(i, self.x.read_value())
        return iterates.stack()


def trajectory(
    optimizer: keras.optimizers.Optimizer, fn: Callable[[tf.Variable], Any], x0: Any, steps: int
) -> np.ndarray:
    """Minimise ``fn`` from ``x0`` for ``steps`` updates and return every iterate.

    Args:
        optimizer: a fresh (not yet built) Keras optimizer, e.g. a
            :class:`ScratchOptimizer` subclass or ``keras.optimizers.Adam(...)``.
        fn: a differentiable function (``keras.ops`` or ``tf``) of a vector variable
            ``(dim,)`` returning a scalar.
        x0: the start ``(dim,)`` (a scalar is read as ``(1,)``). A float array keeps its
            dtype; anything else becomes float64, so comparisons can be exact to ~1e-12.
        steps: number of updates, ``>= 0``.

    Returns:
        ``(steps + 1, dim)`` array in the dtype of ``x0``: row 0 is ``x0``, row ``t`` the
        point after ``t`` updates.

    Raises:
        TypeError: if ``optimizer`` is not a Keras optimizer.
        ValueError: for a bad ``x0`` or ``steps``, an optimizer that is already built, or
            an ``fn`` that is not scalar or whose gradient is None.
    """
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a keras.optimizers.Optimizer, got {optimizer!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    start = np.asarray(x0)
    if not np.issubdtype(start.dtype, np.floating):
        start = start.astype(np.float64)
    start = start.reshape(1) if start.ndim == 0 else start
    if start.ndim != 1 or start.size == 0 or not np.all(np.isfinite(start)):
        raise ValueError(f"x0 must be a finite non-empty vector (dim,), got {np.asarray(x0)!r}")
    if optimizer.built:
        # Keras maps variables to slots when it builds; a used optimizer cannot take x.
        raise ValueError(
            "trajectory needs a fresh optimizer (its slots are made for x), got one that is "
            f"already built: {optimizer.name!r}"
        )
    x = tf.Variable(start, name="x")
    with tf.GradientTape() as tape:  # check fn once, eagerly, for readable errors
        value = tf.convert_to_tensor(fn(x))
    if value.shape.rank != 0:
        raise ValueError(f"fn must return a scalar, got shape {tuple(value.shape)}")
    if tape.gradient(value, x) is None:
        raise ValueError("fn(x) does not depend on x through TensorFlow ops, got gradient None")
    optimizer.build([x])
    iterates = tf.function(_Run(optimizer, fn, x))(tf.constant(int(steps)))
    return np.concatenate([start[None, :], iterates.numpy()])
