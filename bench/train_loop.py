"""Training throughput of course_lib.training.fit against keras.Model.fit (samples/s).

    python bench/train_loop.py [--repeats 5] [--epochs 3] [--batch-size 32] [--json PATH]

Every loop trains the same architecture from the same initial weights on the same random
data, with Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True), the accuracy
metric, shuffling and no progress output. ``Model.fit`` runs at three settings: Keras's
default (one batch per call into TensorFlow), ``steps_per_execution`` set to the batches
in an epoch (one call per epoch, as course_lib's loop does), and that with
``jit_compile=True`` (XLA); course_lib's loop runs without and with its ``jit_compile``
(XLA compiles each step; the epoch's loop stays a TensorFlow while loop). Each run trains
1 + ``epochs`` epochs; the first (tracing, graph optimization, XLA compilation) is
excluded and the rate is taken between the end of epoch 1 and the end of the last epoch,
stamped by a per-epoch callback in every loop. Runs rotate which loop goes first; the table
shows the median over repeats and the ratio of course_lib's best median to the best
``fit``'s (> 1: course_lib is faster).

Cases: (a) an MLP 40-100-100-10 (ReLU) on MNIST-1D-shaped data (4000, 40); (b) a 1-D CNN,
three Conv1D(25, 5, ReLU) then Flatten and Dense(10), on (4000, 40, 1) (unit05); (c) a
recurrent model, GRU(32) over 20 steps of 2 values then Dense(10), as unit10's capstone
GRU (unit08).
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
CASES = ("mlp", "cnn1d", "gru")
# Model.fit's settings: name -> (steps_per_execution, jit_compile); None = batches per epoch.
FIT_SETTINGS = {"fit": (1, False), "fit_spe": (None, False), "fit_spe_jit": (None, True)}
# course_lib.training.fit's settings: name -> jit_compile.
OUR_SETTINGS = {"course_lib": False, "course_lib_jit": True}


def make_data(case: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random float32 inputs (4000, 40), (4000, 40, 1) or (4000, 20, 2); labels in 0..9."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_SAMPLES, N_FEATURES)).astype("float32")
    y = rng.integers(0, N_CLASSES, size=N_SAMPLES).astype("int64")
    shapes = {"mlp": (N_FEATURES,), "cnn1d": (N_FEATURES, 1), "gru": (N_FEATURES // 2, 2)}
    return x.reshape((N_SAMPLES, *shapes[case])), y


def build_model(case: str, seed: int = 0) -> keras.Model:
    """The benchmark architecture, with weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    if case == "mlp":
        layers = [keras.Input((N_FEATURES,))]
        layers += [keras.layers.Dense(100, activation="relu") for _ in range(2)]
    elif case == "cnn1d":
        layers = [keras.Input((N_FEATURES, 1))]
        layers += [keras.layers.Conv1D(25, 5, activation="relu") for _ in range(3)]
        layers += [keras.layers.Flatten()]
    else:
        layers = [keras.Input((N_FEATURES // 2, 2)), keras.layers.GRU(32)]
    return keras.Sequential(layers + [keras.layers.Dense(N_CLASSES)])


def loss_fn() -> keras.losses.Loss:
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def rate(stamps: list[float], epochs: int) -> float:
    """Samples/s between the end of the warm-up epoch and the end of the last epoch."""
    return epochs * N_SAMPLES / (stamps[-1] - stamps[0])


def run_keras(case: str, x, y, epochs: int, batch_size: int, setting: str = "fit") -> float:
    steps, jit = FIT_SETTINGS[setting]
    model = build_model(case)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss_fn(), metrics=["accuracy"],
                  steps_per_execution=steps or -(-len(x) // batch_size), jit_compile=jit)  # fmt: skip
    stamps: list[float] = []
    stamp = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda *_: stamps.append(time.perf_counter())
    )
    model.fit(x, y, batch_size=batch_size, epochs=1 + epochs, shuffle=True, verbose=0,
              callbacks=[stamp])  # fmt: skip
    return rate(stamps, epochs)


def run_ours(case: str, x, y, epochs: int, batch_size: int, jit: bool = False) -> float:
    model = build_model(case)
    stamps: list[float] = []
    training.fit(model, x, y, loss=loss_fn(), optimizer=keras.optimizers.Adam(1e-3),
                 epochs=1 + epochs, batch_size=batch_size, metrics=("accuracy",), shuffle=True,
                 verbose=False, callbacks=[lambda *_: stamps.append(time.perf_counter())],
                 jit_compile=jit)  # fmt: skip
    return rate(stamps, epochs)


def benchmark(case: str, repeats: int, epochs: int, batch_size: int) -> dict:
    """Median samples/s of every loop on ``case`` over ``repeats`` rotating runs."""
    x, y = make_data(case)
    loops = [*FIT_SETTINGS, *OUR_SETTINGS]
    runs: dict[str, list[float]] = {name: [] for name in loops}
    for repeat in range(repeats):
        shift = repeat % len(loops)
        for name in loops[shift:] + loops[:shift]:
            keras.backend.clear_session()
            if name in OUR_SETTINGS:
                runs[name].append(run_ours(case, x, y, epochs, batch_size, OUR_SETTINGS[name]))
            else:
                runs[name].append(run_keras(case, x, y, epochs, batch_size, name))
    medians = {name: statistics.median(values) for name, values in runs.items()}
    best = max(FIT_SETTINGS, key=medians.__getitem__)
    ours = max(OUR_SETTINGS, key=medians.__getitem__)
    return {
        "case": case,
        "samples_per_s": {name: round(value) for name, value in medians.items()},
        "best_fit": best,
        "best_course_lib": ours,
        "keras_samples_per_s": round(medians[best]),
        "course_lib_samples_per_s": round(medians[ours]),
        "ratio_ours_over_keras": round(medians[ours] / medians[best], 2),
        "ratio_ours_over_default_fit": round(medians["course_lib"] / medians["fit"], 2),
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

    loops = [*FIT_SETTINGS, *OUR_SETTINGS]
    print(f"{'case':<8}" + "".join(f"{name:>14}" for name in loops) + f"{'ours/best fit':>15}")
    for row in result["results"]:
        rates = "".join(f"{row['samples_per_s'][name]:>14,}" for name in loops)
        print(f"{row['case']:<8}{rates}{row['ratio_ours_over_keras']:>15.2f}")
    print(f"(median of {args.repeats} runs, {args.epochs} timed epochs each, "
          f"batch {args.batch_size}, n={N_SAMPLES})")  # fmt: skip
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
