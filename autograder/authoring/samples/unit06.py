"""Sample submissions for unit06: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit06 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
module is a catalogue: one entry per planted mistake, with the comment that says why a
student would write it and which check meets it.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- the residual block (3 points: the layer list and the outputs with copied weights,
    # for an identity, a channel-changing and a strided block) -----------------------------
    Mutant(
        # The projection kept for strided blocks only: a block that widens the channels
        # at stride 1 then adds tensors of different depths, and Keras refuses to build it.
        name="projection_only_when_strided",
        cell="unit06_residual_block_impl",
        find="if stride != 1 or input_shape[-1] != filters:",
        replace="if stride != 1:",
        expected={"unit06_residual_block": 2.0},
        message="build_residual_block",
    ),
    Mutant(
        # A projection without its batch norm: the shapes work, the layer list does not,
        # and the outputs differ wherever the shortcut's scale and shift matter.
        name="projection_without_batch_norm",
        cell="unit06_residual_block_impl",
        find="        shortcut = keras.layers.BatchNormalization(name=\"shortcut_bn\")(shortcut)\n",
        replace="",
        expected={"unit06_residual_block": 1.0},
        message="shortcut_bn",
    ),
    Mutant(
        # The activation applied before the addition (the "pre-add ReLU" some diagrams
        # suggest): the shortcut can then only add to a non-negative branch.
        name="relu_before_the_addition",
        cell="unit06_residual_block_impl",
        find="    out = keras.layers.Add(name=\"add\")([h, shortcut])",
        replace="    h = keras.layers.Activation(\"relu\", name=\"relu2\")(h)\n"
        "    out = keras.layers.Add(name=\"add\")([h, shortcut])",
        expected={"unit06_residual_block": 0.0},
        message="relu2",
    ),
    # --- depth gradients (2 points: the stacks' layers, the norms at depth 6 against the
    # grader's, and the vanishing gradient at depth 20) ---------------------------------------
    Mutant(
        # reduction "sum": every norm 256 times too large, every ratio unchanged.
        name="depth_loss_summed_over_the_batch",
        cell="unit06_depth_gradients_impl",
        find="loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        replace="loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=\"sum\")",
        expected={"unit06_depth_gradients": 1.0},
        message="vs the norms of dL/d(kernel of dense_i)",
    ),
    Mutant(
        # The list returned in backpropagation's order, last layer first.
        name="depth_norms_last_layer_first",
        cell="unit06_depth_gradients_impl",
        find="return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])",
        replace="return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])[::-1]",
        expected={"unit06_depth_gradients": 0.75},
        message="vs the norms of dL/d(kernel of dense_i)",
    ),
    Mutant(
        # The shortcut added around the activation's input instead of its output: each
        # block then computes h + W h + b, a linear stack with no sigmoid on the path.
        name="depth_residual_skips_the_activation",
        cell="unit06_depth_gradients_impl",
        find="h = keras.layers.Add(name=f\"add_{i}\")([h, f]) if residual else f",
        replace="h = keras.layers.Add(name=f\"add_{i}\")([h, h]) if residual else f",
        expected={"unit06_depth_gradients": 1.0},
        message="add_0",
    ),
    # --- the GP posterior (3 points: three cases against scikit-learn) ----------------------
    Mutant(
        # The prior variance written as 1: right only when signal_var is 1.
        name="gp_variance_assumes_unit_signal",
        cell="unit06_gp_posterior_impl",
        find="np.maximum(signal_var - (v**2).sum(axis=0), 0.0)",
        replace="np.maximum(1.0 - (v**2).sum(axis=0), 0.0)",
        expected={"unit06_gp_posterior": 1.0},
        message="variance vs scikit-learn",
    ),
    Mutant(
        # The noise left out of K: a near-noiseless case still passes.
        name="gp_noise_left_out",
        cell="unit06_gp_posterior_impl",
        find="K = rbf_kernel(x_train, x_train, length_scale, signal_var) + noise_var * np.eye(len(x_train))",
        replace="K = rbf_kernel(x_train, x_train, length_scale, signal_var) + 1e-10 * np.eye(len(x_train))",
        expected={"unit06_gp_posterior": 1.0},
        message="vs scikit-learn",
    ),
    Mutant(
        # The kernel without the 1/2 in the exponent: a length scale off by sqrt(2).
        name="rbf_kernel_without_the_half",
        cell="unit06_gp_posterior_impl",
        find="return signal_var * np.exp(-0.5 * squared / length_scale**2)",
        replace="return signal_var * np.exp(-squared / length_scale**2)",
        expected={"unit06_gp_posterior": 0.0},
        message="mean vs scikit-learn",
    ),
    # --- expected improvement (2 points: closed form, Monte Carlo, std = 0 and extremes) ---
    Mutant(
        # xi accepted and ignored: right whenever xi = 0.
        name="ei_ignores_xi",
        cell="unit06_expected_improvement_impl",
        find="improvement = best - mean - xi",
        replace="improvement = best - mean",
        expected={"unit06_expected_improvement": 1.3333},
        message="vs the closed form",
    ),
    Mutant(
        # No uncertainty read as no improvement: a point sure to be better gets EI 0.
        name="ei_zero_where_std_is_zero",
        cell="unit06_expected_improvement_impl",
        find="return np.where(std > 0, ei, np.maximum(improvement, 0.0))",
        replace="return np.where(std > 0, ei, 0.0)",
        expected={"unit06_expected_improvement": 1.3333},
        message="where std = 0",
    ),
    Mutant(
        # The exploration term forgotten: EI reduced to the improvement times its
        # probability, which undervalues every uncertain point.
        name="ei_without_the_exploration_term",
        cell="unit06_expected_improvement_impl",
        find="ei = improvement * norm.cdf(z) + safe * norm.pdf(z)",
        replace="ei = improvement * norm.cdf(z)",
        expected={"unit06_expected_improvement": 0.6667},
        message="vs a Monte Carlo average",
    ),
    # --- the learning-rate schedule (2 points: three schedules against Keras) ------------------
    Mutant(
        # The cosine's progress counted from step 0 instead of from the end of the warm-up.
        name="cosine_counts_from_step_zero",
        cell="unit06_lr_schedule_impl",
        find="progress = min((step - warmup_steps) / max(total_steps - warmup_steps, 1), 1.0)",
        replace="progress = min(step / max(total_steps, 1), 1.0)",
        expected={"unit06_lr_schedule": 0.6667},
        message="vs Keras",
    ),
    # --- early stopping (2 points: four curves, and the run's restored weights) -------------
    Mutant(
        # Any decrease counts as an improvement: min_delta accepted and ignored.
        name="early_stopping_ignores_min_delta",
        cell="unit06_early_stopping_impl",
        find="        if loss < best - min_delta:\n            best, best_epoch = loss, epoch\n        elif",
        replace="        if loss < best:\n            best, best_epoch = loss, epoch\n        elif",
        expected={"unit06_early_stopping": 1.6667},
        message="tiny_improvements_ignored",
    ),
    Mutant(
        # Stops, but keeps the last epoch's weights: patience epochs of overfitting kept.
        name="early_stopping_keeps_the_last_weights",
        cell="unit06_early_stopping_impl",
        find="        if self.best_weights is not None:\n            self.model.set_weights(self.best_weights)",
        replace="        pass",
        expected={"unit06_early_stopping": 1.3333},
        message="restore the best weights",
    ),
    # --- transfer learning (3 points: few_labels, the frozen base, accuracy, gain) ----------
    Mutant(
        # The classes visited in sorted order, not in the order asked.
        name="few_labels_sorted_classes",
        cell="unit06_transfer_impl",
        find="for c in classes])",
        replace="for c in sorted(classes)])",
        expected={"unit06_transfer": 2.4},
        message="classes in the order asked",
    ),
    Mutant(
        # The base never frozen: training on 25 labels also rewrites the base, and its batch
        # norms switch to statistics of 16 examples; accuracy falls below the bar (about
        # 0.39), though it still beats the network from scratch.
        name="transfer_base_not_frozen",
        cell="unit06_transfer_impl",
        find="    base.trainable = False\n",
        replace="",
        expected={"unit06_transfer": 1.8},
        message="holds other weights than course_lib.pretrained.mnist1d_base()",
    ),
    Mutant(
        # The architecture without the pre-trained weights: "transfer" from a random base.
        name="transfer_from_a_random_base",
        cell="unit06_transfer_impl",
        find="model = build_transfer_model(pretrained.mnist1d_base(), 5)",
        replace="model = build_transfer_model(pretrained.mnist1d_base_architecture(), 5)",
        expected={"unit06_transfer": 0.6},
        message="holds other weights than course_lib.pretrained.mnist1d_base()",
    ),
    # --- autoencoders (4 points: the linear one's form and span, the non-linear one's error) -
    Mutant(
        # A bias in the decoder: harmless on centred data, but not the linear map asked for.
        name="linear_decoder_with_bias",
        cell="unit06_autoencoders_impl",
        find="keras.layers.Dense(x.shape[1], use_bias=False, name=\"decoder\")",
        replace="keras.layers.Dense(x.shape[1], name=\"decoder\")",
        expected={"unit06_autoencoders": 1.6},
        message="use_bias=False",
    ),
    Mutant(
        # A ReLU in the "linear" encoder: the code loses every negative coordinate.
        name="linear_encoder_with_relu",
        cell="unit06_autoencoders_impl",
        find="keras.layers.Dense(code_size, use_bias=False, name=\"encoder\")",
        replace="keras.layers.Dense(code_size, use_bias=False, activation=\"relu\", name=\"encoder\")",
        expected={"unit06_autoencoders": 1.6},
        message="without activations",
    ),
    Mutant(
        # One epoch instead of twenty: the non-linear autoencoder is still worse than PCA
        # (five epochs would already beat it).
        name="autoencoder_undertrained",
        cell="unit06_autoencoders_impl",
        find="optimizer=keras.optimizers.Adam(3e-3), epochs=20,",
        replace="optimizer=keras.optimizers.Adam(3e-3), epochs=1,",
        expected={"unit06_autoencoders": 2.4},
        message="mean squared error on fresh sequences",
    ),
    Mutant(
        # A code of 8 numbers: the reconstruction beats PCA at 4 without earning it.
        name="autoencoder_code_too_wide",
        cell="unit06_autoencoders_impl",
        find="keras.layers.Dense(64, activation=\"gelu\"), keras.layers.Dense(4)], name=\"encoder\")",
        replace="keras.layers.Dense(64, activation=\"gelu\"), keras.layers.Dense(8)], name=\"encoder\")",
        expected={"unit06_autoencoders": 0.0},
        message="encoder's output (the code)",
    ),
]

DEMO = {"planted_bug": "ei_ignores_xi", "weak_model": "autoencoder_undertrained"}
