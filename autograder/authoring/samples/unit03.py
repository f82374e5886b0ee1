"""Sample submissions for unit03: one planted mistake per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit03 DIR``. Mistakes that
make a public check fail cost the whole cell (nbgrader scores a cell that raises as 0). An
optimizer that is Keras' own (inherited) earns nothing for matching Keras, so those
mutants lose the whole cell through the hidden checks. The experiment uses the five
optimizer classes, but none of the optimizer mistakes moves its final losses past the
thresholds, so the experiment cell keeps full marks for them.

The file is longer than most because it is a catalogue, one entry per planted mistake:
besides the classic ones it holds the mistakes that final results miss (an algorithm's
steps, spec edge cases, exact branches, the experiment's setup), each of which needs its
own entry to prove that a check sees it.
"""

from autograder.contract.notebook import Mutant

_MOMENTUM_INIT = """\
class ScratchMomentum(ScratchOptimizer):
    \"\"\"Gradient descent with momentum, in Keras' form: m <- beta m - lr g; x <- x + m.\"\"\"

    slots = ("velocity",)

    def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)"""

_NESTEROV_INIT = """\
class ScratchNesterov(ScratchOptimizer):
    \"\"\"Nesterov momentum in Keras' form: m <- beta m - lr g; x <- x + beta m - lr g.\"\"\"

    slots = ("velocity",)

    def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)"""

_NESTEROV_UPDATE = """\
        self.assign(velocity, self.momentum * velocity - learning_rate * gradient)
        self.assign_add(variable, self.momentum * velocity - learning_rate * gradient)"""

_BFGS_FIRST_LINE = """\
    p = make_problem(problem)
    x = np.asarray(x0, dtype=np.float64).copy()"""

# The body of bfgs's loop, for mistakes in how it loops and counts.
_BFGS_LOOP = """\
    while np.linalg.norm(g) > gtol and nit < max_iter:
        direction = -H @ g
        alpha = backtracking_line_search(p, x, direction)
        s = alpha * direction
        x_new = x + s
        g_new = p.grad(x_new)
        y = g_new - g
        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):  # curvature condition
            if not scaled:
                H = (y @ s) / (y @ y) * np.eye(x.size)
                scaled = True
            H = bfgs_update(H, s, y)
        x, g = x_new, g_new
        nit += 1"""

_BFGS_UPDATE_STEP = """\
        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):  # curvature condition
            if not scaled:
                H = (y @ s) / (y @ y) * np.eye(x.size)
                scaled = True
            H = bfgs_update(H, s, y)"""

_TRAIN_WITH_START = """\
    course_lib.seed_everything(seed)
    model = mlp.build_mlp(x.shape[1], hidden=(64,), n_outputs=10)"""

