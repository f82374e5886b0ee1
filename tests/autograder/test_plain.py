import numpy as np
import pytest

from autograder.contract.plain import NotPlainError, to_plain


def test_arrays_are_copied():
    source = np.arange(3.0)
    plain = to_plain(source)
    plain[0] = 99
    assert source[0] == 0


def test_nested_structures_become_lists_and_dicts():
    value = (np.float32(1.5), [np.int64(2), {"w": np.ones(2)}], None, "ok", True)
    plain = to_plain(value)
    assert isinstance(plain, list) and plain[0] == 1.5 and type(plain[0]) is float
    assert type(plain[1][0]) is int
    np.testing.assert_array_equal(plain[1][1]["w"], np.ones(2))
    assert plain[2:] == [None, "ok", True]


def test_tensors_become_arrays():
    import tensorflow as tf

    plain = to_plain(tf.constant([[1.0, 2.0]]))
    assert isinstance(plain, np.ndarray) and plain.shape == (1, 2)


@pytest.mark.parametrize(
    "value, match",
    [
        (lambda x: x, "got builtins.function"),
        ({1: 2}, "dict keys must be str"),
        (np.array(["a"]), "dtype <U1"),
        (np.array([object()]), "dtype object"),
    ],
    ids=["function", "int-key", "str-array", "object-array"],
)
def test_non_data_is_refused(value, match):
    with pytest.raises(NotPlainError, match=match):
        to_plain(value, path="result")


def test_deep_nesting_is_refused():
    value: list = []
    for _ in range(40):
        value = [value]
    with pytest.raises(NotPlainError, match="nested deeper"):
        to_plain(value)
