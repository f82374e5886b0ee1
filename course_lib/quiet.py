"""TensorFlow without its start-up noise in a student's notebook.

Importing TensorFlow prints C++ log lines straight to the process's stderr (file
descriptor 2), before Python's logging or ``TF_CPP_MIN_LOG_LEVEL`` can stop them:
``oneDNN custom operations are on``, ``Could not find cuda drivers``, the CPU feature
notice and, on a machine without a GPU, ``failed call to cuInit``. Jupyter's kernel
forwards descriptor 2 into the notebook, so each student sees red lines that mean nothing
to them. ``tf = import_tensorflow_quietly()``, the first line of every unit's notebook,
imports TensorFlow and starts its devices with
descriptor 2 pointed at a temporary file, then passes on every line that is not such a
notice: warnings that matter stay visible.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

# Informational and warning lines from TensorFlow's C++ side (absl format), and the lines
# that continue them.
_NOTICE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IW]\d{4} [\d:.]+\s+\d+ \S+:\d+\] "
    r"|To enable the following instructions:)"
)
# CUDA's errors mean nothing where no GPU is visible.
_NO_GPU_ERROR = re.compile(r"^E\d{4} [\d:.]+\s+\d+ \S*cuda\S*:\d+\] .*cuInit", re.IGNORECASE)


# Set once TensorFlow's devices have started under the capture below.
_started = False


def import_tensorflow_quietly():
    """Import TensorFlow and start its devices, keeping only the log lines that matter.

    A kernel may find TensorFlow imported already (a warm kernel of the grader, or an
    earlier cell): its devices start here all the same, under the capture, so their
    notices never land in a later cell.

    Returns:
        The ``tensorflow`` module.
    """
    global _started
    if _started:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # later C++ info lines
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")  # device start-up logs too
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        lines = captured.read().decode("utf-8", errors="replace").splitlines()
    _started = True
    kept = [line for line in lines if not is_notice(line, gpu=bool(gpus))]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    return tf


def is_notice(line: str, *, gpu: bool) -> bool:
    """Whether a TensorFlow start-up log line is only a notice (on a machine with/without GPU)."""
    if not line.strip() or _NOTICE.match(line):
        return True
    return not gpu and bool(_NO_GPU_ERROR.match(line))
