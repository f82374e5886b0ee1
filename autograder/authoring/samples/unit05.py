"""Sample submissions for unit05: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit05 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
Toeplitz matrix uses ``conv_output_length`` and ``same_padding``, so a mistake in those
can cost the matrix too. The module is long because it is a catalogue: one entry per
planted mistake, each with the comment that says why a student would write it and which
check it meets.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

_DIGITS_MLP = """\
    return keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
         keras.layers.Dense(10)],
        name="digits_cnn",
    )"""

# The paper's CNN (Greydanus, 2020): three convolutions of 25 channels, kernels 5, 3, 3,
# stride 2, no normalisation, Adam at a constant 0.01; the course's bench measures 0.932.
_PUBLISHED_CNN = """\
    layers = [keras.Input((40,)), keras.layers.Reshape((40, 1))]
    for kernel in (5, 3, 3):
        layers += [keras.layers.ZeroPadding1D(1), keras.layers.Conv1D(25, kernel, strides=2, activation="relu")]
    layers += [keras.layers.Flatten(), keras.layers.Dense(10)]
    return keras.Sequential(layers, name="mnist1d_cnn")"""

MUTANTS = [
    # --- output lengths (2 points: valid grid, same grid, 2-D per axis, same_padding, the
    # ValueError) -------------------------------------------------------------------------
    Mutant(
        # The span of a dilated kernel forgotten: right for every undilated layer.
        name="valid_length_ignores_dilation",
        cell="unit05_output_length_impl",
        find="return (n - span) // stride + 1",
        replace="return (n - kernel_size) // stride + 1",
        expected={"unit05_output_length": 1.6},
        message="conv_output_length differs from Keras",
    ),
    Mutant(
        # floor(n / s) instead of ceil(n / s): right whenever the stride divides n. The
        # Toeplitz matrix takes its size from here, so its "same" cases fail too.
        name="same_length_floor",
        cell="unit05_output_length_impl",
        find="return -(-n // stride)",
        replace="return n // stride",
        expected={"unit05_output_length": 0.8, "unit05_conv_matrix": 2.4},
        message="conv_output_length differs from Keras",
    ),
    Mutant(
        # The extra zero of an odd total put before (PyTorch users' instinct): the matrix
        # then shifts every "same" output with an odd total by one pixel.
        name="same_padding_extra_zero_before",
        cell="unit05_output_length_impl",
        find="return total // 2, total - total // 2",
        replace="return total - total // 2, total // 2",
        expected={"unit05_output_length": 1.6, "unit05_conv_matrix": 1.6},
        message="VALID conv1d of the input padded by same_padding",
    ),
    Mutant(
        # Any padding that is not "same" treated as "valid": no ordinary call reaches the
        # branch whose ValueError the docstring promises.
        name="unknown_padding_treated_as_valid",
        cell="unit05_output_length_impl",
        find="raise ValueError(f\"padding must be 'valid' or 'same', got {padding!r}\")",
        replace="return (n - span) // stride + 1",
        expected={"unit05_output_length": 1.6},
        message="expected a ValueError",
    ),
    # --- the Toeplitz matrix (4 points: a gate, five cases) ---------------------------------
    Mutant(
        # reshape where a transpose is needed: the (c_in, c_out) block read as (c_out, c_in).
        # Right whenever one of the two channel counts is 1.
        name="kernel_block_reshaped_not_transposed",
        cell="unit05_conv_matrix_impl",
        find="T[rows, columns] += kernel[u, v].T  # (c_out, c_in)",
        replace="T[rows, columns] += kernel[u, v].reshape(c_out, c_in)",
        expected={"unit05_conv_matrix": 1.6},
        message="entry by entry",
    ),
    Mutant(
        # The textbook convolution: the kernel flipped. Deep learning's layers correlate.
        name="true_convolution_flipped_kernel",
        cell="unit05_conv_matrix_impl",
        find="r, c = i * stride + u - top, j * stride + v - left",
        replace="r, c = i * stride + (kh - 1 - u) - top, j * stride + (kw - 1 - v) - left",
        expected={"unit05_conv_matrix": 0.0},
        message="flips the kernel",
    ),
    Mutant(
        # The "after" padding used as the offset: one pixel off wherever the total is odd.
        name="same_offset_from_after_padding",
        cell="unit05_conv_matrix_impl",
        find='top = same_padding(height, kh, stride)[0] if padding == "same" else 0',
        replace='top = same_padding(height, kh, stride)[1] if padding == "same" else 0',
        expected={"unit05_conv_matrix": 1.6},
        message="entry by entry",
    ),
    Mutant(
        # The stride applied to the columns but forgotten for the rows.
        name="row_stride_forgotten",
        cell="unit05_conv_matrix_impl",
        find="r, c = i * stride + u - top, j * stride + v - left",
        replace="r, c = i + u - top, j * stride + v - left",
        expected={"unit05_conv_matrix": 1.6},
        message="entry by entry, vs the matrix of tf.nn.conv2d",
    ),
    Mutant(
        # Channels-first flattening of the input (PyTorch's layout): right for one channel.
        name="channels_first_columns",
        cell="unit05_conv_matrix_impl",
        find="columns = slice((r * width + c) * c_in, (r * width + c + 1) * c_in)",
        replace="columns = np.arange(c_in) * height * width + r * width + c",
        expected={"unit05_conv_matrix": 1.6},
        message="entry by entry, vs the matrix of tf.nn.conv2d",
    ),
    Mutant(
        # The matrix read off TensorFlow's responses to basis images: right, and not the
        # exercise. The gate reads the code.
        name="matrix_from_conv2d_responses",
        cell="unit05_conv_matrix_impl",
        find="    T = np.zeros((h_out * w_out * c_out, height * width * c_in))\n",
        replace=(
            "    basis = np.eye(height * width * c_in).reshape(-1, height, width, c_in)\n"
            "    responses = tf.nn.conv2d(basis, kernel, strides=stride, padding=padding.upper())\n"
            "    return responses.numpy().reshape(len(basis), -1).T\n"
            "    T = np.zeros((h_out * w_out * c_out, height * width * c_in))\n"
        ),
        expected={"unit05_conv_matrix": 0.0},
        message="uses conv2d, which is not allowed here",
    ),
    # --- pooling forward (2 points: six cases) ----------------------------------------------
    Mutant(
        # Sum pooling: the average without its division.
        name="avg_pool_sums",
        cell="unit05_pooling_forward_impl",
        find="window.mean(axis=(1, 2))",
        replace="window.sum(axis=(1, 2))",
        expected={"unit05_pooling_forward": 1.3333},
        message="vs tf.nn.avg_pool2d",
    ),
    Mutant(
        # The window moves by one whatever the stride: right only for stride 1.
        name="pool_forward_ignores_stride",
        cell="unit05_pooling_forward_impl",
        find="window = x[:, i * stride : i * stride + size, j * stride : j * stride + size, :]",
        replace="window = x[:, i : i + size, j : j + size, :]",
        expected={"unit05_pooling_forward": 0.6667},
        message="pool2d_forward(x of shape",
    ),
    # --- pooling backward (3 points: a gate, six cases) -------------------------------------
    Mutant(
        # The last maximum of a tie instead of the first: a valid subgradient, not TF's.
        name="max_pool_ties_to_last_maximum",
        cell="unit05_pooling_backward_impl",
        find="u, v = np.divmod(window.argmax(axis=1), size)",
        replace="u, v = np.divmod(size * size - 1 - window[:, ::-1, :].argmax(axis=1), size)",
        expected={"unit05_pooling_backward": 2.5},
        message="the first maximum in row-major order takes it all",
    ),
    Mutant(
        # The average's gradient without the 1/k^2.
        name="avg_pool_backward_not_divided",
        cell="unit05_pooling_backward_impl",
        find="grad[:, None, None, :] / size**2",
        replace="grad[:, None, None, :]",
        expected={"unit05_pooling_backward": 2.0},
        message="did you forget to divide by the window's size?",
    ),
    Mutant(
        # Assignment where overlapping windows must add up: the last window wins.
        name="overlapping_windows_overwrite",
        cell="unit05_pooling_backward_impl",
        find="np.add.at(dx, (b_index, top + u, left + v, c_index), grad)",
        replace="dx[b_index, top + u, left + v, c_index] = grad",
        expected={"unit05_pooling_backward": 2.0},
        message="vs tf.GradientTape",
    ),
    Mutant(
        # Autodiff instead of routing by hand: right values, and the gate.
        name="pool_backward_by_tape",
        cell="unit05_pooling_backward_impl",
        find="    dx = np.zeros_like(x)\n",
        replace=(
            "    x_var = tf.Variable(x)\n"
            "    pool = tf.nn.max_pool2d if mode == 'max' else tf.nn.avg_pool2d\n"
            "    with tf.GradientTape() as tape:\n"
            "        y = pool(x_var, size, stride, 'VALID')\n"
            "    return tape.gradient(y, x_var, output_gradients=tf.constant(dout)).numpy()\n"
            "    dx = np.zeros_like(x)\n"
        ),
        expected={"unit05_pooling_backward": 0.0},
        message="which is not allowed here",
    ),
    # --- receptive fields (2 points: four stacks measured, the jumps) -----------------------
    Mutant(
        # The jump updated before it is used: every layer after a stride grows too fast.
        name="jump_updated_before_size",
        cell="unit05_receptive_field_impl",
        find="        size += dilation * (kernel - 1) * jump\n        jump *= stride\n",
        replace="        jump *= stride\n        size += dilation * (kernel - 1) * jump\n",
        expected={"unit05_receptive_field": 1.2},
        message="vs measured with a gradient",
    ),
    Mutant(
        name="receptive_field_ignores_dilation",
        cell="unit05_receptive_field_impl",
        find="size += dilation * (kernel - 1) * jump",
        replace="size += (kernel - 1) * jump",
        expected={"unit05_receptive_field": 1.2},
        message="vs measured with a gradient",
    ),
    Mutant(
        # Strides added instead of multiplied: right for a single strided layer.
        name="jumps_add_strides",
        cell="unit05_receptive_field_impl",
        find="jump *= stride",
        replace="jump += stride - 1",
        expected={"unit05_receptive_field": 0.8},
        message="distance between neighbouring units",
    ),
    # --- the Inception module (3 points: two counts, the layer list, outputs x2 (2 each),
    # the shape) ------------------------------------------------------------------------
    Mutant(
        # The 5x5 branch concatenated before the 3x3: same layers, same shape, other outputs.
        name="inception_concat_order",
        cell="unit05_inception_impl",
        find="[branch1, branch3, branch5, branch_pool]",
        replace="[branch1, branch5, branch3, branch_pool]",
        expected={"unit05_inception": 1.5},
        message="concatenated in the order 1x1, 3x3, 5x5, pool",
    ),
    Mutant(
        # No ReLU on the 1x1 convolutions ("they only mix channels").
        name="inception_linear_1x1_convolutions",
        cell="unit05_inception_impl",
        find='padding="same", activation="relu", name=name)(x)',
        replace='padding="same", activation="relu" if size > 1 else None, name=name)(x)',
        expected={"unit05_inception": 1.125},
        message="not as specified",
    ),
    Mutant(
        # A shorter module: the pool branch left out. Comparing only the layers both
        # models have would pass it.
        name="inception_without_pool_branch",
        cell="unit05_inception_impl",
        find="[branch1, branch3, branch5, branch_pool]",
        replace="[branch1, branch3, branch5]",
        expected={"unit05_inception": 0.75},
        message="missing: ",
    ),
    Mutant(
        name="inception_count_without_biases",
        cell="unit05_inception_impl",
        find='return (in_channels + 1) * reduce_like + (9 * c["3x3_reduce"] + 1) * c["3x3"] + (25 * c["5x5_reduce"] + 1) * c["5x5"]',
        replace='return in_channels * reduce_like + 9 * c["3x3_reduce"] * c["3x3"] + 25 * c["5x5_reduce"] * c["5x5"]',
        expected={"unit05_inception": 2.25},
        message="inception_param_count(",
    ),
    # --- the digits CNN (2 points: a gate, logits, accuracy x2, the training arguments) ----
    Mutant(
        # An MLP on the flattened pixels: a fine classifier, not the unit's idea.
        name="digits_mlp_instead_of_cnn",
        cell="unit05_digits_cnn_impl",
        find=(
            "    layers = [keras.Input((8, 8, 1))]\n"
            "    for filters, pool in ((32, False), (32, True), (64, False)):\n"
        ),
        replace=_DIGITS_MLP + "\n    layers = [keras.Input((8, 8, 1))]\n"
        "    for filters, pool in ((32, False), (32, True), (64, False)):\n",
        expected={"unit05_digits_cnn": 0.0},
        message="has no Conv2D layer",
    ),
    Mutant(
        # A softmax on the output layer, trained with a from-logits loss: the softmax is
        # applied twice, the outputs are probabilities.
        name="digits_softmax_output",
        cell="unit05_digits_cnn_impl",
        find="layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)]",
        replace='layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")]',
        expected={"unit05_digits_cnn": 1.5},
        message="digits_cnn outputs probabilities",
    ),
    Mutant(
        name="digits_epochs_hardcoded",
        cell="unit05_digits_cnn_impl",
        find="epochs=epochs, batch_size=batch_size,\n        seed=seed, verbose=False,",
        replace="epochs=20, batch_size=batch_size,\n        seed=seed, verbose=False,",
        expected={"unit05_digits_cnn": 1.5},
        message="train_digits_cnn never uses its argument epochs",
    ),
    # --- the MNIST-1D CNN (3 points: a gate, Conv1D layers, logits, accuracy x2, the
    # training arguments) -----------------------------------------------------------------
    Mutant(
        # The paper's network trained as the notebook trains its own: below the bar.
        name="mnist1d_published_cnn",
        cell="unit05_mnist1d_cnn_impl",
        find=(
            "    layers = [keras.Input((40,)), keras.layers.Reshape((40, 1))]\n"
            "    for filters, kernel, stride in"
        ),
        replace=_PUBLISHED_CNN
        + "\n    layers = [keras.Input((40,)), keras.layers.Reshape((40, 1))]\n"
        "    for filters, kernel, stride in",
        expected={"unit05_mnist1d_cnn": 1.8},
        message="the published CNN's figure",
    ),
    Mutant(
        # One wide strided convolution, then the dense layer does the rest.
        name="mnist1d_single_convolution",
        cell="unit05_mnist1d_cnn_impl",
        find="for filters, kernel, stride in ((32, 5, 1), (32, 3, 2), (64, 3, 1), (64, 3, 2)):",
        replace="for filters, kernel, stride in ((64, 5, 2),):",
        expected={"unit05_mnist1d_cnn": 1.2},
        message="the spec asks for at least two",
    ),
    Mutant(
        name="mnist1d_softmax_output",
        cell="unit05_mnist1d_cnn_impl",
        find="layers += [keras.layers.Flatten(), keras.layers.Dense(10)]",
        replace='layers += [keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]',
        expected={"unit05_mnist1d_cnn": 2.4},
        message="mnist1d_cnn outputs probabilities",
    ),
    Mutant(
        name="mnist1d_learning_rate_ignored",
        cell="unit05_mnist1d_cnn_impl",
        find="CosineDecay(learning_rate, decay_steps=steps)",
        replace="CosineDecay(3e-3, decay_steps=steps)",
        expected={"unit05_mnist1d_cnn": 2.4},
        message="train_mnist1d_cnn never uses its argument learning_rate",
    ),
    Mutant(
        # Trained on the public test split: 1000 sequences are too few for this network
        # (0.49 on the test split itself, 0.33 on fresh samples), and the gate closes.
        name="mnist1d_trained_on_test_split",
        cell="unit05_mnist1d_cnn_impl",
        find="train_mnist1d_cnn(mnist1d_cnn, x_fit, y_fit, validation_data=(x_val, y_val))",
        replace="train_mnist1d_cnn(mnist1d_cnn, x_test, y_test, validation_data=(x_val, y_val))",
        expected={"unit05_mnist1d_cnn": 0.0},
        message="a linear model reaches about 0.32",
    ),
]

DEMO = {"planted_bug": "avg_pool_backward_not_divided", "weak_model": "mnist1d_published_cnn"}

# Restored as definitions only after a mistake's span (see autograder.authoring.packing).
# Only its own test reads the digits CNN and its accuracy.
RESULTS_NOT_REUSED = (
    "unit05_digits_cnn_impl",
)
