"""Planted mistakes for unit01 (machine learning introduction) and the demo's roles.

A mistake the notebook's text warns about (zero division, ties, rounding, the seed, a wrong
distance, ...) fails a visible check, whose hidden twin (the same case) it costs along with
whatever else it gets wrong; the others pass the visible checks and lose part of a cell in
the hidden ones, the way a student's plausible bug would. Every check of a cell runs and
counts. Scores are ``points × passed / total`` over a cell's hidden checks (4 decimals).
The file is long because it is a catalogue: one entry per planted mistake, each with the
comment that says why a student would write it.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- confusion matrix (2 points, 7 checks and a gate) --------------------------
    Mutant(
        name="cm_classes_from_y_true_only",
        cell="unit01_confusion_matrix_impl",
        find="int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1",
        replace="int(y_true.max(initial=-1)) + 1",
        expected={"unit01_confusion_matrix": 1.4286},
        message="IndexError",
    ),
    Mutant(
        name="cm_calls_sklearn",
        cell="unit01_confusion_matrix_impl",
        find=(
            "counts = np.zeros((n_classes, n_classes), dtype=np.int64)\n"
            "    np.add.at(counts, (y_true, y_pred), 1)\n"
            "    return counts"
        ),
        replace=(
            "import sklearn.metrics\n\n"
            "    return sklearn.metrics.confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))"
        ),
        # precision_recall_f1 calls confusion_matrix, so it uses sklearn too.
        expected={"unit01_confusion_matrix": 0.0, "unit01_precision_recall_f1": 0.0},
        message="not allowed here",
    ),
    Mutant(
        # k computed before looking at n_classes: max() of an empty array raises even
        # when the caller says how many classes there are.
        name="cm_max_of_empty_labels",
        cell="unit01_confusion_matrix_impl",
        find=(
            "if n_classes is None:\n"
            "        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1"
        ),
        replace=(
            "k = int(max(y_true.max(), y_pred.max())) + 1\n"
            "    if n_classes is None:\n"
            "        n_classes = k"
        ),
        expected={"unit01_confusion_matrix": 1.7143},
        message="zero-size array",
    ),
    # --- accuracy (1 point, 5 checks and a gate) ------------------------------------------------
    Mutant(
        name="accuracy_without_asarray",
        cell="unit01_accuracy_impl",
        # With lists, y_true == y_pred compares the whole lists: one bool.
        find="y_true = np.asarray(y_true)\n    y_pred = np.asarray(y_pred)\n    return",
        replace="return",
        expected={"unit01_accuracy": 0.6},
        message="python-lists",
    ),
    Mutant(
        # The error rate instead of the accuracy: 1 - accuracy, right only at 0.5.
        name="accuracy_counts_errors",
        cell="unit01_accuracy_impl",
        find="y_true == y_pred",
        replace="y_true != y_pred",
        expected={"unit01_accuracy": 0.0},
        message="accuracy on all-correct",
    ),
    Mutant(
        name="accuracy_calls_sklearn",
        cell="unit01_accuracy_impl",
        find="return float(np.mean(y_true == y_pred))",
        replace="from sklearn.metrics import accuracy_score\n\n    return float(accuracy_score(y_true, y_pred))",
        expected={"unit01_accuracy": 0.0},
        message="not allowed here",
    ),
    # --- precision / recall / F1 (4 points, 14 checks and a gate) --------------------
    Mutant(
        name="prf_zero_division_gives_one",
        cell="unit01_precision_recall_f1_impl",
        find="out=np.zeros_like(num)",
        replace="out=np.ones_like(num)",
        expected={"unit01_precision_recall_f1": 1.7143},
        message="a ratio with a zero denominator counts as 0",
    ),
    Mutant(
        name="prf_precision_recall_swapped",
        cell="unit01_precision_recall_f1_impl",
        find="precision = divide(tp, predicted)\n    recall = divide(tp, actual)",
        replace="precision = divide(tp, actual)\n    recall = divide(tp, predicted)",
        expected={"unit01_precision_recall_f1": 1.7143},  # the visible binary check catches it
        message="binary (precision, recall, f1)",
    ),
    Mutant(
        name="prf_calls_sklearn",
        cell="unit01_precision_recall_f1_impl",
        find="cm = confusion_matrix(y_true, y_pred, n_classes=k)",
        replace=(
            "import sklearn.metrics\n\n"
            "    cm = sklearn.metrics.confusion_matrix(y_true, y_pred, labels=np.arange(k))"
        ),
        expected={"unit01_precision_recall_f1": 0.0},
        message="not allowed here",
    ),
    Mutant(
        # Any average other than "binary" and "macro" falls through to the per-class
        # scores instead of raising the documented ValueError.
        name="prf_unknown_average_falls_through",
        cell="unit01_precision_recall_f1_impl",
        find=(
            "if average is None:\n"
            "        return precision, recall, f1\n"
            "    raise ValueError(f\"average must be 'binary', 'macro' or None, got {average!r}\")"
        ),
        replace="return precision, recall, f1",
        expected={"unit01_precision_recall_f1": 3.4286},
        message="expected a ValueError",
    ),
    Mutant(
        # k from the labels alone: a batch without any positive has k = 1, and
        # precision[pos_label] is out of range.
        name="prf_binary_k_ignores_pos_label",
        cell="unit01_precision_recall_f1_impl",
        find='        if average == "binary":\n            k = max(k, pos_label + 1)\n',
        replace="",
        expected={"unit01_precision_recall_f1": 3.7143},
        message="zero-division-no-positive-anywhere",
    ),
    Mutant(
        # Macro average over the classes that appear somewhere, as if an absent class
        # did not count.
        name="prf_macro_skips_absent_classes",
        cell="unit01_precision_recall_f1_impl",
        find="return float(precision.mean()), float(recall.mean()), float(f1.mean())",
        replace=(
            "seen = (predicted + actual) > 0\n"
            "        return float(precision[seen].mean()), float(recall[seen].mean()), "
            "float(f1[seen].mean())"
        ),
        expected={"unit01_precision_recall_f1": 3.4286},
        message="zero-division-class-2-nowhere-macro",
    ),
    Mutant(
        # Macro F1 as the harmonic mean of macro precision and macro recall, not the
        # mean of the per-class F1 scores (the visible macro check over k = 4 sees it).
        name="prf_macro_f1_from_macro_scores",
        cell="unit01_precision_recall_f1_impl",
        find="return float(precision.mean()), float(recall.mean()), float(f1.mean())",
        replace=(
            "p, r = float(precision.mean()), float(recall.mean())\n"
            "        return p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0"
        ),
        expected={"unit01_precision_recall_f1": 2.8571},
        message="macro-4-classes",
    ),
    # --- train/dev/test split (2 points, 15 checks) -----------------------------------
    Mutant(
        name="split_floor_rounding",
        cell="unit01_train_dev_test_split_impl",
        find="n_test = math.ceil(test_fraction * n)",
        replace="n_test = int(test_fraction * n)",
        expected={"unit01_train_dev_test_split": 1.4667},
        message="sizes",
    ),
    Mutant(
        name="split_minus_zero_slice",
        cell="unit01_train_dev_test_split_impl",
        # Held-out parts taken from the end: order[-0:] is the whole array, not nothing.
        find=(
            "test_idx = order[:n_test]\n"
            "    dev_idx = order[n_test : n_test + n_dev]\n"
            "    train_idx = order[n_test + n_dev :]"
        ),
        replace=(
            "train_idx = order[: n - n_dev - n_test]\n"
            "    dev_idx = order[n - n_dev - n_test : n - n_test]\n"
            "    test_idx = order[-n_test:]"
        ),
        expected={"unit01_train_dev_test_split": 1.7333},
        message="overlap",
    ),
    Mutant(
        name="split_seed_ignored",
        cell="unit01_train_dev_test_split_impl",
        find="np.random.default_rng(seed).permutation(n)",
        replace="np.random.default_rng(0).permutation(n)",
        expected={"unit01_train_dev_test_split": 1.7333},
        message="the seed must drive the shuffle",
    ),
    Mutant(
        # Off by one at the boundary: held-out parts that take every row leave an empty
        # training part instead of raising.
        name="split_allows_empty_train",
        cell="unit01_train_dev_test_split_impl",
        find="if n_test + n_dev >= n:",
        replace="if n_test + n_dev > n:",
        expected={"unit01_train_dev_test_split": 1.7333},
        message="expected a ValueError",
    ),
    Mutant(
        # The guard tests the fractions, but the row counts are rounded up: 0.35 + 0.55
        # of 10 rows leaves nothing for training.
        name="split_guard_on_fractions",
        cell="unit01_train_dev_test_split_impl",
        find="if n_test + n_dev >= n:",
        replace="if dev_fraction + test_fraction >= 1:",
        expected={"unit01_train_dev_test_split": 1.8667},
        message="rounding-takes-the-rest",
    ),
    # --- stratified k-fold (3 points, 17 checks) --------------------------------------
    Mutant(
        name="kfold_train_includes_dev",
        cell="unit01_stratified_kfold_impl",
        find="train_idx = np.flatnonzero(fold_of != i)",
        replace="train_idx = np.arange(len(y))",
        expected={"unit01_stratified_kfold": 1.5882},
        message="of its own dev rows",
    ),
    Mutant(
        name="kfold_restart_each_class",
        cell="unit01_stratified_kfold_impl",
        # Still stratified, but every class starts dealing at fold 0: the first folds
        # collect all the remainders and the fold sizes drift apart.
        find="(position + np.arange(len(members))) % k",
        replace="np.arange(len(members)) % k",
        expected={"unit01_stratified_kfold": 2.1176},
        message="dev-fold sizes",
    ),
    Mutant(
        name="kfold_seed_ignored",
        cell="unit01_stratified_kfold_impl",
        find="rng = np.random.default_rng(seed)",
        replace="rng = np.random.default_rng(0)",
        expected={"unit01_stratified_kfold": 2.6471},
        message="the seed must drive the shuffle",
    ),
    Mutant(
        # Classes taken as 0 .. max(y): a negative label is never dealt, its rows all
        # stay in fold 0.
        name="kfold_classes_from_range",
        cell="unit01_stratified_kfold_impl",
        find=(
            "fold_of = np.empty(len(y), dtype=np.int64)\n"
            "    position = 0\n"
            "    for label in np.unique(y):"
        ),
        replace=(
            "fold_of = np.zeros(len(y), dtype=np.int64)\n"
            "    position = 0\n"
            "    for label in range(int(y.max()) + 1):"
        ),
        expected={"unit01_stratified_kfold": 2.6471},
        message="labels-minus-1-3-100-k4",
    ),
    # --- polynomial least squares (2 points, 10 checks) -------------------------------
    Mutant(
        name="poly_normal_equations",
        cell="unit01_polynomial_fit_impl",
        # Singular when degree + 1 > n, and squares the condition number otherwise.
        find="w, *_ = np.linalg.lstsq(phi, np.asarray(y, dtype=np.float64), rcond=None)",
        replace="w = np.linalg.solve(phi.T @ phi, phi.T @ np.asarray(y, dtype=np.float64))",
        expected={"unit01_polynomial_fit": 1.6},
        message="degree-10-through-8-points",
    ),
    Mutant(
        # No np.asarray: x[:, None] fails on a list, which only the visible check and its
        # hidden twin pass.
        name="poly_features_need_an_array",
        cell="unit01_polynomial_fit_impl",
        find=(
            "x = np.asarray(x, dtype=np.float64)\n    return x[:, None] ** np.arange(degree + 1)"
        ),
        replace="return x[:, None] ** np.arange(degree + 1)",
        expected={"unit01_polynomial_fit": 1.8},
        message="list indices must be integers",
    ),
    # --- degree sweep (2 points, 5 checks) --------------------------------------------
    Mutant(
        name="sweep_dev_sum_not_mean",
        cell="unit01_degree_sweep_impl",
        find="dev_mse.append(np.mean(",
        replace="dev_mse.append(np.sum(",
        expected={"unit01_degree_sweep": 0.8},
        message="dev_mse",
    ),
    # --- chosen degree (2 points, 2 checks) -------------------------------------------
    Mutant(
        name="degree_chosen_by_training_error",
        cell="unit01_chosen_degree_impl",
        find="np.argmin(dev_mse)",
        replace="np.argmin(train_mse)",
        expected={"unit01_chosen_degree": 0.0},
        message="by the dev error",
    ),
    Mutant(
        # The position of the smallest dev error, not its degree: off by one, as the
        # degrees start at 1.
        name="degree_index_not_degree",
        cell="unit01_chosen_degree_impl",
        find="chosen_degree = int(degrees[np.argmin(dev_mse)])",
        replace="chosen_degree = int(np.argmin(dev_mse))",
        expected={"unit01_chosen_degree": 0.0},
        message="your smallest dev error is at degree",
    ),
    # --- baselines (3 points, 11 checks) ----------------------------------------------
    Mutant(
        name="majority_ties_by_first_seen",
        cell="unit01_baselines_impl",
        find="return int(np.argmax(np.bincount(np.asarray(y, dtype=np.int64))))",
        replace=(
            "from collections import Counter\n\n"
            "    return int(Counter(np.asarray(y).tolist()).most_common(1)[0][0])"
        ),
        expected={"unit01_baselines": 2.7273},
        message="ties go to the smallest label",
    ),
    Mutant(
        name="centroid_median",
        cell="unit01_baselines_impl",
        find="x[y == c].mean(axis=0)",
        replace="np.median(x[y == c], axis=0)",
        expected={"unit01_baselines": 2.4545},
        message="mean of class c",
    ),
    Mutant(
        name="centroid_manhattan_distance",
        cell="unit01_baselines_impl",
        find="distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)",
        replace="distances = np.abs(x[:, None, :] - centroids[None, :, :]).sum(axis=-1)",
        expected={"unit01_baselines": 2.1818},
        message="Euclidean distances",
    ),
    Mutant(
        name="baseline_fit_on_50_rows",
        cell="unit01_baselines_impl",
        find="nearest_centroid_fit(x_digits_train, y_digits_train, n_classes=10)",
        replace="nearest_centroid_fit(x_digits_train[:50], y_digits_train[:50], n_classes=10)",
        expected={"unit01_baselines": 2.1818},
        message="held-out digits test split",
    ),
    Mutant(
        # The baseline fitted on all labelled rows, dev included: the test accuracy is
        # as good, the dev accuracy printed below it is no longer honest.
        name="baseline_fit_on_train_and_dev",
        cell="unit01_baselines_impl",
        find="nearest_centroid_fit(x_digits_train, y_digits_train, n_classes=10)",
        replace="nearest_centroid_fit(x_digits, y_digits, n_classes=10)",
        expected={"unit01_baselines": 2.4545},
        message="fit the baseline on the training part only",
    ),
    # --- softmax regression on digits (3 points, 3 checks) ----------------------------
    Mutant(
        name="digits_one_epoch",
        cell="unit01_digits_model_impl",
        find="validation_data=(x_digits_dev, y_digits_dev), epochs=20",
        replace="validation_data=(x_digits_dev, y_digits_dev), epochs=1",
        expected={"unit01_digits_model": 1.0},
        message="needs at least 0.9300",
    ),
    Mutant(
        # Adam without the learning rate: Keras' default 0.001 still clears 0.93.
        name="digits_adam_default_step",
        cell="unit01_digits_model_impl",
        find="optimizer=keras.optimizers.Adam(learning_rate),",
        replace="optimizer=keras.optimizers.Adam(),",
        expected={"unit01_digits_model": 2.0},
        message="vs the spec's run",
    ),
    Mutant(
        # Trained on every labelled row, dev included: as accurate on the test split,
        # but the dev accuracy it prints is no longer an estimate.
        name="digits_trained_on_train_and_dev",
        cell="unit01_digits_model_impl",
        find="digits_model, digits_history = train_digits_model(\n    x_digits_train, y_digits_train,",
        replace="digits_model, digits_history = train_digits_model(\n    x_digits, y_digits,",
        expected={"unit01_digits_model": 2.0},
        message="vs the spec's run",
    ),
]

DEMO = {"planted_bug": "prf_zero_division_gives_one", "weak_model": "digits_one_epoch"}
