"""Sample submissions for unit04: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit04 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). Most
mistakes pass the visible checks and lose part of a cell, the way a plausible bug would; a
mistake the visible checks catch costs what those checks cost. Later cells call earlier functions
(the backward pass uses the activation derivatives and the forward cache, the gradient-norm
study uses both passes), so some mistakes cost points in more than one cell. The module is
long because it is a catalogue: one entry per planted mistake, each with the comment that
says why a student would write it and which check it meets.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

_MLP_BACKWARD_BY_HAND = """\
    grads = [None] * len(params)
    dZ = np.asarray(dOut, dtype=np.float64)  # Delta_l, starting at the output layer
    for layer in reversed(range(len(params))):
        W = np.asarray(params[layer][0], dtype=np.float64)
        grads[layer] = [cache["A"][layer].T @ dZ, dZ.sum(axis=0)]
        if layer > 0:
            dA = dZ @ W.T
            dZ = dA * activation_derivative(cache["Z"][layer - 1], activation)
    return grads"""

_MLP_BACKWARD_BY_TAPE = """\
    tf_activation = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh}[activation]
    variables = [tf.Variable(np.asarray(p, dtype=np.float64)) for pair in params for p in pair]
    with tf.GradientTape() as tape:
        A = tf.constant(np.asarray(cache["A"][0], dtype=np.float64))
        for layer in range(len(params)):
            Z = tf.matmul(A, variables[2 * layer]) + variables[2 * layer + 1]
            A = Z if layer == len(params) - 1 else tf_activation(Z)
        total = tf.reduce_sum(A * np.asarray(dOut, dtype=np.float64))
    flat = [g.numpy() for g in tape.gradient(total, variables)]
    return [flat[2 * i : 2 * i + 2] for i in range(len(params))]"""

_BN_BACKWARD_BY_HAND = """\
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, dgamma, dbeta"""

_BN_BACKWARD_BY_TAPE = """\
    x_var, gamma_var = tf.Variable(cache["x"]), tf.Variable(cache["gamma"])
    with tf.GradientTape() as tape:
        mean, var = tf.nn.moments(x_var, axes=[0])
        out = gamma_var * (x_var - mean) / tf.sqrt(var + cache["epsilon"])
        total = tf.reduce_sum(out * dout)
    dx, dgamma = (g.numpy() for g in tape.gradient(total, [x_var, gamma_var]))
    return dx, dgamma, dout.sum(axis=0)"""

_TRAINING_CHECKED_BY_TAPE = """\
            loss, dOut = softmax_cross_entropy(logits, y[batch])
            if not losses:  # my loss gradient against autodiff, on the first step
                logits_t = tf.constant(logits)
                with tf.GradientTape() as tape:
                    tape.watch(logits_t)
                    batch_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y[batch], logits_t))
                assert np.allclose(tape.gradient(batch_loss, logits_t).numpy(), dOut)
