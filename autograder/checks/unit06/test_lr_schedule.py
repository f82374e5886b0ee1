"""Hidden checks for unit06_lr_schedule: linear warm-up, then cosine decay.

Compared step by step with Keras' own ``CosineDecay(0.0, decay_steps=total - warmup,
warmup_target=base_lr, warmup_steps=warmup)`` for schedules of the grader's choosing, past
the end of training included (the rate stays at its final value).
"""

import keras
import numpy as np
import pytest

from course_lib.testing import assert_close

NAME = "warmup_cosine"
# name: (base_lr, warmup_steps, total_steps)
SCHEDULES = {"short_warmup": (0.1, 5, 60), "long_warmup": (3e-3, 40, 100), "no_warmup": (0.5, 0, 30)}


@pytest.mark.parametrize("schedule", SCHEDULES, ids=str)
def test_matches_keras(submission, schedule):
    base, warmup, total = SCHEDULES[schedule]
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        0.0 if warmup else base, decay_steps=total - warmup,
        warmup_target=base if warmup else None, warmup_steps=warmup,
    )  # fmt: skip
    steps = list(range(0, total + 10))
    expected = np.array([float(keras_schedule(step)) for step in steps])
    got = np.array([submission.call(NAME, step, base, warmup, total) for step in steps], dtype=float)
    assert_close(got, expected, rtol=1e-5, atol=1e-9,
                 name=f"{NAME}(step, {base}, {warmup}, {total}) for steps 0..{total + 9} vs Keras")  # fmt: skip