MUTANTS = [
    Mutant(
        # Reads the velocity but never stores the new one: momentum becomes plain SGD. The
        # first step (velocity 0) is right, so only the 100-step comparison sees it.
        name="momentum_forgets_velocity",
        cell="unit03_sgd_momentum_impl",
        find=(
            "        self.assign(velocity, self.momentum * velocity - learning_rate * gradient)\n"
            "        self.assign_add(variable, velocity)"
        ),
        replace=(
            "        new_velocity = self.momentum * velocity - learning_rate * gradient\n"
            "        self.assign_add(variable, new_velocity)"
        ),
        expected={"unit03_sgd_momentum": 1.0},
        message="ScratchMomentum(learning_rate=0.03125, momentum=0.875) vs keras.optimizers.SGD",
    ),
    Mutant(
        # Keras' SGD does the work; the class's own update is never called.
        name="momentum_inherits_keras_sgd",
        cell="unit03_sgd_momentum_impl",
        find=_MOMENTUM_INIT,
        replace=_MOMENTUM_INIT.replace("(ScratchOptimizer)", "(keras.optimizers.SGD)"),
        expected={"unit03_sgd_momentum": 1.0, "unit03_experiment": 0.0},
        message="ScratchMomentum must subclass ScratchOptimizer",
    ),
    Mutant(
        # The textbook rule x <- x + m with the gradient at the current point: without the
        # look-ahead this is plain momentum, and the first step is already not Keras'.
        name="nesterov_textbook_form",
        cell="unit03_nesterov_impl",
        find="        self.assign_add(variable, self.momentum * velocity - learning_rate * gradient)",
        replace="        self.assign_add(variable, velocity)",
        expected={"unit03_nesterov": 0.0},
        message="first ScratchNesterov step",
    ),
    Mutant(
        # Stores the applied step instead of the velocity: right first step, wrong after.
        name="nesterov_stores_step",
        cell="unit03_nesterov_impl",
        find=_NESTEROV_UPDATE,
        replace=(
            "        update = self.momentum * (self.momentum * velocity - learning_rate * gradient)"
            " - learning_rate * gradient\n"
            "        self.assign(velocity, update)\n"
            "        self.assign_add(variable, update)"
        ),
        expected={"unit03_nesterov": 0.0},
        message="first differing iterate: step 2",
    ),
    Mutant(
        name="nesterov_inherits_keras_sgd",
        cell="unit03_nesterov_impl",
        find=_NESTEROV_INIT,
        replace=_NESTEROV_INIT.replace("(ScratchOptimizer)", "(keras.optimizers.SGD)").replace(
            "learning_rate=learning_rate, **kwargs)",
            "learning_rate=learning_rate, nesterov=True, **kwargs)",
        ),
        expected={"unit03_nesterov": 0.0, "unit03_experiment": 0.0},
        message="ScratchNesterov must subclass ScratchOptimizer",
    ),
    Mutant(
        # sqrt(v) + eps instead of sqrt(v + eps): invisible with eps = 1e-7 in the public
        # first step, clear with the hidden checks' eps = 2^-6.
        name="rmsprop_epsilon_outside_sqrt",
        cell="unit03_rmsprop_impl",
        find="ops.sqrt(mean_square + self.epsilon)",
        replace="(ops.sqrt(mean_square) + self.epsilon)",
        expected={"unit03_rmsprop": 0.0},
        message="ScratchRMSprop(learning_rate=0.015625, rho=0.875, epsilon=0.015625) vs keras.optimizers.RMSprop",
    ),
    Mutant(
        name="rmsprop_inherits_keras",
        cell="unit03_rmsprop_impl",
        find="class ScratchRMSprop(ScratchOptimizer):",
        replace="class ScratchRMSprop(keras.optimizers.RMSprop):",
        expected={"unit03_rmsprop": 0.0, "unit03_experiment": 0.0},
        message="ScratchRMSprop must subclass ScratchOptimizer",
    ),
    Mutant(
        # The textbook form: epsilon added to sqrt(v_hat) rather than to sqrt(v).
        name="adam_textbook_epsilon",
        cell="unit03_adam_impl",
        find=(
            "        alpha = learning_rate * ops.sqrt(1.0 - self.beta_2**step) / (1.0 - self.beta_1**step)\n"
            "        self.assign_sub(variable, alpha * m / (ops.sqrt(v) + self.epsilon))"
        ),
        replace=(
            "        m_hat = m / (1.0 - self.beta_1**step)\n"
            "        v_hat = v / (1.0 - self.beta_2**step)\n"
            "        self.assign_sub(variable, learning_rate * m_hat / (ops.sqrt(v_hat) + self.epsilon))"
        ),
        expected={"unit03_adam": 0.0},
        message="ScratchAdam(learning_rate=0.03125, beta_1=0.75, beta_2=0.9921875, epsilon=0.015625) vs keras.optimizers.Adam",
    ),
    Mutant(
        # An aliased import hides the name Adam from the class line, not from the check.
        name="adam_inherits_aliased_keras_adam",
        cell="unit03_adam_impl",
        find="class ScratchAdam(ScratchOptimizer):",
        replace="from keras.optimizers import Adam as _KerasAdam\n\n\nclass ScratchAdam(_KerasAdam):",
        expected={"unit03_adam": 0.0, "unit03_experiment": 0.0},
        message="ScratchAdam must subclass ScratchOptimizer",
    ),
    Mutant(
        # The largest curvature along the coordinate axes is not the largest eigenvalue
        # (it is for the public diagonal matrix): the rate is too large for a rotated A.
        name="critical_rate_from_largest_diagonal",
        cell="unit03_gd_quadratic_impl",
        find="lam_max = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))[-1]",
        replace="lam_max = np.max(np.diag(np.asarray(A, dtype=np.float64)))",
        expected={"unit03_gd_quadratic": 1.2},
        message="critical_learning_rate of a symmetric",
    ),
    Mutant(
        # The gradient of x.A.x/2 - b.x with the wrong sign on b; the public checks use b = 0.
        name="gd_gradient_plus_b",
        cell="unit03_gd_quadratic_impl",
        find="x = x - lr * (A @ x - b)",
        replace="x = x - lr * (A @ x + b)",
        expected={"unit03_gd_quadratic": 0.9},
        message="gd_on_quadratic iterates",
    ),
    Mutant(
        # The two factors swapped: still symmetric (and right in 1-D), but H_new y != s.
        name="bfgs_update_factors_swapped",
        cell="unit03_bfgs_update_impl",
        find="return left @ H @ left.T + rho * np.outer(s, s)",
        replace="return left.T @ H @ left + rho * np.outer(s, s)",
        expected={"unit03_bfgs_update": 0.0, "unit03_bfgs": 0.9},
        message="bfgs_update",
    ),
    Mutant(
        # Any decrease accepted: fine with c = 1e-4 on the public cases, not with c = 0.45.
        name="line_search_simple_decrease",
        cell="unit03_line_search_impl",
        find="if p.f(x + alpha * direction) <= fx + c * alpha * slope:",
        replace="if p.f(x + alpha * direction) < fx:",
        expected={"unit03_line_search": 1.25},
        message="violates the Armijo condition",
    ),
    Mutant(
        # Stops when f stops changing: f is flat near the minimum, so x is still far off.
        name="bfgs_stops_on_small_f_change",
        cell="unit03_bfgs_impl",
        find="        x, g = x_new, g_new\n        nit += 1",
        replace=(
            "        converged = abs(p.f(x_new) - p.f(x)) < 1e-6\n"
            "        x, g = x_new, g_new\n"
            "        nit += 1\n"
            "        if converged:\n"
            "            break"
        ),
        expected={"unit03_bfgs": 1.2},
        message="bfgs minimiser vs scipy.optimize.minimize",
    ),
    Mutant(
        # SciPy does the work; the student's own loop below is never reached.
        name="bfgs_calls_scipy",
        cell="unit03_bfgs_impl",
        find=_BFGS_FIRST_LINE,
        replace=(
            "    from scipy.optimize import minimize\n\n"
            "    p = make_problem(problem)\n"
            '    found = minimize(p.f, x0, jac=p.grad, method="BFGS", options={"gtol": gtol})\n'
            '    return {"x": found.x, "fun": float(found.fun), "nit": int(found.nit)}\n'
            "    x = np.asarray(x0, dtype=np.float64).copy()"
        ),
        expected={"unit03_bfgs": 0.0},
        message="bfgs uses minimize",
    ),
    Mutant(
        # Too short an experiment: Adam's loss is still far above the target.
        name="experiment_two_epochs",
        cell="unit03_experiment_impl",
        find="train_with(experiment[name], x_train, y_train, epochs=10)",
        replace="train_with(experiment[name], x_train, y_train, epochs=2)",
        expected={"unit03_experiment": 1.2857},
        message="final_losses['adam']",
    ),
    Mutant(
        # A learning rate far past the stability limit: SGD's loss becomes nan.
        name="experiment_sgd_diverges",
        cell="unit03_experiment_impl",
        find='"sgd": ScratchSGD(learning_rate=0.1)',
        replace='"sgd": ScratchSGD(learning_rate=50.0)',
        expected={"unit03_experiment": 2.5714},
        message="every optimizer should reach a final training loss below",
    ),
    Mutant(
        # A forged source: a from-scratch class for the source check to read, and Keras'
        # own Adam, defined in a block, for the kernel to run. It matches Keras exactly.
        # The grader reads sources from the notebook file and refuses a rebound name, so
        # neither the Adam cell nor the experiment built on ScratchAdam earns anything.
        name="adam_forged_source",
        cell="unit03_adam_impl",
        find="        self.assign_sub(variable, alpha * m / (ops.sqrt(v) + self.epsilon))",
        replace=(
            "        self.assign_sub(variable, alpha * m / (ops.sqrt(v) + self.epsilon))\n\n\n"
            "if True:\n"
            "    class ScratchAdam(keras.optimizers.Adam):\n"
            "        pass"
        ),
        expected={"unit03_adam": 0.0, "unit03_experiment": 0.0},
        message="ScratchAdam is also bound by a `class ScratchAdam` inside a block",
    ),
    Mutant(
        name="experiment_uses_keras_adam",
        cell="unit03_experiment_impl",
        find='"adam": ScratchAdam(learning_rate=0.005)',
        replace='"adam": keras.optimizers.Adam(learning_rate=0.005)',
        expected={"unit03_experiment": 0.0},
        message="it uses Keras' Adam",
    ),
    # --- Mistakes the final results miss: edge cases, exact branches, the setup. ---
    Mutant(
        # An in-place update of np.array(x0): an integer start (np.array([2, -1, 3])) makes
        # NumPy refuse to write float steps into an int array. The checks' starts are floats.
        name="gd_in_place_update_of_integer_start",
        cell="unit03_gd_quadratic_impl",
        find=(
            "    x = np.asarray(x0, dtype=np.float64).copy()\n"
            "    iterates = [x.copy()]\n"
            "    for _ in range(steps):\n"
            "        x = x - lr * (A @ x - b)"
        ),
        replace=(
            "    x = np.array(x0)\n"
            "    iterates = [x.copy()]\n"
            "    for _ in range(steps):\n"
            "        x -= lr * (A @ x - b)"
        ),
        expected={"unit03_gd_quadratic": 2.7},
        message="gd_on_quadratic with integer arrays A, b and x0",
    ),
    Mutant(
        # Sufficient decrease read as strict: a trial meeting Armijo with equality is
        # rejected. Only an input built to land on the equality shows it.
        name="line_search_strict_armijo",
        cell="unit03_line_search_impl",
        find="if p.f(x + alpha * direction) <= fx + c * alpha * slope:",
        replace="if p.f(x + alpha * direction) < fx + c * alpha * slope:",
        expected={"unit03_line_search": 1.75},
        message="meets Armijo with equality",
    ),
    Mutant(
        # The natural loop of max_steps trials that shrinks after each: when none is
        # acceptable it returns alpha0 * shrink^max_steps, a step it never tried.
        name="line_search_fallback_shrinks_once_more",
        cell="unit03_line_search_impl",
        find="    for _ in range(max_steps - 1):",
        replace="    for _ in range(max_steps):",
        expected={"unit03_line_search": 1.75},
        message="when none of the max_steps = 5 trials meets Armijo",
    ),
    Mutant(
        # Leaves out the H0 rescaling (step 4): the same minimiser, other iterates.
        name="bfgs_without_initial_scaling",
        cell="unit03_bfgs_impl",
        find=_BFGS_UPDATE_STEP,
        replace=(
            "        if y @ s > 1e-12 * np.linalg.norm(y) * np.linalg.norm(s):  # curvature condition\n"
            "            H = bfgs_update(H, s, y)"
        ),
        expected={"unit03_bfgs": 1.5},
        message="section 3c's iterates",
    ),
    Mutant(
        # Updates H whatever the sign of y.s: identical wherever the curvature condition
        # holds, which it always does on quadratics and on the SciPy cases' paths.
        name="bfgs_updates_without_curvature_condition",
        cell="unit03_bfgs_impl",
        find=_BFGS_UPDATE_STEP,
        replace=(
            "        if not scaled:\n"
            "            H = (y @ s) / (y @ y) * np.eye(x.size)\n"
            "            scaled = True\n"
            "        H = bfgs_update(H, s, y)"
        ),
        expected={"unit03_bfgs": 1.8},
        message="no update where y.s <= 0: iteration [1]",
    ),
    Mutant(
        # A for loop over range(max_iter) whose variable is the count: right when the loop
        # breaks at convergence, one short when the budget runs out.
        name="bfgs_nit_one_short_at_max_iter",
        cell="unit03_bfgs_impl",
        find=_BFGS_LOOP,
        replace=_BFGS_LOOP.replace(
            "    while np.linalg.norm(g) > gtol and nit < max_iter:\n",
            "    for nit in range(max_iter):\n"
            "        if np.linalg.norm(g) <= gtol:\n"
            "            break\n",
        ).replace("        x, g = x_new, g_new\n        nit += 1", "        x, g = x_new, g_new"),
        expected={"unit03_bfgs": 2.7},
        message="so 'nit' should be max_iter = 1",
    ),
    Mutant(
        # Steps first, tests convergence after: from a minimum it still takes one (null)
        # iteration and reports nit = 1.
        name="bfgs_steps_before_testing",
        cell="unit03_bfgs_impl",
        find=_BFGS_LOOP,
        replace=_BFGS_LOOP.replace(
            "    while np.linalg.norm(g) > gtol and nit < max_iter:", "    while True:"
        )
        + "\n        if np.linalg.norm(g) <= gtol or nit >= max_iter:\n            break",
        expected={"unit03_bfgs": 2.7},
        message="should return nit = 0 and fun = 0",
    ),
    Mutant(
        # SciPy's gtol is on max|g_i|; the spec's is on the Euclidean norm.
        name="bfgs_gtol_on_max_norm",
        cell="unit03_bfgs_impl",
        find="    while np.linalg.norm(g) > gtol and nit < max_iter:",
        replace="    while np.max(np.abs(g)) > gtol and nit < max_iter:",
        expected={"unit03_bfgs": 2.7},
        message="should stop after 26 iterations",
    ),
    Mutant(
        # fit's optimizer is never given, so its default (Adam, rate 0.001) trains all five
        # runs: every optimizer seems to learn, and only Adam's own threshold is missed.
        name="experiment_fit_ignores_optimizer",
        cell="unit03_experiment_impl",
        find="        optimizer=optimizer,\n",
        replace="",
        expected={"unit03_experiment": 1.2857},
        message="those runs did not train with their own optimizers",
    ),
    Mutant(
        # Seeds "before training" rather than before building: each run starts from other
        # weights, and the losses still pass.
        name="experiment_seeds_after_building",
        cell="unit03_experiment_impl",
        find=_TRAIN_WITH_START,
        replace="\n".join(reversed(_TRAIN_WITH_START.split("\n"))),
        expected={"unit03_experiment": 2.5714},
        message="train_with calls build_mlp before seed_everything(seed)",
    ),
    Mutant(
        # More epochs than the experiment allows, to get Adam under its threshold.
        name="experiment_thirty_epochs",
        cell="unit03_experiment_impl",
        find="train_with(experiment[name], x_train, y_train, epochs=10)",
        replace="train_with(experiment[name], x_train, y_train, epochs=30)",
        expected={"unit03_experiment": 2.5714},
        message="every optimizer should train for the experiment's 10 epochs",
    ),
    Mutant(
        # seed_everything seeds the weights, but the shuffling falls back to fit's seed 0.
        name="experiment_shuffle_seed_not_passed",
        cell="unit03_experiment_impl",
        find="        seed=seed,\n        verbose=False,",
        replace="        verbose=False,",
        expected={"unit03_experiment": 2.5714},
        message="ignores its seed",
    ),
    # --- Section 5: mini-batch SGD (3 points: two batch gradients, three replays, the
    # clock) and the gradient noise (2 points: two predictions, the measurement, the seed).
    Mutant(
        # The sum over the batch: steps B times too long, GD's included.
        name="sgd_gradient_sum_not_mean",
        cell="unit03_minibatch_sgd_impl",
        find="return X.T @ (X @ np.asarray(theta, dtype=np.float64) - t) / len(t)",
        replace="return X.T @ (X @ np.asarray(theta, dtype=np.float64) - t)",
        expected={"unit03_minibatch_sgd": 1.0, "unit03_gradient_noise": 1.5},
        message="likely cause: the gradient of the mean: divide X^T (X theta - t) by the batch size",
    ),
    Mutant(
        # No shuffling: the same order every epoch. One full batch cannot tell.
        name="sgd_no_shuffle",
        cell="unit03_minibatch_sgd_impl",
        find="order = gen.permutation(len(X))",
        replace="order = np.arange(len(X))",
        expected={"unit03_minibatch_sgd": 2.0},
        message="vs a reference run of the spec",
    ),
    Mutant(
        # A fresh generator per epoch: every epoch repeats the first one's order.
        name="sgd_rng_per_epoch",
        cell="unit03_minibatch_sgd_impl",
        find="order = gen.permutation(len(X))",
        replace="order = np.random.default_rng(seed).permutation(len(X))",
        expected={"unit03_minibatch_sgd": 2.0},
        message="one default_rng(seed), a permutation per epoch",
    ),
    Mutant(
        # The last, smaller batch dropped.
        name="sgd_drops_last_batch",
        cell="unit03_minibatch_sgd_impl",
        find="for start in range(0, len(X), batch_size):",
        replace="for start in range(0, len(X) - batch_size + 1, batch_size):",
        expected={"unit03_minibatch_sgd": 2.0},
        message='run_sgd on 23 rows (batch_size=5, learning_rate=0.08, epochs=3, seed=3604)["examples"]',
    ),
    Mutant(
        # The batch's loss recorded instead of the full training loss: cheaper, and noisy.
        name="sgd_records_batch_loss",
        cell="unit03_minibatch_sgd_impl",
        find="            losses.append(full_loss(theta))",
        replace="            losses.append(0.5 * float(np.mean((X[batch] @ theta - t[batch]) ** 2)))",
        expected={"unit03_minibatch_sgd": 2.0},
        message="(the full training loss)",
    ),
    Mutant(
        # Examples counted as batch_size per step: the last batch is counted too large.
        name="sgd_counts_batch_size",
        cell="unit03_minibatch_sgd_impl",
        find="examples.append(examples[-1] + len(batch))",
        replace="examples.append(examples[-1] + batch_size)",
        expected={"unit03_minibatch_sgd": 2.5},
        message='(batch_size=5, learning_rate=0.08, epochs=3, seed=3604)["examples"]',
    ),
    Mutant(
        # Sampling with replacement: sigma^2 / B, without the factor; at B = N not zero.
        name="noise_with_replacement",
        cell="unit03_gradient_noise_impl",
        find="batch = gen.choice(len(X), batch_size, replace=False)",
        replace="batch = gen.choice(len(X), batch_size, replace=True)",
        expected={"unit03_gradient_noise": 1.5},
        message="draw each batch with gen.choice(N, B, replace=False)",
    ),
    Mutant(
        # The independent-draws formula, sigma^2 / B.
        name="noise_prediction_missing_factor",
        cell="unit03_gradient_noise_impl",
        find="return sigma2 / batch_size * (n - batch_size) / (n - 1)",
        replace="return sigma2 / batch_size",
        expected={"unit03_gradient_noise": 1.0},
        message="the factor (N - B)/(N - 1) is missing",
    ),
    Mutant(
        # sigma^2 with the sample variance's N - 1: off by N / (N - 1), small but real.
        name="noise_sigma2_divides_by_n_minus_1",
        cell="unit03_gradient_noise_impl",
        find="sigma2 = float(np.mean(np.sum((per_example - per_example.mean(axis=0)) ** 2, axis=1)))",
        replace=(
            "sigma2 = float(np.sum((per_example - per_example.mean(axis=0)) ** 2)) / (len(X) - 1)"
        ),
        expected={"unit03_gradient_noise": 1.0},
        message="predicted_gradient_noise at B = 1 on the public 5-row problem",
    ),
    Mutant(
        # The seed never reaches the generator.
        name="noise_ignores_seed",
        cell="unit03_gradient_noise_impl",
        find="gen = np.random.default_rng(seed)\n    total = 0.0",
        replace="gen = np.random.default_rng()\n    total = 0.0",
        expected={"unit03_gradient_noise": 1.5},
        message="with the same seed twice",
    ),
    Mutant(
        # The total over the draws, not their mean.
        name="noise_sum_over_draws",
        cell="unit03_gradient_noise_impl",
        find="return total / n_draws",
        replace="return total",
        expected={"unit03_gradient_noise": 1.5},
        message="standard errors",
    ),
]

DEMO = {"planted_bug": "rmsprop_epsilon_outside_sqrt", "weak_model": "experiment_two_epochs"}