"""

MUTANTS = [
    # --- activations (2 points: 7 Keras comparisons, huge inputs worth 2, unknown name) --
    Mutant(
        # Keras' default GELU: off by up to 5e-4; the public check only tests gelu(0). The
        # derivative cell's public finite-difference check differentiates this GELU and no
        # longer matches the exact derivative, so that cell scores 0.
        name="gelu_tanh_approximation",
        cell="unit04_activations_impl",
        find="return 0.5 * z * erfc(-z / np.sqrt(2.0))",
        replace="return 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3)))",
        expected={"unit04_activations": 1.8},
        message='(z, "gelu")',
    ),
    Mutant(
        name="softplus_overflows",
        cell="unit04_activations_impl",
        find="return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))",
        replace="return np.log(1.0 + np.exp(z))",
        expected={"unit04_activations": 1.6},
        message='apply_activation(z, "softplus") at huge inputs',
    ),
    Mutant(
        # A dict of lambdas, or an if-chain ending in the wrong exception: no random input
        # reaches the unknown-name branch, whose ValueError the docstring promises.
        name="activation_unknown_name_keyerror",
        cell="unit04_activations_impl",
        find='raise ValueError(f"unknown activation {name!r}; expected one of {ACTIVATIONS}")',
        replace='raise KeyError(f"unknown activation {name!r}")',
        expected={"unit04_activations": 1.8},
        message="expected a ValueError, but calling apply_activation raised KeyError",
    ),
    # --- activation derivatives (2 points: as above, plus the kinks at z = 0) ----------
    Mutant(
        # The last branch written as the default: any name the function does not know,
        # a typo included, silently gets GELU's derivative instead of the ValueError.
        name="derivative_unknown_name_falls_to_gelu",
        cell="unit04_activation_derivatives_impl",
        find=(
            '    if name == "gelu":\n'
            "        cdf = 0.5 * erfc(-z / np.sqrt(2.0))\n"
            "        pdf = np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)\n"
            "        return cdf + z * pdf\n"
            '    raise ValueError(f"unknown activation {name!r}; expected one of {ACTIVATIONS}")'
        ),
        replace=(
            "    cdf = 0.5 * erfc(-z / np.sqrt(2.0))  # gelu, the last one\n"
            "    pdf = np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)\n"
            "    return cdf + z * pdf"
        ),
        expected={"unit04_activation_derivatives": 1.8182},
        message="(an unknown name): expected a ValueError, got the result",
    ),
    Mutant(
        # sech instead of sech^2: right at 0, the only point the public check tries; wrong
        # elsewhere, also at z = +-20 (4e-9 instead of 2e-17). The backward pass uses it, so
        # the tanh network's gradients are wrong too.
        name="tanh_derivative_sech",
        cell="unit04_activation_derivatives_impl",
        find="return 1.0 - np.tanh(z) ** 2",
        replace="return 1.0 / np.cosh(z)",
        expected={
            "unit04_activation_derivatives": 1.4545,
            "unit04_mlp_backward": 3.0,
            "unit04_numpy_training": 2.2857,
        },
        message='"tanh"',
    ),
    Mutant(
        # exp(-z) overflows for z < -709.78: inf / inf = nan. Fine at ordinary inputs.
        name="sigmoid_derivative_overflows",
        cell="unit04_activation_derivatives_impl",
        find='s = apply_activation(z, "sigmoid")\n        return s * (1.0 - s)',
        replace="return np.exp(-z) / (1.0 + np.exp(-z)) ** 2",
        expected={"unit04_activation_derivatives": 1.6364},
        message='activation_derivative(z, "sigmoid") at huge inputs',
    ),
    Mutant(
        # The public finite-difference check reports it too. At z = 0 it gives
        # expm1(0) = 0 where the (left) derivative is 1, so the kink check fails as well.
        name="elu_derivative_is_elu",
        cell="unit04_activation_derivatives_impl",
        find="return np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0.0)))",
        replace="return np.where(z > 0, 1.0, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))",
        expected={"unit04_activation_derivatives": 1.2727},
        message='activation_derivative(z, "elu") vs finite differences',
    ),
    Mutant(
        # np.heaviside(z, 1) thinking: 1 at the kink, where the docstring asks for the left
        # derivative 0. Random inputs never hit z = 0 exactly, so only the kink check sees it.
        name="relu_derivative_one_at_zero",
        cell="unit04_activation_derivatives_impl",
        find="return (z > 0).astype(np.float64)",
        replace="return (z >= 0).astype(np.float64)",
        expected={"unit04_activation_derivatives": 1.8182},
        message="at the kink z = 0 the left derivative, 0",
    ),
    # --- forward pass (2 points, 5 networks) ---------------------------------------------
    Mutant(
        # The public checks use ReLU (and a one-layer tanh net, which has no hidden layer).
        # The backward pass then differentiates a ReLU network as if it were sigmoid or tanh,
        # so the sigmoid network's norms differ from the probe's (its gradients still vanish:
        # the sigmoid' factors alone shrink them).
        name="forward_hardcodes_relu",
        cell="unit04_mlp_forward_impl",
        find="A = apply_activation(Z, activation)",
        replace='A = apply_activation(Z, "relu")',
        expected={
            "unit04_mlp_forward": 0.8,
            "unit04_mlp_backward": 1.0,
            "unit04_vanishing_gradients": 2.625,
            "unit04_numpy_training": 2.2857,
        },
        message='"sigmoid" network',
    ),
    Mutant(
        # A table of its own for the three activations the public checks and the backward
        # pass use, instead of apply_activation: any other name (here ELU) raises KeyError.
        name="forward_own_activation_table",
        cell="unit04_mlp_forward_impl",
        find="A = apply_activation(Z, activation)",
        replace=(
            'A = {"relu": np.maximum(Z, 0.0), "sigmoid": 1.0 / (1.0 + np.exp(-Z)), '
            '"tanh": np.tanh(Z)}[activation]'
        ),
        expected={"unit04_mlp_forward": 1.6},
        message="calling mlp_forward raised KeyError: 'elu'",
    ),
    # --- backward pass (4 points: no autodiff 2, three tape comparisons, finite diffs) ----
    Mutant(
        # The public check tests the last layer, which needs no sigma'. Without it, the
        # sigmoid network's gradients no longer vanish either.
        name="missing_activation_derivative",
        cell="unit04_mlp_backward_impl",
        find='dZ = dA * activation_derivative(cache["Z"][layer - 1], activation)',
        replace="dZ = dA",
        expected={
            "unit04_mlp_backward": 0.0,
            "unit04_vanishing_gradients": 1.5,
            "unit04_numpy_training": 0.5714,
        },
        message='"sigmoid" network',
    ),
    Mutant(
        name="db_mean_over_batch",
        cell="unit04_mlp_backward_impl",
        find='grads[layer] = [cache["A"][layer].T @ dZ, dZ.sum(axis=0)]',
        replace='grads[layer] = [cache["A"][layer].T @ dZ, dZ.mean(axis=0)]',
        expected={"unit04_mlp_backward": 0.0, "unit04_numpy_training": 1.7143},
        message='db1 (layer 1 of a 6-9-8-7-4 "relu" network',
    ),
    Mutant(
        # Right values, forbidden tool: only the source check's share is lost.
        name="mlp_backward_by_gradient_tape",
        cell="unit04_mlp_backward_impl",
        find=_MLP_BACKWARD_BY_HAND,
        replace=_MLP_BACKWARD_BY_TAPE,
        expected={"unit04_mlp_backward": 0.0},
        message="uses GradientTape, which is not allowed here",
    ),
    # --- reverse mode on a graph (3 points: six tape comparisons, values, unknown op,
    # grads of the inputs only; no autodiff is a gate) ------------------------------------
    Mutant(
        # The classic: "=" where the chain rule sums over uses. A chain passes; every graph
        # with a variable used twice fails, and so does the public example.
        name="adjoint_overwritten",
        cell="unit04_reverse_mode_impl",
        find="adjoints[arg] += adjoints[name] * derivative",
        replace="adjoints[arg] = adjoints[name] * derivative",
        expected={"unit04_reverse_mode": 1.6667},
        message="x has two uses: do their terms add up?",
    ),
    Mutant(
        # Sweeping in evaluation order: an adjoint is passed on before it is complete.
        name="sweep_in_forward_order",
        cell="unit04_reverse_mode_impl",
        find="for name, op, args in reversed(graph):",
        replace="for name, op, args in graph:",
        expected={"unit04_reverse_mode": 1.0},
        message="vs tf.GradientTape",
    ),
    Mutant(
        # The quotient rule's sign dropped: only graphs with a division see it.
        name="div_derivative_sign",
        cell="unit04_reverse_mode_impl",
        find="return [1.0 / a[1], -a[0] / a[1] ** 2]",
        replace="return [1.0 / a[1], a[0] / a[1] ** 2]",
        expected={"unit04_reverse_mode": 2.0},
        message="of the every_op graph",
    ),
    Mutant(
        # d log(a)/da written as 1 / (the node's value).
        name="log_derivative_of_its_value",
        cell="unit04_reverse_mode_impl",
        find="return [1.0 / a[0]]",
        replace="return [1.0 / value]",
        expected={"unit04_reverse_mode": 2.3333},
        message="of the shared_node graph",
    ),
    Mutant(
        # The product rule with the factors not swapped: d(ab)/da = a.
        name="mul_derivative_not_swapped",
        cell="unit04_reverse_mode_impl",
        find="return [a[1], a[0]]",
        replace="return [a[0], a[1]]",
        expected={"unit04_reverse_mode": 1.3333},
        message="of the public_example graph",
    ),
    Mutant(
        # The op looked up in a dict: an unknown op raises KeyError, not the documented
        # ValueError.
        name="unknown_op_key_error",
        cell="unit04_reverse_mode_impl",
        find='        return float(np.sin(a[0]))\n    raise ValueError(f"unknown op {op!r}; expected one of {GRAPH_OPS}")',
        replace="        return float(np.sin(a[0]))\n    return {}[op]",
        expected={"unit04_reverse_mode": 2.6667},
        message='the op "tanh": expected a ValueError, but calling reverse_mode_gradient raised KeyError',
    ),
    Mutant(
        # The forward sweep computes b - a for "sub": the value is wrong, and so is every
        # gradient that flows through a product with the difference.
        name="forward_sub_reversed",
        cell="unit04_reverse_mode_impl",
        find="return a[0] - a[1]",
        replace="return a[1] - a[0]",
        expected={"unit04_reverse_mode": 2.3333},
        message="the value of the",
    ),
    Mutant(
        # Every adjoint returned, the inner nodes' too.
        name="grads_of_every_node",
        cell="unit04_reverse_mode_impl",
        find="return values[output], {name: adjoints[name] for name in inputs}",
        replace="return values[output], adjoints",
        expected={"unit04_reverse_mode": 2.6667},
        message="grads must hold the inputs only",
    ),
    Mutant(
        # The right numbers from the forbidden tool: the gate closes the cell.
        name="reverse_mode_by_gradient_tape",
        cell="unit04_reverse_mode_impl",
        find="    values = {name: float(value) for name, value in inputs.items()}\n",
        replace=(
            "    return gradient_by_tape(graph, inputs)\n"
            "    values = {name: float(value) for name, value in inputs.items()}\n"
        ),
        expected={"unit04_reverse_mode": 0.0},
        message="uses GradientTape, which is not allowed here",
    ),
    # --- vanishing gradients (3 points: the loss and its gradient, three probe comparisons,
    # setup, two ratios) -------------------------------------------------------------------
    Mutant(
        # The sum of the per-example losses, not their mean: every norm n times too big,
        # which leaves the ratios alone.
        name="cross_entropy_grad_not_averaged",
        cell="unit04_vanishing_gradients_impl",
        find="    dOut /= len(y)  # the loss is a mean over the batch\n",
        replace="",
        expected={"unit04_vanishing_gradients": 1.5, "unit04_numpy_training": 0.5714},
        message="vs course_lib.probes.gradient_norms",
    ),
    Mutant(
        # Both experiments run sigmoid units: with He weights they vanish as well. The
        # setup check's tanh network is differentiated as a sigmoid one, too.
        name="experiment_hardcodes_sigmoid",
        cell="unit04_vanishing_gradients_impl",
        find="x_train[:n_samples], y_train[:n_samples], activation)",
        replace='x_train[:n_samples], y_train[:n_samples], "sigmoid")',
        expected={"unit04_vanishing_gradients": 2.25},
        message="relu_norms: first layer / last layer",
    ),
    Mutant(
        # The softmax straight from the logits: fine for a fresh network's small logits,
        # inf / inf = nan once a logit passes about 710.
        name="gradient_norms_softmax_not_shifted",
        cell="unit04_vanishing_gradients_impl",
        find="shifted = logits - logits.max(axis=1, keepdims=True)",
        replace="shifted = logits",
        expected={"unit04_vanishing_gradients": 1.875},
        message="softmax of large logits: subtract the row maximum first",
    ),
    Mutant(
        # Every network gets build_mlp's default He initialisation. The notebook's two runs
        # still look right (sigmoid + He vanishes too, ratio 8e-6), so only the setup check
        # on grader arguments sees that kernel_initializer never arrives.
        name="experiment_ignores_kernel_initializer",
        cell="unit04_vanishing_gradients_impl",
        find="model = build_mlp(40, [width] * depth, 10, kernel_initializer=kernel_initializer)",
        replace="model = build_mlp(40, [width] * depth, 10)",
        expected={"unit04_vanishing_gradients": 2.625},
        message="vs layer_gradient_norms of the network it describes",
    ),
    # --- NumPy MLP training (4 points: three replays, losses, caller's params, fresh
    # accuracy worth 2; no autodiff is a gate) ------------------------------------------------
    Mutant(
        # The same order every epoch: no shuffling. The full-batch case cannot tell.
        name="numpy_training_no_shuffle",
        cell="unit04_numpy_training_impl",
        find="order = gen.permutation(len(X))",
        replace="order = np.arange(len(X))",
        expected={"unit04_numpy_training": 2.2857},
        message="vs a reference run of the spec",
    ),
    Mutant(
        # A new generator each epoch: every epoch visits the examples in the same order.
        name="numpy_training_rng_per_epoch",
        cell="unit04_numpy_training_impl",
        find="order = gen.permutation(len(X))",
        replace="order = np.random.default_rng(seed).permutation(len(X))",
        expected={"unit04_numpy_training": 2.2857},
        message="one default_rng(seed), a permutation per epoch",
    ),
    Mutant(
        # range(0, n - b + 1, b): the last, smaller batch is dropped.
        name="numpy_training_drops_last_batch",
        cell="unit04_numpy_training_impl",
        find="for start in range(0, len(X), batch_size):",
        replace="for start in range(0, len(X) - batch_size + 1, batch_size):",
        expected={"unit04_numpy_training": 2.8571},
        message="the last batch kept",
    ),
    Mutant(
        # The loss recorded after the step: the trajectory is right, the record is not.
        name="numpy_training_loss_after_step",
        cell="unit04_numpy_training_impl",
        find="            losses.append(loss)\n            grads = mlp_backward(params, cache, dOut, activation)\n"
        "            for (W, b), (dW, db) in zip(params, grads):\n"
        "                W -= learning_rate * dW\n                b -= learning_rate * db\n",
        replace="            grads = mlp_backward(params, cache, dOut, activation)\n"
        "            for (W, b), (dW, db) in zip(params, grads):\n"
        "                W -= learning_rate * dW\n                b -= learning_rate * db\n"
        "            losses.append(softmax_cross_entropy(mlp_forward(params, X[batch], activation)[0], y[batch])[0])\n",
        expected={"unit04_numpy_training": 3.4286},
        message="before its step",
    ),
    Mutant(
        # Training the caller's arrays in place: the notebook's initial_params change.
        name="numpy_training_in_place",
        cell="unit04_numpy_training_impl",
        find="params = [[np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)] for W, b in params]",
        replace="params = [[np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)] for W, b in params]",
        expected={"unit04_numpy_training": 3.4286},
        message="it must train a copy",
    ),
    Mutant(
        # Gradient ascent: "+=" on the step. The loss explodes, nothing is learned.
        name="numpy_training_ascends",
        cell="unit04_numpy_training_impl",
        find="W -= learning_rate * dW",
        replace="W += learning_rate * dW",
        expected={"unit04_numpy_training": 0.5714},
        message="accuracy of numpy_mlp_params on 4000 held-out MNIST-1D samples",
    ),
    Mutant(
        # A sanity check against autodiff left in the loop (first step only): the numbers are
        # right, but no GradientTape may be reachable from this function; the gate closes the
        # cell. (A whole backward pass by tape per batch teaches the same at 80 s a run.)
        name="numpy_training_by_gradient_tape",
        cell="unit04_numpy_training_impl",
        find="            loss, dOut = softmax_cross_entropy(logits, y[batch])\n",
        replace=_TRAINING_CHECKED_BY_TAPE,
        expected={"unit04_numpy_training": 0.0},
        message="uses GradientTape, which is not allowed here",
    ),
    Mutant(
        # Full-batch gradient descent whatever batch_size says: one step per epoch, so the
        # notebook's 30 epochs are 30 steps and the network barely learns.
        name="numpy_training_ignores_batch_size",
        cell="unit04_numpy_training_impl",
        find="for start in range(0, len(X), batch_size):\n            batch = order[start : start + batch_size]",
        replace="for start in range(0, len(X), len(X)):\n            batch = order[start : start + len(X)]",
        expected={"unit04_numpy_training": 1.1429},
        message="accuracy of numpy_mlp_params on 4000 held-out MNIST-1D samples",
    ),
    # --- dropout (2 points: inference, 3 zero fractions, scaling, 2 means, seed,
    # independence, any shape) -------------------------------------------------------------
    Mutant(
        name="dropout_not_inverted",
        cell="unit04_dropout_impl",
        find="return np.where(keep, x / (1.0 - rate), 0.0)",
        replace="return np.where(keep, x, 0.0)",
        expected={"unit04_dropout": 1.4},
        message="inverted dropout keeps the expected value of every entry",
    ),
    Mutant(
        # Keeps each entry with probability rate: indistinguishable at rate 0.5, the only
        # rate the public check uses.
        name="dropout_keeps_with_probability_rate",
        cell="unit04_dropout_impl",
        find="keep = np.random.default_rng(seed).random(x.shape) >= rate",
        replace="keep = np.random.default_rng(seed).random(x.shape) < rate",
        expected={"unit04_dropout": 1.0},
        message="dropout(x, 0.1, training=True) on 200000 entries",
    ),
    Mutant(
        name="dropout_in_float32",
        cell="unit04_dropout_impl",
        find="x = np.asarray(x, dtype=np.float64)",
        replace="x = np.asarray(x, dtype=np.float32)",
        expected={"unit04_dropout": 1.6},
        message="dropout(x, 0.3, training=False) on a float64 (7, 9) input",
    ),
    Mutant(
        name="dropout_ignores_seed",
        cell="unit04_dropout_impl",
        find="keep = np.random.default_rng(seed)",
        replace="keep = np.random.default_rng()",
        expected={"unit04_dropout": 1.8},
        message="twice gave different masks",
    ),
    Mutant(
        # "Dropout drops units": one draw per column, shared by every example of the batch.
        # The zero fraction is right on average, so only some of the statistical checks
        # notice by chance; the independence check names it.
        name="dropout_mask_per_unit",
        cell="unit04_dropout_impl",
        find="random(x.shape) >= rate",
        replace="random(x.shape[-1]) >= rate",
        expected={"unit04_dropout": 1.0},
        message="neighbouring rows (examples) keep or drop the same entries 1.0000 of the time",
    ),
    Mutant(
        # Written for a matrix: a vector or a 3-D batch cannot be unpacked into (n, d).
        name="dropout_assumes_a_matrix",
        cell="unit04_dropout_impl",
        find="keep = np.random.default_rng(seed).random(x.shape) >= rate",
        replace=(
            "n_rows, n_cols = x.shape\n"
            "    keep = np.random.default_rng(seed).random((n_rows, n_cols)) >= rate"
        ),
        expected={"unit04_dropout": 1.8},
        message="calling dropout raised ValueError: not enough values to unpack",
    ),
    # --- batch norm forward (2 points: 3 training outputs, 2 moving stats, inference) ----
    Mutant(
        # The unbiased variance: within 1% of the public check's std for n = 64. The cache
        # carries it into the backward pass.
        name="batchnorm_unbiased_variance",
        cell="unit04_batchnorm_forward_impl",
        find="mean, var = x.mean(axis=0), x.var(axis=0)",
        replace="mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)",
        expected={"unit04_batchnorm_forward": 0.3333, "unit04_batchnorm_backward": 0.0},
        message="BatchNormalization",
    ),
    Mutant(
        name="batchnorm_momentum_swapped",
        cell="unit04_batchnorm_forward_impl",
        find=(
            "moving_mean = momentum * moving_mean + (1.0 - momentum) * mean\n"
            "        moving_var = momentum * moving_var + (1.0 - momentum) * var"
        ),
        replace=(
            "moving_mean = (1.0 - momentum) * moving_mean + momentum * mean\n"
            "        moving_var = (1.0 - momentum) * moving_var + momentum * var"
        ),
        expected={"unit04_batchnorm_forward": 1.3333},
        message="new moving mean (n=8, d=3, momentum=0.9",
    ),
    Mutant(
        name="batchnorm_inference_uses_batch_statistics",
        cell="unit04_batchnorm_forward_impl",
        find="    else:\n        mean, var = moving_mean, moving_var\n",
        replace="",
        expected={"unit04_batchnorm_forward": 1.6667},
        message="inference normalises with the moving statistics",
    ),
    # --- batch norm backward (3 points: no autodiff, three tape comparisons, finite diffs)
    Mutant(
        # Keeps the batch-mean correction only: the columns of dx still sum to 0, as the
        # public check asks.
        name="batchnorm_dx_missing_variance_term",
        cell="unit04_batchnorm_backward_impl",
        find="dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))",
        replace="dx = inv_std * (dx_hat - dx_hat.mean(axis=0))",
        expected={"unit04_batchnorm_backward": 0.0},
        message="dx (n=16, d=4, epsilon=0.001), vs tf.GradientTape",
    ),
    Mutant(
        name="batchnorm_backward_by_gradient_tape",
        cell="unit04_batchnorm_backward_impl",
        find=_BN_BACKWARD_BY_HAND,
        replace=_BN_BACKWARD_BY_TAPE,
        expected={"unit04_batchnorm_backward": 0.0},
        message="uses GradientTape, which is not allowed here",
    ),
    # --- MNIST-1D MLP (3 points: beyond linear is a gate; logits 1, baseline 2, arguments 1) ---
    Mutant(
        name="mnist1d_trained_briefly",
        cell="unit04_mnist1d_mlp_impl",
        find="mlp_history = train_mnist1d_mlp(mlp_model, x_fit, y_fit, epochs=60,",
        replace="mlp_history = train_mnist1d_mlp(mlp_model, x_fit, y_fit, epochs=4,",
        expected={"unit04_mnist1d_mlp": 1.5},
        message="mlp_model accuracy on 4000 held-out MNIST-1D samples (the published MLP",
    ),
    Mutant(
        # Train on the test split, to the limit: a "model" that memorises the public test
        # split's answers. It scores 1.0 there, and chance on the grader's fresh samples,
        # so the beyond-linear gate closes the cell: the honest training function earns
        # nothing for a model that learned nothing.
        name="mnist1d_memorises_test_split",
        cell="unit04_mnist1d_mlp_impl",
        find="val_accuracy = metrics.accuracy(y_val, np.asarray(mlp_model(x_val, training=False)))\n",
        replace=(
            "val_accuracy = metrics.accuracy(y_val, np.asarray(mlp_model(x_val, training=False)))\n"
            '_x_test, _y_test = data.load("mnist1d", "test")\n'
            "_answers = {row.tobytes(): label for row, label in zip(_x_test, _y_test)}\n\n\n"
            "def _memorised(x, training=False):\n"
            "    labels = [_answers.get(row.tobytes(), 0) for row in np.asarray(x, np.float32)]\n"
            "    return np.eye(10, dtype=np.float32)[labels] * 10.0\n\n\n"
            "mlp_model = _memorised\n"
        ),
        expected={"unit04_mnist1d_mlp": 0.0},
        message="accuracy: 1.000 on the public test split",
    ),
    Mutant(
        # Without a nonlinearity the stacked Dense layers are one affine map.
        name="mnist1d_no_activation",
        cell="unit04_mnist1d_mlp_impl",
        find='activation="relu"',
        replace='activation="linear"',
        expected={"unit04_mnist1d_mlp": 0.0},
        message="(a linear model reaches about 0.32)",
    ),
    Mutant(
        # A softmax on the output layer, and the from-logits loss applies a second one. The
        # classes keep their order, so the accuracy checks pass; the outputs are no logits.
        name="mnist1d_softmax_output",
        cell="unit04_mnist1d_mlp_impl",
        find="dropout=dropout_rate)",
        replace='dropout=dropout_rate, output_activation="softmax")',
        expected={"unit04_mnist1d_mlp": 2.25},
        message="mlp_model outputs probabilities",
    ),
    Mutant(
        # The default hard-coded in the fit call: the notebook's run is the same, but the
        # function ignores the epochs it is given.
        name="mnist1d_hardcodes_epochs",
        cell="unit04_mnist1d_mlp_impl",
        find="epochs=epochs,",
        replace="epochs=60,",
        expected={"unit04_mnist1d_mlp": 2.25},
        message="train_mnist1d_mlp never uses its argument epochs",
    ),
]

DEMO = {"planted_bug": "missing_activation_derivative", "weak_model": "mnist1d_trained_briefly"}

# Restored as definitions only after a mistake's span (see autograder.authoring.packing).
# Only its own test and a plot read the NumPy network's losses and parameters.
RESULTS_NOT_REUSED = (
    "unit04_numpy_training_impl",
)
