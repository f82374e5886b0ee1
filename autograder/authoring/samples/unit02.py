"""Sample submissions for unit02: one planted mistake per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit02 DIR``. A mistake
a public check catches costs what that check's hidden twin (the same case) costs, and whatever
else it gets wrong, never the whole cell: every check of a cell runs and counts. The mistakes
the notebook's text warns about (huge logits, a sum for a mean, the last axis, float64, the
short last batch, the seed, a softmax in the Keras model) all fail a public check. The file
is a catalogue, one entry per planted mistake, so it runs past 300 lines. A mistake in
``softmax_regression_grads`` that changes the gradients also costs the training cell: its
checks compare ``train_softmax_regression`` with an independent reference run.
"""

from autograder.contract.notebook import Mutant

_GRADS_BY_HAND = """\
    dW = X.T @ dZ / n
    db = dZ.sum(axis=0) / n"""

_GRADS_BY_TAPE = """\
    W_var, b_var = tf.Variable(W), tf.Variable(b)
    with tf.GradientTape() as tape:
        logits = tf.matmul(X, W_var) + b_var
        tape_loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(Y_onehot, logits))
    dW, db = (g.numpy() for g in tape.gradient(tape_loss, [W_var, b_var]))"""

_STEP_BY_HAND = "_, dW, db = softmax_regression_grads(W, b, x[batch], Y[batch])"

_STEP_BY_TAPE = """\
W_var, b_var = tf.Variable(W), tf.Variable(b)
            with tf.GradientTape() as tape:
                logits = tf.matmul(x[batch], W_var) + b_var
                batch_loss = tf.reduce_mean(
                    tf.nn.softmax_cross_entropy_with_logits(Y[batch], logits)
                )
            dW, db = (g.numpy() for g in tape.gradient(batch_loss, [W_var, b_var]))"""

