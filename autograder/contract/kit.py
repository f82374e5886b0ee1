"""Helpers that hidden checks share: float64 oracles, seeded inputs, source inspection,
classifier outputs, and described models compared layer by layer."""

from __future__ import annotations

import ast
import contextlib
import functools
import textwrap
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograder.contract import model_facts
from autograder.contract.submission import StudentError, Submission
from course_lib.testing import CheckFailure

# Names whose use means "autodiff did the work": forbidden in manual-backprop cells.
# Plain words such as "grad" or "gradient" are left out: students name variables so.
AUTODIFF_NAMES = frozenset(
    {"GradientTape", "jacobian", "batch_jacobian", "value_and_grad", "vjp", "jvp",
     "autodiff", "ForwardAccumulator"}
)  # fmt: skip


@contextlib.contextmanager
def float64() -> Iterator[None]:
    """Run Keras in float64 inside the block (Keras 3 losses compute in floatx)."""
    import keras

    # Keras fixes its global dtype policy from floatx the first time a layer is built, so
    # set_floatx alone would not reach new layers; set the policy too.
    saved_floatx, saved_policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(saved_floatx)
        keras.config.set_dtype_policy(saved_policy)


def rng(seed: int) -> np.random.Generator:
    """A generator for check inputs; each check names its own seed so inputs are fixed."""
    return np.random.default_rng(seed)


def names_used(source: str) -> set[str]:
    """Every identifier and attribute name that appears in ``source``."""
    tree = ast.parse(textwrap.dedent(source))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(alias.name.split(".")[-1] for alias in node.names)
    return found


def assert_no_forbidden_names(
    submission: Submission,
    function: str,
    forbidden: Iterable[str],
    *,
    why: str,
    skip: Iterable[str] = (),
) -> None:
    """Fail if ``function`` or any notebook function it uses mentions a forbidden name.

    The student's own helpers (top-level definitions in the notebook file) are followed:
    one level of indirection is a common way to hide a GradientTape. Library functions are
    not followed, and neither are the ``skip`` names (a helper another check judges).
    """
    source = submission.source(function)
    if source is None:
        raise CheckFailure(f"could not read the source of {function}; is it a plain function?")
    assert_code_avoids(submission, function, source, forbidden, why=why, skip=skip)


def assert_code_avoids(
    submission: Submission,
    name: str,
    source: str,
    forbidden: Iterable[str],
    *,
    why: str,
    skip: Iterable[str] = (),
) -> None:
    """Fail if ``source`` (the code of ``name``) or any notebook definition it uses,
    transitively, mentions a ``forbidden`` name; ``skip`` names are not followed."""
    forbidden = set(forbidden)
    seen, queue = {name, *skip}, [(name, source)]
    while queue:
        name, text = queue.pop()
        used = names_used(text)
        hits = sorted(used & forbidden)
        if hits:
            raise CheckFailure(f"{name} uses {', '.join(hits)}, which is not allowed here: {why}")
        for helper in sorted(used - seen):
            if submission.defines(helper):
                seen.add(helper)
                queue.append((helper, submission.source(helper)))


def assert_raises_value_error(
    submission: Submission, function: str, *args: Any, what: str, **kwargs: Any
) -> None:
    """Fail unless ``function(*args, **kwargs)`` raises the ValueError its docstring promises.

    Spec edge cases with a documented error are a branch no ordinary input reaches. Both
    grading modes word a student's exception as "calling f raised ValueError: ..."
    (:mod:`autograder.contract.failures`), so the type is read from that message: a
    KeyError from a dict lookup, an IndexError, or a silent result all fail.
    """
    try:
        result = submission.call(function, *args, **kwargs)
    except StudentError as exc:
        if f"calling {function} raised ValueError" in str(exc):
            return
        raise CheckFailure(f"{what}: expected a ValueError, but {exc}") from None
    raise CheckFailure(f"{what}: expected a ValueError, got the result {result!r:.150}")


