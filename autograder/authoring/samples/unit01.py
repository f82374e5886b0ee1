"""Planted mistakes for unit01 (machine learning introduction) and the demo's roles.

Most mistakes pass the visible checks and lose part of a cell in the hidden ones, the way a
student's plausible bug would; a few are caught by the visible checks and score 0.
Scores are ``points × passed / total`` over a cell's hidden checks (4 decimals).
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- confusion matrix (2 points, 6 checks) -------------------------------------
    Mutant(
        name="cm_classes_from_y_true_only",
        cell="unit01_confusion_matrix_impl",
        find="int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1",
        replace="int(y_true.max(initial=-1)) + 1",
        expected={"unit01_confusion_matrix": 1.6},
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
    # --- accuracy (1 point, 4 checks and a gate) ------------------------------------------------
    Mutant(
        name="accuracy_without_asarray",
        cell="unit01_accuracy_impl",
        # With lists, y_true == y_pred compares the whole lists: one bool.
        find="y_true = np.asarray(y_true)\n    y_pred = np.asarray(y_pred)\n    return",
        replace="return",
        expected={"unit01_accuracy": 0.75},
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
    # --- precision / recall / F1 (4 points, 9 checks) --------------------------------
    Mutant(
        name="prf_zero_division_gives_one",
        cell="unit01_precision_recall_f1_impl",
        find="out=np.zeros_like(num)",
        replace="out=np.ones_like(num)",
        expected={"unit01_precision_recall_f1": 2.0},
        message="a ratio with a zero denominator counts as 0",
    ),
    Mutant(
        name="prf_precision_recall_swapped",
        cell="unit01_precision_recall_f1_impl",
        find="precision = divide(tp, predicted)\n    recall = divide(tp, actual)",
        replace="precision = divide(tp, actual)\n    recall = divide(tp, predicted)",
        expected={"unit01_precision_recall_f1": 1.0},  # the visible binary check catches it
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
    # --- train/dev/test split (2 points, 11 checks) -----------------------------------
    Mutant(
        name="split_floor_rounding",
        cell="unit01_train_dev_test_split_impl",
        find="n_test = math.ceil(test_fraction * n)",
        replace="n_test = int(test_fraction * n)",
        expected={"unit01_train_dev_test_split": 1.6364},
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
        expected={"unit01_train_dev_test_split": 1.6364},
        message="overlap",
    ),
    Mutant(
        name="split_seed_ignored",
        cell="unit01_train_dev_test_split_impl",
        find="np.random.default_rng(seed).permutation(n)",
        replace="np.random.default_rng(0).permutation(n)",
        expected={"unit01_train_dev_test_split": 1.8182},
        message="the seed must drive the shuffle",
    ),
    # --- stratified k-fold (3 points, 11 checks) --------------------------------------
    Mutant(
        name="kfold_train_includes_dev",
        cell="unit01_stratified_kfold_impl",
        find="train_idx = np.flatnonzero(fold_of != i)",
        replace="train_idx = np.arange(len(y))",
        expected={"unit01_stratified_kfold": 1.6364},
        message="of its own dev rows",
    ),
    Mutant(
        name="kfold_restart_each_class",
        cell="unit01_stratified_kfold_impl",
        # Still stratified, but every class starts dealing at fold 0: the first folds
        # collect all the remainders and the fold sizes drift apart.
        find="(position + np.arange(len(members))) % k",
        replace="np.arange(len(members)) % k",
        expected={"unit01_stratified_kfold": 2.1818},
        message="dev-fold sizes",
    ),
    Mutant(
        name="kfold_seed_ignored",
        cell="unit01_stratified_kfold_impl",
        find="rng = np.random.default_rng(seed)",
        replace="rng = np.random.default_rng(0)",
        expected={"unit01_stratified_kfold": 2.7273},
        message="the seed must drive the shuffle",
    ),
    # --- polynomial least squares (2 points, 8 checks) --------------------------------
    Mutant(
        name="poly_normal_equations",
        cell="unit01_polynomial_fit_impl",
        # Singular when degree + 1 > n, and squares the condition number otherwise.
        find="w, *_ = np.linalg.lstsq(phi, np.asarray(y, dtype=np.float64), rcond=None)",
        replace="w = np.linalg.solve(phi.T @ phi, phi.T @ np.asarray(y, dtype=np.float64))",
        expected={"unit01_polynomial_fit": 1.75},
        message="degree-10-through-8-points",
    ),
    # --- degree sweep (2 points, 4 checks) --------------------------------------------
    Mutant(
        name="sweep_dev_sum_not_mean",
        cell="unit01_degree_sweep_impl",
        find="dev_mse.append(np.mean(",
        replace="dev_mse.append(np.sum(",
        expected={"unit01_degree_sweep": 1.0},
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
    # --- baselines (3 points, 8 checks) -----------------------------------------------
    Mutant(
        name="majority_ties_by_first_seen",
        cell="unit01_baselines_impl",
        find="return int(np.argmax(np.bincount(np.asarray(y, dtype=np.int64))))",
        replace=(
            "from collections import Counter\n\n"
            "    return int(Counter(np.asarray(y).tolist()).most_common(1)[0][0])"
        ),
        expected={"unit01_baselines": 2.625},
        message="ties go to the smallest label",
    ),
    Mutant(
        name="centroid_median",
        cell="unit01_baselines_impl",
        find="x[y == c].mean(axis=0)",
        replace="np.median(x[y == c], axis=0)",
        expected={"unit01_baselines": 2.25},
        message="mean of class c",
    ),
    Mutant(
        name="centroid_manhattan_distance",
        cell="unit01_baselines_impl",
        find="distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)",
        replace="distances = np.abs(x[:, None, :] - centroids[None, :, :]).sum(axis=-1)",
        expected={"unit01_baselines": 2.25},
        message="Euclidean distances",
    ),
    Mutant(
        name="baseline_fit_on_50_rows",
        cell="unit01_baselines_impl",
        find="nearest_centroid_fit(x_digits_train, y_digits_train, n_classes=10)",
        replace="nearest_centroid_fit(x_digits_train[:50], y_digits_train[:50], n_classes=10)",
        expected={"unit01_baselines": 2.625},
        message="held-out digits test split",
    ),
    # --- softmax regression on digits (3 points, 2 checks) ----------------------------
    Mutant(
        name="digits_one_epoch",
        cell="unit01_digits_model_impl",
        find="validation_data=(x_digits_dev, y_digits_dev), epochs=20",
        replace="validation_data=(x_digits_dev, y_digits_dev), epochs=1",
        expected={"unit01_digits_model": 1.5},
        message="needs at least 0.9300",
    ),
]

DEMO = {"planted_bug": "prf_zero_division_gives_one", "weak_model": "digits_one_epoch"}
