"""Training throughput of course_lib.training.fit against keras.Model.fit (samples/s).

    python bench/train_loop.py [--repeats 5] [--epochs 3] [--batch-size 32] [--json PATH]

Both loops train the same architecture from the same initial weights on the same random
data, with Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True), the accuracy
metric, shuffling, no jit_compile and no progress output. Each run trains 1 + ``epochs``
epochs; the first (tracing, graph optimization) is excluded and the rate is taken between
the end of epoch 1 and the end of the last epoch, stamped by a per-epoch callback in both
loops. Runs alternate which loop goes first; the table shows the median over repeats and
the ratio of the medians, ours / keras (> 1: course_lib is faster).

Cases: (a) an MLP 40-100-100-10 (ReLU) on MNIST-1D-shaped data (4000, 40); (b) a 1-D CNN,
three Conv1D(25, 5, ReLU) then Flatten and Dense(10), on (4000, 40, 1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the script's own output stays readable

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a plain checkout
from course_lib import training  # noqa: E402

N_SAMPLES, N_FEATURES, N_CLASSES = 4000, 40, 10
CASES = ("mlp", "cnn1d")


def make_data(case: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random float32 inputs (4000, 40) or (4000, 40, 1) and int64 labels in 0..9."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_SAMPLES, N_FEATURES)).astype("float32")
    y = rng.integers(0, N_CLASSES, size=N_SAMPLES).astype("int64")
    return (x if case == "mlp" else x[..., None]), y


def build_model(case: str, seed: int = 0) -> keras.Model:
    """The benchmark architecture, with weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    if case == "mlp":
        layers = [keras.Input((N_FEATURES,))]
        layers += [keras.layers.Dense(100, activation="relu") for _ in range(2)]
    else:
        layers = [keras.Input((N_FEATURES, 1))]
        layers += [keras.layers.Conv1D(25, 5, activation="relu") for _ in range(3)]
        layers += [keras.layers.Flatten()]
    return keras.Sequential(layers + [keras.layers.Dense(N_CLASSES)])


def loss_fn() -> keras.losses.Loss:
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def rate(stamps: list[float], epochs: int) -> float:
    """Samples/s between the end of the warm-up epoch and the end of the last epoch."""
    return epochs * N_SAMPLES / (stamps[-1] - stamps[0])


def run_keras(case: str, x, y, epochs: int, batch_size: int) -> float:
    model = build_model(case)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss_fn(),
                  metrics=["accuracy"], jit_compile=False)  # fmt: skip
    stamps: list[float] = []
    stamp = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda *_: stamps.append(time.perf_counter())
    )
    model.fit(x, y, batch_size=batch_size, epochs=1 + epochs, shuffle=True, verbose=0,
              callbacks=[stamp])  # fmt: skip
    return rate(stamps, epochs)


def run_ours(case: str, x, y, epochs: int, batch_size: int) -> float:
    model = build_model(case)
    stamps: list[float] = []
    training.fit(model, x, y, loss=loss_fn(), optimizer=keras.optimizers.Adam(1e-3),
                 epochs=1 + epochs, batch_size=batch_size, metrics=("accuracy",), shuffle=True,
                 verbose=False, callbacks=[lambda *_: stamps.append(time.perf_counter())])  # fmt: skip
    return rate(stamps, epochs)


def benchmark(case: str, repeats: int, epochs: int, batch_size: int) -> dict:
    """Median samples/s of both loops on ``case`` over ``repeats`` alternating runs."""
    x, y = make_data(case)
    runs: dict[str, list[float]] = {"keras": [], "course_lib": []}
    for repeat in range(repeats):
        order = [("keras", run_keras), ("course_lib", run_ours)]
        for name, run in order if repeat % 2 == 0 else order[::-1]:
            keras.backend.clear_session()
            runs[name].append(run(case, x, y, epochs, batch_size))
    medians = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "case": case,
        "keras_samples_per_s": round(medians["keras"]),
        "course_lib_samples_per_s": round(medians["course_lib"]),
        "ratio_ours_over_keras": round(medians["course_lib"] / medians["keras"], 2),
        "runs": {name: [round(v) for v in values] for name, values in runs.items()},
    }


def environment() -> dict:
    """Versions and devices this benchmark ran with."""
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "cpus": os.cpu_count(),
        "devices": [d.device_type for d in tf.config.list_logical_devices()],
        "machine": platform.machine(),
    }


def run(
    repeats: int = 5, epochs: int = 3, batch_size: int = 32, cases: tuple[str, ...] = CASES
) -> dict:
    """Benchmark every case; return the results as JSON-able data (what ``--json`` writes)."""
    rows = [benchmark(case, repeats, epochs, batch_size) for case in cases]
    return {
        "benchmark": "train_loop",
        "config": {
            "repeats": repeats,
            "epochs": epochs,
            "batch_size": batch_size,
            "n_samples": N_SAMPLES,
        },
        "environment": environment(),
        "results": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after the warm-up")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cases", nargs="*", choices=CASES, default=list(CASES))
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    result = run(args.repeats, args.epochs, args.batch_size, tuple(args.cases))

    print(f"{'case':<8}{'keras samples/s':>18}{'course_lib samples/s':>23}{'ours/keras':>12}")
    for row in result["results"]:
        print(f"{row['case']:<8}{row['keras_samples_per_s']:>18,}"
              f"{row['course_lib_samples_per_s']:>23,}{row['ratio_ours_over_keras']:>12.2f}")  # fmt: skip
    print(f"(median of {args.repeats} runs, {args.epochs} timed epochs each, "
          f"batch {args.batch_size}, n={N_SAMPLES})")  # fmt: skip
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
