import numpy as np
import pytest

from course_lib import seed_everything
from course_lib.determinism import determinism_status


def test_same_seed_same_draws():
    import tensorflow as tf

    seed_everything(7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    seed_everything(7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_determinism_switches_are_set():
    seed_everything(0)
    assert determinism_status() == {"tensor_float_32": False, "op_determinism": True}


@pytest.mark.parametrize("bad", [1.5, "3", None, True], ids=["float", "str", "none", "bool"])
def test_seed_must_be_int(bad):
    with pytest.raises(TypeError, match="seed must be an int, got"):
        seed_everything(bad)
