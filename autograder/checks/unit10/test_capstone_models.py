"""Hidden checks for unit10_capstone_models: ``make_model`` builds each kind as specified.

Each kind's layer list (class, the settings that fix its maths, weight shapes, in order)
must equal the grader's own build from the notebook's table, after Input((40,)); an
unknown kind must raise ValueError.
"""

import pytest

from autograder.checks.unit10.common import KINDS, SPECS, reference_model
from autograder.contract import model_facts
from autograder.contract.kit import assert_raises_value_error, layers_in_order
from course_lib.testing import CheckFailure


@pytest.mark.parametrize("kind", KINDS)
def test_make_model(submission, kind):
    facts = submission.describe("make_model", kind)
    got, want = layers_in_order(facts), layers_in_order(model_facts.describe_model(reference_model(kind)))
    if got != want or facts["inputs"] != [[None, 40]]:
        raise CheckFailure(f"make_model({kind!r}) must be Input((40,)) -> {SPECS[kind]}; got input {facts['inputs']} "
                           f"and layers (class, settings, weight shapes) {[(c, dict(s), w) for c, s, w in got]}")  # fmt: skip


def test_unknown_kind_raises(submission):
    assert_raises_value_error(submission, "make_model", "resnet", what="make_model('resnet')")