MUTANTS = [
    Mutant(
        name="sigmoid_overflows",
        cell="unit02_sigmoid_impl",
        find="return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        replace="return np.exp(z) / (1.0 + np.exp(z))",
        expected={"unit02_sigmoid": 1.1429},
        message="sigmoid at huge logits",
    ),
    Mutant(
        # Stable, but in float32 (Keras' default dtype): right to about 1e-7, which the
        # first public checks accept; the one at nine digits and the hidden ones do not.
        name="sigmoid_in_float32",
        cell="unit02_sigmoid_impl",
        find="z = np.asarray(z, dtype=np.float64)",
        replace="z = np.asarray(z, dtype=np.float32)",
        expected={"unit02_sigmoid": 0.8571},
        message="sigmoid of a (7,) input",
    ),
    Mutant(
        name="softmax_without_max_shift",
        cell="unit02_softmax_impl",
        find="e = np.exp(z - np.max(z, axis=-1, keepdims=True))",
        replace="e = np.exp(z)",
        expected={"unit02_softmax": 1.0},
        message="softmax at huge logits",
    ),
    Mutant(
        # The transpose idiom normalises one example and a batch of rows, but cannot
        # broadcast a (2, 3, 4) input (a public check has one: it stops there).
        name="softmax_transpose_idiom",
        cell="unit02_softmax_impl",
        find="return e / np.sum(e, axis=-1, keepdims=True)",
        replace="return (e.T / np.sum(e, axis=-1)).T",
        expected={"unit02_softmax": 1.5},
        message="calling softmax raised ValueError",
    ),
    Mutant(
        # The cross-entropy and the gradient reuse log_softmax, so their huge-logit checks
        # fail as well; moderate logits (and so the training) are unaffected.
        name="log_of_softmax",
        cell="unit02_log_softmax_impl",
        find="return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))",
        replace="return np.log(softmax(z))",
        expected={
            "unit02_log_softmax": 1.0,
            "unit02_categorical_cross_entropy": 0.8,
            "unit02_softmax_regression_grads": 2.6667,
        },
        message="log_softmax at huge logits",
    ),
    Mutant(
        # One example becomes a batch of one, then axis 1 is "the class axis": right for
        # (k,) and (n, k) inputs, the middle axis of a 3-D one (public and hidden checks).
        name="log_softmax_axis_1",
        cell="unit02_log_softmax_impl",
        find=(
            "shifted = z - np.max(z, axis=-1, keepdims=True)\n"
            "    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))"
        ),
        replace=(
            "z2 = np.atleast_2d(z)\n"
            "    shifted = z2 - np.max(z2, axis=1, keepdims=True)\n"
            "    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))\n"
            "    return log_p.reshape(z.shape)"
        ),
        expected={"unit02_log_softmax": 1.5},
        message="log_softmax of a (2, 3, 4) input",
    ),
    Mutant(
        name="bce_from_probabilities",
        cell="unit02_binary_cross_entropy_impl",
        find="losses = np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))",
        replace=(
            "p = 1.0 / (1.0 + np.exp(-z))\n"
            "    losses = -y * np.log(p) - (1.0 - y) * np.log(1.0 - p)"
        ),
        expected={"unit02_binary_cross_entropy": 0.8},
        message="binary_cross_entropy at huge logits",
    ),
    Mutant(
        # The stable formula without the abs: exact for z >= 0, wrong for every negative
        # logit, and inf at z = -1000 (the public huge-logit check).
        name="bce_missing_abs",
        cell="unit02_binary_cross_entropy_impl",
        find="np.log1p(np.exp(-np.abs(z)))",
        replace="np.log1p(np.exp(-z))",
        expected={"unit02_binary_cross_entropy": 0.0},
        message="binary_cross_entropy on 8 examples",
    ),
    Mutant(
        # Caught by the public check, so the whole cell scores 0.
        name="cce_sum_over_batch",
        cell="unit02_categorical_cross_entropy_impl",
        find="return np.mean(per_example)",
        replace="return np.sum(per_example)",
        expected={"unit02_categorical_cross_entropy": 0.0},
        message="CE at z = 0, k = 4",
    ),
    Mutant(
        # Fancy indexing without np.arange(n) picks every row's log-probabilities at every
        # label: an (n, n) block. Its mean is right when all rows are equal, as in the
        # public checks and their hidden twins, and wrong otherwise.
        name="cce_label_indexing",
        cell="unit02_categorical_cross_entropy_impl",
        find="per_example = -np.sum(y * log_softmax(logits), axis=-1)",
        replace="per_example = -log_softmax(logits)[:, np.argmax(y, axis=-1)]",
        expected={"unit02_categorical_cross_entropy": 0.4},
        message="categorical_cross_entropy on (6, 4) targets",
    ),
    Mutant(
        # The public finite-difference check of db catches it (and names the sign).
        # Training still reaches the accuracy (a wrong-signed bias step is absorbed by W),
        # but not the reference run of the algorithm.
        name="db_wrong_sign",
        cell="unit02_softmax_regression_grads_impl",
        find="db = dZ.sum(axis=0) / n",
        replace="db = (Y_onehot - np.exp(log_P)).sum(axis=0) / n",
        expected={"unit02_softmax_regression_grads": 1.3333, "unit02_gd_training": 1.0},
        message="db vs tf.GradientTape",
    ),
    Mutant(
        # Sums over the batch, then averages over the classes: divides by k, not n. The
        # first public case has n = k = 3; the huge-logit one (n = 1, k = 2) sees it. The
        # gradients are computed separately.
        name="loss_mean_over_classes",
        cell="unit02_softmax_regression_grads_impl",
        find="loss = -np.sum(Y_onehot * log_P) / n",
        replace="loss = -np.mean(np.sum(Y_onehot * log_P, axis=0))",
        expected={"unit02_softmax_regression_grads": 2.2222},
        message="loss (mean categorical cross-entropy, vs keras CategoricalCrossentropy)",
    ),
    Mutant(
        # Caught by the public closed-form check. Training still reaches the accuracy (the
        # missing 1/n only scales the W step by the batch size), not the reference run.
        name="dW_missing_mean",
        cell="unit02_softmax_regression_grads_impl",
        find="dW = X.T @ dZ / n",
        replace="dW = X.T @ dZ",
        expected={"unit02_softmax_regression_grads": 1.3333, "unit02_gd_training": 1.0},
        message="dW at W = 0, b = 0",
    ),
    Mutant(
        # Right values, forbidden tool: only the source check's share is lost.
        name="grads_by_gradient_tape",
        cell="unit02_softmax_regression_grads_impl",
        find=_GRADS_BY_HAND,
        replace=_GRADS_BY_TAPE,
        expected={"unit02_softmax_regression_grads": 0.0},
        message="uses GradientTape, which is not allowed here",
    ),
    Mutant(
        name="gd_steps_by_gradient_tape",
        cell="unit02_gd_training_impl",
        find=_STEP_BY_HAND,
        replace=_STEP_BY_TAPE,
        expected={"unit02_gd_training": 0.0},
        message="must compute its gradients by calling softmax_regression_grads",
    ),
    Mutant(
        # A barely trained model is a class-template matcher (about 0.9 test accuracy), so
        # it also disagrees with the well-trained Keras model. The function itself is right:
        # its reference runs pass.
        name="gd_tiny_learning_rate",
        cell="unit02_gd_training_impl",
        find="train_softmax_regression(x_train, y_train, epochs=20, learning_rate=0.5)",
        replace="train_softmax_regression(x_train, y_train, epochs=20, learning_rate=1e-4)",
        expected={"unit02_gd_training": 2.3333, "unit02_keras_model": 2.5},
        message="test accuracy of argmax(x @ W_gd + b_gd)",
    ),
    Mutant(
        name="keras_softmax_activation",
        cell="unit02_keras_model_impl",
        find="keras.layers.Dense(num_classes)",
        replace='keras.layers.Dense(num_classes, activation="softmax")',
        expected={"unit02_keras_model": 1.0},
        message="keras_model at midpoints",
    ),
    Mutant(
        name="keras_one_epoch",
        cell="unit02_keras_model_impl",
        find="train_keras_model(keras_model, x_train, y_train, epochs=20, learning_rate=0.5)",
        replace="train_keras_model(keras_model, x_train, y_train, epochs=1, learning_rate=1e-3)",
        expected={"unit02_keras_model": 1.0},
        message="keras_model test accuracy",
    ),
    # --- Mistakes the checks of the first version let through ------------------------------
    Mutant(
        # The identity sigmoid(z) = 1 - sigmoid(-z) (the public check's comment) on the
        # negative side: within 1e-16 of the truth, but 0 instead of 4e-18 at z = -40.
        name="sigmoid_one_minus_for_negatives",
        cell="unit02_sigmoid_impl",
        find="return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        replace="return np.where(z >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))",
        expected={"unit02_sigmoid": 1.7143},
        message="sigmoid of very negative logits",
    ),
    Mutant(
        # One shift for the whole array: exact while every row's maximum is near the
        # global one, 0 / 0 for a row far below it.
        name="softmax_global_max",
        cell="unit02_softmax_impl",
        find="e = np.exp(z - np.max(z, axis=-1, keepdims=True))",
        replace="e = np.exp(z - np.max(z))",
        expected={"unit02_softmax": 1.0},
        message="softmax at huge logits",
    ),
    Mutant(
        # .mean() already divides by n. The digits still train (the bias barely moves), so
        # only the gradient checks (the public one of db names the factor 1/n) and the
        # reference runs of the training see it.
        name="db_averaged_twice",
        cell="unit02_softmax_regression_grads_impl",
        find="db = dZ.sum(axis=0) / n",
        replace="db = dZ.mean(axis=0) / n",
        expected={"unit02_softmax_regression_grads": 1.3333, "unit02_gd_training": 1.0},
        message="b after one full-batch step",
    ),
    Mutant(
        # Softmax regression without its bias still reaches 0.95 on the digits; the public
        # one-step check sees b = 0.
        name="gd_bias_never_updated",
        cell="unit02_gd_training_impl",
        find="            b = b - learning_rate * db\n",
        replace="",
        expected={"unit02_gd_training": 1.0},
        message="b is still 0",
    ),
    Mutant(
        # One permutation for all epochs: every epoch visits the same batches.
        name="gd_permutation_once",
        cell="unit02_gd_training_impl",
        find="for _ in range(epochs):\n        order = shuffler.permutation(n)",
        replace="order = shuffler.permutation(n)\n    for _ in range(epochs):",
        expected={"unit02_gd_training": 2.0},
        message="W after mini-batch training (n45_batch8)",
    ),
    Mutant(
        # The short last batch is skipped: 30 of the 1438 digits sit out each epoch.
        name="gd_drops_last_batch",
        cell="unit02_gd_training_impl",
        find="for start in range(0, n, batch_size):",
        replace="for start in range(0, n - batch_size + 1, batch_size):",
        expected={"unit02_gd_training": 2.3333},
        message="after mini-batch training (n45_batch8)",
    ),
    Mutant(
        # n // batch_size + 1 batches: right for 1438 digits in batches of 32, one empty
        # batch (a 0 / 0 gradient) whenever batch_size divides n, as in a full-batch step.
        name="gd_empty_last_batch",
        cell="unit02_gd_training_impl",
        find=(
            "for start in range(0, n, batch_size):\n"
            "            batch = order[start : start + batch_size]"
        ),
        replace=(
            "for i in range(n // batch_size + 1):\n"
            "            batch = order[i * batch_size : (i + 1) * batch_size]"
        ),
        expected={"unit02_gd_training": 1.3333},
        message="after mini-batch training (n40_batch8)",
    ),
    Mutant(
        # The notebook's own call uses seed 0, so a hard-coded 0 changes nothing there; the
        # public check with seeds 1 and 2 sees it.
        name="gd_ignores_seed",
        cell="unit02_gd_training_impl",
        find="shuffler = np.random.default_rng(seed)",
        replace="shuffler = np.random.default_rng(0)",
        expected={"unit02_gd_training": 2.0},
        message="after mini-batch training (n40_batch8)",
    ),
    Mutant(
        # Adam at the same learning rate is as accurate and agrees on 98% of the test
        # images, but it is not the algorithm of section 7.
        name="keras_adam",
        cell="unit02_keras_model_impl",
        find="optimizer=keras.optimizers.SGD(learning_rate=learning_rate),",
        replace="optimizer=keras.optimizers.Adam(learning_rate=learning_rate),",
        expected={"unit02_keras_model": 2.5},
        message="from those of a reference run",
    ),
    Mutant(
        name="keras_no_bias",
        cell="unit02_keras_model_impl",
        find="keras.layers.Dense(num_classes)",
        replace="keras.layers.Dense(num_classes, use_bias=False)",
        expected={"unit02_keras_model": 2.5},
        message="the Dense layer must have its bias",
    ),
]

DEMO = {"planted_bug": "db_wrong_sign", "weak_model": "gd_tiny_learning_rate"}
