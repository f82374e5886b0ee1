"""Hidden checks for unit09_replay_buffer, through the notebook's ``replay_trace``.

Each transition carries its number everywhere (s = [i, i + 0.25, -i], a = i mod 3,
r = i / 8, s2 = s + 100, terminated when i mod 4 = 3), so the grader can tell which
transition a sampled row came from and whether all five fields came from the same one.
Checks: the length after every add (capped at the capacity); after the ring wrapped, that
only the newest ``capacity`` transitions are sampled, whole; and that sampling is uniform
over what is stored, before and after wrapping (chi-squared test on 6,000 draws).
"""

import numpy as np
from scipy.stats import chisquare

from autograder.contract.kit import once_per_submission
from course_lib.testing import CheckFailure, assert_that

KEYS = ("s", "a", "r", "s2", "terminated")


def transitions(n: int) -> dict:
    i = np.arange(n, dtype=float)
    s = np.stack([i, i + 0.25, -i], axis=1)
    return {"s": s, "a": np.arange(n) % 3, "r": i / 8, "s2": s + 100, "terminated": (np.arange(n) % 4 == 3) * 1.0}


def trace(submission, capacity: int, n: int, batch: int, seed: int) -> dict:
    got = submission.call("replay_trace", capacity, transitions(n), batch, seed)
    missing = [k for k in ("lengths", *KEYS) if k not in got and (batch or k == "lengths")]
    if missing:
        raise CheckFailure(f"ReplayBuffer.sample must return a dict with keys {list(KEYS)}; missing {missing[1:] or missing}")
    return got


def sampled_ids(got: dict, batch: int, stored: range) -> np.ndarray:
    """The number of the transition behind each sampled row; fails on a row no transition has."""
    s = np.asarray(got["s"], float)
    if s.shape != (batch, 3):
        raise CheckFailure(f'sample(...)["s"] must have shape (batch, obs_dim) = ({batch}, 3), got {s.shape}')
    ids = np.rint(s[:, 0]).astype(int)
    expected = transitions(max(stored.stop, 1))
    rows = {key: np.asarray(got[key], float).reshape(batch, -1) for key in KEYS}
    for key in KEYS:
        want = np.asarray(expected[key], float).reshape(len(expected["a"]), -1)[np.clip(ids, 0, len(expected["a"]) - 1)]
        bad = np.flatnonzero(~np.isclose(rows[key], want).all(axis=1))
        if bad.size and key == "s":
            raise CheckFailure(f"sampled row {bad[0]} is {rows['s'][bad[0]].tolist()}, no transition that was "
                               f"added: sample only the {len(stored)} slots filled so far")  # fmt: skip
        if bad.size:
            raise CheckFailure(f'sampled row {bad[0]}: its "{key}" does not belong to the transition whose "s" it '
                               f"carries (transition {ids[bad[0]]}): the fields of a sample must come from one "
                               f"stored transition")  # fmt: skip
    outside = sorted(set(ids) - set(stored))
    if outside:
        raise CheckFailure(f"sampled transitions {outside[:5]} are not among those stored (transitions "
                           f"{stored.start}..{stored.stop - 1}): once full, add must overwrite the oldest")  # fmt: skip
    return ids


@once_per_submission
def wrapped(submission) -> dict:
    return trace(submission, 5, 12, 6000, 9501)


def test_lengths(submission):
    # No sample: a buffer whose sampling fails still shows its lengths.
    got = [int(n) for n in trace(submission, 5, 12, 0, 9501)["lengths"]]
    expected = [min(i + 1, 5) for i in range(12)]
    assert_that(got == expected, f"len(buffer) after each of 12 adds with capacity 5: got {got}, expected {expected}")


def test_wrapped_buffer_samples_the_newest(submission):
    sampled_ids(wrapped(submission), 6000, range(7, 12))


def test_sampling_is_uniform(submission):
    for capacity, n, stored in ((5, 12, range(7, 12)), (50, 20, range(0, 20))):
        got = wrapped(submission) if capacity == 5 else trace(submission, capacity, n, 6000, 9502)
        ids = sampled_ids(got, 6000, stored)
        counts = np.array([np.sum(ids == i) for i in stored])
        p = chisquare(counts).pvalue
        if p < 1e-4:
            raise CheckFailure(f"sample is not uniform over the {len(stored)} stored transitions (capacity "
                               f"{capacity}, {n} added): counts {counts.tolist()} in 6000 draws, chi-squared "
                               f"p = {p:.1e}")  # fmt: skip
