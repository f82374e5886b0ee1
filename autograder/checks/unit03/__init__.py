"""What unit03's checks share: the test problems, Keras reference runs, class-source checks.

The problems are rebuilt here from the same plain dictionaries the checks send to the
notebook (``{"name": "quadratic", "A": A, "b": b}``, ``{"name": "rosenbrock", "scale": s}``),
with the same formulas as the notebook's given cell, so a student's optimizer and Keras'
see bit-identical gradients.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterable

import numpy as np

from autograder.checklib import float64, names_used, rng
from autograder.submission import Submission
from course_lib.testing import CheckFailure, assert_close

# keras.optimizers classes: a from-scratch optimizer may not use (or inherit) any of them.
KERAS_OPTIMIZER_NAMES = frozenset(
    {"SGD", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam", "Adagrad", "Adadelta",
     "Adafactor", "Ftrl", "Lion", "Lamb", "Muon", "LossScaleOptimizer"}
)  # fmt: skip

# Trajectories agree to rounding when the hyperparameters are exact in float32 (Keras casts
# some of them through float32); a wrong rule is off by far more within a few steps.
TRAJECTORY_RTOL, TRAJECTORY_ATOL = 1e-9, 1e-12
STEPS = 100


def quadratic_spec(seed: int, eigenvalues: Iterable[float]) -> dict:
    """A quadratic problem with a random rotation of the given Hessian spectrum."""
    g = rng(seed)
    eigenvalues = np.asarray(list(eigenvalues), dtype=np.float64)
    q, _ = np.linalg.qr(g.normal(size=(eigenvalues.size, eigenvalues.size)))
    A = q @ np.diag(eigenvalues) @ q.T
    return {"name": "quadratic", "A": (A + A.T) / 2.0, "b": g.normal(size=eigenvalues.size)}


def numpy_problem(spec: dict) -> tuple[Callable, Callable]:
    """``(f, grad)`` in NumPy, for SciPy and for the line-search reference."""
    if spec["name"] == "quadratic":
        A, b = np.asarray(spec["A"], dtype=np.float64), np.asarray(spec["b"], dtype=np.float64)
        return (lambda x: 0.5 * x @ A @ x - b @ x), (lambda x: A @ x - b)
    scale = float(spec.get("scale", 100.0))

    def f(x):
        return float(np.sum(scale * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))

    def grad(x):
        inner = x[1:] - x[:-1] ** 2
        g = np.zeros_like(x)
        g[:-1] = -4.0 * scale * x[:-1] * inner - 2.0 * (1.0 - x[:-1])
        g[1:] += 2.0 * scale * inner
        return g

    return f, grad


def ops_function(spec: dict) -> Callable:
    """The problem's f in ``keras.ops``, exactly as the notebook writes it."""
    from keras import ops

    if spec["name"] == "quadratic":
        A, b = np.asarray(spec["A"], dtype=np.float64), np.asarray(spec["b"], dtype=np.float64)
        return lambda x: 0.5 * ops.sum(x * ops.matmul(A, x)) - ops.sum(b * x)
    scale = float(spec.get("scale", 100.0))
    return lambda x: ops.sum(scale * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def describe(spec: dict) -> str:
    if spec["name"] == "quadratic":
        lam = np.linalg.eigvalsh(spec["A"])
        return f"a {lam.size}-D quadratic with Hessian eigenvalues {lam[0]:.3g}..{lam[-1]:.3g}"
    return f"the Rosenbrock function with scale {spec.get('scale', 100.0):g}"


def keras_trajectory(
    make_optimizer: Callable, spec: dict, x0: np.ndarray, steps: int
) -> np.ndarray:
    """Every iterate of a Keras optimizer from ``x0``, in float64."""
    from course_lib.optimizers import trajectory

    with float64():
        return trajectory(make_optimizer(), ops_function(spec), np.asarray(x0, np.float64), steps)


def assert_matches_keras(
    submission: Submission,
    class_name: str,
    hyperparameters: dict,
    keras_name: str,
    make_keras: Callable,
    spec: dict,
    x0: np.ndarray,
    steps: int = STEPS,
) -> None:
    """The student's class and the Keras optimizer visit the same points for ``steps``.

    A class that is not written from scratch earns nothing for matching Keras: it fails
    here too (and in its own source check).
    """
    assert_from_scratch(submission, class_name)
    expected = keras_trajectory(make_keras, spec, x0, steps)
    if not np.all(np.isfinite(expected)):
        raise RuntimeError(f"check inputs diverge for {keras_name} on {describe(spec)}")
    got = np.asarray(
        submission.call("run_optimizer", class_name, hyperparameters, spec, x0, steps),
        dtype=np.float64,
    )
    label = f"{class_name}({_kwargs(hyperparameters)}) vs {keras_name} on {describe(spec)}"
    if got.shape == expected.shape:
        close = np.isclose(got, expected, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL)
        bad_rows = np.flatnonzero(~close.all(axis=1))
        if bad_rows.size:
            label += f", first differing iterate: step {bad_rows[0]} of {steps} (index (step, coordinate))"
    assert_close(got, expected, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL, name=label)


def _kwargs(values: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


class SourceReader:
    """Sources of notebook definitions by name, with the cells read once.

    In-kernel, ``inspect.getsource`` cannot find a class defined in a notebook cell (Python
    3.11 looks for a file behind ``__main__``), so ``submission.source`` gives None for
    classes; the cells IPython has run (``In``) hold them, and the isolated bridge parses
    the same cells.
    """

    def __init__(self, submission: Submission):
        self.submission = submission
        self._index: dict[str, str] | None = None
        self._found: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self._found:
            source = self.submission.source(name)
            if source is None and self.submission.has(name):
                source = self._definitions().get(name)
            self._found[name] = source
        return self._found[name]

    def _definitions(self) -> dict[str, str]:
        """name -> source of the last top-level def/class of that name in the run cells."""
        if self._index is None:
            cells = self.submission.read("In") if self.submission.has("In") else []
            ok = isinstance(cells, list) and all(isinstance(c, str) for c in cells)
            self._index = _top_level_definitions(cells if ok else [])
        return self._index


def _top_level_definitions(cells: list[str]) -> dict[str, str]:
    # The same reading as autograder.bridge.definition_source, for all names at once.
    from IPython.core.inputtransformer2 import TransformerManager

    found: dict[str, str] = {}
    for text in cells:
        try:
            text = TransformerManager().transform_cell(text)
            tree = ast.parse(text)
        except Exception:  # a cell that is not Python (even after magic rewriting)
            continue
        lines = text.splitlines()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[node.name] = "\n".join(lines[first - 1 : node.end_lineno]) + "\n"
    return found


def _class_def(source: str, name: str) -> ast.ClassDef | None:
    tree = ast.parse(textwrap.dedent(source))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    return None


def _derives_from_scratch(sources: SourceReader, name: str, seen: set[str]) -> bool:
    source = sources(name)
    node = _class_def(source, name) if source else None
    if node is None:
        return False
    for base in node.bases:
        base_name = ast.unparse(base).split(".")[-1]
        if base_name == "ScratchOptimizer":
            return True
        if base_name not in seen:
            seen.add(base_name)
            if _derives_from_scratch(sources, base_name, seen):
                return True
    return False


def assert_from_scratch(submission: Submission, class_name: str) -> None:
    """``class_name`` subclasses ScratchOptimizer and never names a Keras optimizer.

    The student's own helpers and base classes are followed, as in
    :func:`autograder.checklib.assert_no_forbidden_names`.
    """
    sources = SourceReader(submission)
    source = sources(class_name)
    node = _class_def(source, class_name) if source else None
    if node is None:
        raise CheckFailure(
            f"could not read the source of the class {class_name}; define it with "
            f"`class {class_name}(ScratchOptimizer):` in a code cell"
        )
    if not _derives_from_scratch(sources, class_name, {class_name}):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        raise CheckFailure(
            f"{class_name} must subclass ScratchOptimizer (course_lib.optimizers) and write "
            f"its own update, got bases ({bases})"
        )
    seen, queue = {class_name}, [(class_name, source)]
    while queue:
        name, text = queue.pop()
        used = names_used(text)
        hits = sorted(used & KERAS_OPTIMIZER_NAMES)
        if hits:
            raise CheckFailure(
                f"{name} uses {', '.join(hits)}, which is not allowed here: write the update "
                "rule yourself; Keras' optimizers are what the checks compare it with"
            )
        for helper in sorted(used - seen - {"ScratchOptimizer"}):
            helper_source = sources(helper)
            if helper_source is not None:
                seen.add(helper)
                queue.append((helper, helper_source))


# The optimizer checks' problems: two rotated quadratics (one ill-conditioned, one with a
# flat direction) and a 3-D Rosenbrock valley, each with its own start.
ILL_QUADRATIC = quadratic_spec(3301, [0.5, 1.0, 4.0, 12.0])
FLAT_QUADRATIC = quadratic_spec(3302, [0.05, 0.3, 2.0])
ROSENBROCK = {"name": "rosenbrock", "scale": 10.0}
STARTS = {
    "ill_quadratic": rng(3303).normal(size=4),
    "flat_quadratic": rng(3304).normal(scale=2.0, size=3),
    "rosenbrock": np.array([-0.8, 0.6, 0.2]),
}
PROBLEMS = {
    "ill_quadratic": ILL_QUADRATIC,
    "flat_quadratic": FLAT_QUADRATIC,
    "rosenbrock": ROSENBROCK,
}


def optimizer_cases(class_name: str, keras_name: str, make_keras: Callable, hyper: dict) -> dict:
    """id -> (class, hyperparameters, Keras name, factory, problem, start), one per problem.

    ``hyper`` maps each problem name to the hyperparameters used on it.
    """
    return {
        f"{class_name}-{problem}": (
            class_name,
            hyper[problem],
            keras_name,
            make_keras,
            PROBLEMS[problem],
            STARTS[problem],
        )
        for problem in PROBLEMS
    }