def assert_uses_every_parameter(submission: Submission, function: str, *, advice: str) -> None:
    """Fail if the body of ``function`` never reads one of its parameters.

    For training functions that take a Keras model: the model cannot cross to the checks,
    so the function cannot be run on grader inputs, and a body that hard-codes
    ``epochs=40`` trains the same model as the notebook's call. Its code, read from the
    notebook file, must at least read every argument.

    Args:
        advice: what to do instead, appended to the message.
    """
    source = submission.source(function)
    if source is None:
        raise CheckFailure(f"could not read the source of {function}; is it a plain function?")
    definition = ast.parse(textwrap.dedent(source)).body[0]
    arguments = definition.args
    parameters = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    read = {
        node.id
        for statement in definition.body
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    unused = [name for name in parameters if name not in read]
    if unused:
        raise CheckFailure(
            f"{function} never uses its argument{'s' if len(unused) > 1 else ''} "
            f"{', '.join(unused)}: {advice}"
        )


def assert_logits(outputs: np.ndarray, *, model: str) -> None:
    """Fail if a classifier's outputs are probabilities (rows in [0, 1] summing to 1).

    A softmax output trained with ``from_logits=False`` (or a softmax applied twice) still
    ranks the classes, so accuracy alone does not see it.
    """
    in_unit_interval = np.all((outputs >= 0) & (outputs <= 1))
    if in_unit_interval and np.allclose(outputs.sum(axis=1), 1.0, rtol=0, atol=1e-4):
        raise CheckFailure(
            f"{model} outputs probabilities (every row in [0, 1], summing to 1): it must "
            "output logits, with no softmax on the output layer, and be trained with "
            "SparseCategoricalCrossentropy(from_logits=True)"
        )


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose largest logit is at the label."""
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def logits_of(submission: Submission, model: str, x: np.ndarray, *, what: str) -> np.ndarray:
    """A 10-class model's outputs on ``x`` as float64, after checking their shape."""
    from course_lib.testing import assert_shape

    logits = submission.predict(model, x)
    assert_shape(logits, (len(x), 10), name=f"{model} predictions on {what} (logits)")
    return logits.astype(np.float64)


def layer_rows(facts: dict) -> list[tuple]:
    """A described model's layers as sorted (class, name, settings, inbound) rows.

    ``facts`` comes from ``submission.describe`` (or ``model_facts.describe_model``). The
    input layer's own name is arbitrary, so it reads ``"input"`` everywhere.
    """
    inputs = {layer["name"] for layer in facts["layers"] if layer["class"] == "InputLayer"}
    rows = []
    for layer in facts["layers"]:
        name = "input" if layer["name"] in inputs else layer["name"]
        inbound = sorted("input" if n in inputs else n for n in layer["inbound"])
        settings = sorted((k, str(v)) for k, v in layer["config"].items() if k != "data_format")
        rows.append((layer["class"], name, tuple(settings), tuple(inbound)))
    return sorted(rows)


def assert_same_layers(got: dict, expected: dict, *, call: str) -> None:
    """Fail unless two described models have exactly the same layer rows (see layer_rows).

    The whole lists are compared, so a model with a layer missing cannot pass by comparing
    only the layers both have; the message names the first extra and missing layers.
    """
    want, have = layer_rows(expected), layer_rows(got)
    missing = [row for row in want if row not in have]
    extra = [row for row in have if row not in want]
    if missing or extra:
        raise CheckFailure(
            f"{call} has {len(have)} layers, the reference {len(want)}; not as specified: "
            + "; ".join(f"{c} {n!r} {dict(s)} from {list(i)}" for c, n, s, i in extra[:2])
            + (
                "; missing: " + ", ".join(f"{c} {n!r}" for c, n, _, _ in missing[:3])
                if missing
                else ""
            )
        )


def layers_in_order(facts: dict) -> list[tuple]:
    """(class, settings, weight shapes) per layer, in order, input layers left out.

    Names are left out too: Keras numbers unnamed layers per session, so two builds of
    one architecture differ only there.
    """
    return [
        (layer["class"], sorted((k, str(v)) for k, v in layer["config"].items()),
         [tuple(np.shape(w)) for w in layer["weights"]])
        for layer in facts["layers"]
        if layer["class"] != "InputLayer"
    ]  # fmt: skip


def grader_copy(submission: Submission, name: str, reference: Any, *, spec: str, args: tuple = ()) -> Any:
    """The grader's own ``reference`` model holding the weights of the student's ``name``
    (or of the model ``name(*args)`` returns).

    A trained model is judged through this copy, so only its weights count: whatever else
    the student's object computes (a hand-written answer hidden in a Keras op, which no
    layer list shows) never reaches the metric. Fails unless the student's model has
    exactly the reference's layers (class, settings, weight shapes, in order); ``spec``
    describes the expected architecture for the message.
    """
    call = f"{name}({', '.join(map(repr, args))})" if args else name
    try:
        facts = submission.describe(name, *args)
    except StudentError as exc:
        raise CheckFailure(f"{call} must be a Keras model ({spec}): {exc}") from None
    got = layers_in_order(facts)
    want = layers_in_order(model_facts.describe_model(reference))
    if got != want:
        shown = [(cls, shapes) for cls, _, shapes in got]
        raise CheckFailure(f"{call} must be {spec}; its layers (class, weight shapes) are {shown}, "
                           f"expected {[(cls, shapes) for cls, _, shapes in want]}")  # fmt: skip
    reference.set_weights([w for layer in facts["layers"] for w in layer["weights"]])
    return reference


def once_per_submission(compute: Callable[[Submission], Any]) -> Callable[[Submission], Any]:
    """Cache ``compute(submission)``: an expensive student call (a training run, a batch of
    samples) then runs once for all the checks of a cell that read it. A failure is not
    cached, so every check that needs the result reports it."""
    results: dict[int, tuple[Submission, Any]] = {}

    @functools.wraps(compute)
    def cached(submission: Submission) -> Any:
        # Keep the submission alive with its result: its id cannot be reused meanwhile.
        if id(submission) not in results:
            results[id(submission)] = (submission, compute(submission))
        return results[id(submission)][1]

    return cached


def inherited_mistakes(submission: Submission, pieces: dict[str, tuple[str, Callable[[Submission], Any]]]) -> str:
    """A note for a failure message: which of the student's own functions, used by the
    code that failed, fail their own checks.

    A cell that trains or searches with the student's earlier functions inherits their
    mistakes (a TD target without the terminal mask leaves a DQN that cannot balance the
    pole); the note sends the student to the cell where the mistake is. ``pieces`` maps a
    function's name to its graded cell and a check of it (raising ``CheckFailure``). It
    is run only after a failure, so an honest submission pays nothing for it.
    """
    failing = []
    for name, (cell, check) in pieces.items():
        try:
            check(submission)
        except Exception:  # a wrong value, a crash in the student's code: either way it fails
            failing.append(f"{name} ({cell})")
    if not failing:
        return ""
    return f"\n  note: this uses your {' and '.join(failing)}, whose own checks fail: start there"


def pointing_back(pieces: dict[str, tuple[str, Callable[[Submission], Any]]]) -> Callable:
    """Decorate a check so that its failure message ends with ``inherited_mistakes``."""

    def decorate(check: Callable) -> Callable:
        # Once per submission: the parametrized cases of one check share the note.
        note = once_per_submission(lambda submission: inherited_mistakes(submission, pieces))

        @functools.wraps(check)  # pytest reads the fixtures and marks through the wrapper
        def checked(submission: Submission, *args: Any, **kwargs: Any) -> Any:
            try:
                return check(submission, *args, **kwargs)
            except CheckFailure as failure:
                raise CheckFailure(str(failure) + note(submission)) from None

        return checked

    return decorate
