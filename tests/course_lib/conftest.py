"""Keras global state for course_lib tests: float32 layers and a fixed seed per test."""

import keras
import pytest


def reset_float32() -> None:
    """Back to float32 layers. Keras caches its dtype policy on first use, so set_floatx
    alone does not reach new layers: clear the session, but only when needed (~0.3 s)."""
    if keras.backend.floatx() != "float32" or keras.config.dtype_policy().name != "float32":
        keras.backend.set_floatx("float32")
        keras.config.set_dtype_policy("float32")
        keras.backend.clear_session()


@pytest.fixture
def keras_state(seed):
    """float32 and a seeded Keras before the test; float32 again after it."""
    reset_float32()
    keras.utils.set_random_seed(seed)
    yield
    reset_float32()
