"""Sample submissions for unit08: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit08 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
module is a catalogue: one entry per planted mistake, with the comment that says why a
student would write it and which check meets it. A mistake also declares what it costs the
later cells that run the mistaken function (multi-head attention calls the attention, the
reverser adds the positional encoding and is judged through the grader's copy with the
specified one), as measured with ``--whole --only MUTANT``.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- the simple RNN (3 points: the forward pass against Keras on four shapes, each of
    # the five gradients against float64 tf.GradientTape) ------------------------------------
    Mutant(
        # Every step starts from h0: the recurrence is never fed back.
        name="rnn_forward_always_from_h0",
        cell="unit08_rnn_bptt_impl",
        find="h = np.tanh(x[:, t] @ W_x + h @ W_h + b)",
        replace="h = np.tanh(x[:, t] @ W_x + h0 @ W_h + b)",
        expected={"unit08_rnn_bptt": 0.3333},
        message="rnn_forward vs keras.layers.SimpleRNN (one_sequence case",
    ),
    Mutant(
        # h W_h^T: the recurrent weight read the other way round (a PyTorch habit, where
        # weights are stored (out, in)).
        name="rnn_recurrent_weight_transposed",
        cell="unit08_rnn_bptt_impl",
        find="h = np.tanh(x[:, t] @ W_x + h @ W_h + b)",
        replace="h = np.tanh(x[:, t] @ W_x + h @ W_h.T + b)",
        expected={"unit08_rnn_bptt": 0.0},
        message="rnn_forward vs keras.layers.SimpleRNN (one_step case",
    ),
    Mutant(
        # Truncated backpropagation: each step sees only its own upstream gradient.
        name="bptt_truncated_to_one_step",
        cell="unit08_rnn_bptt_impl",
        find="delta_a = (dH[:, t] + from_later) * (1.0 - H[:, t] ** 2)",
        replace="delta_a = dH[:, t] * (1.0 - H[:, t] ** 2)",
        expected={"unit08_rnn_bptt": 1.3333},
        message="dL/dW_h vs float64 tf.GradientTape (thirty_steps case",
    ),
    Mutant(
        # The derivative of tanh forgotten: the gradient as if the cell were linear.
        name="bptt_without_tanh_derivative",
        cell="unit08_rnn_bptt_impl",
        find="delta_a = (dH[:, t] + from_later) * (1.0 - H[:, t] ** 2)",
        replace="delta_a = dH[:, t] + from_later",
        expected={"unit08_rnn_bptt": 1.3333},
        message="dL/dx vs float64 tf.GradientTape (one_step case",
    ),
    Mutant(
        # h_t instead of h_{t-1} in the recurrent weight's gradient: an index off by one.
        name="bptt_recurrent_gradient_uses_current_state",
        cell="unit08_rnn_bptt_impl",
        find='grads["W_h"] += h_prev.T @ delta_a',
        replace='grads["W_h"] += H[:, t].T @ delta_a',
        expected={"unit08_rnn_bptt": 2.6667},
        message="dL/dW_h vs float64 tf.GradientTape",
    ),
    Mutant(
        # The initial state treated as a constant: no gradient for it.
        name="bptt_no_gradient_for_h0",
        cell="unit08_rnn_bptt_impl",
        find='grads["h0"] = from_later',
        replace='grads["h0"] = np.zeros_like(h0)',
        expected={"unit08_rnn_bptt": 2.6667},
        message="dL/dh0 vs float64 tf.GradientTape",
    ),
    # --- the LSTM cell (3 points: Keras' LSTMCell on three cases, ten chained steps) --------
    Mutant(
        # A textbook's gate order (f, i, c, o) on Keras' weights.
        name="lstm_gates_in_another_order",
        cell="unit08_lstm_cell_impl",
        find="z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)",
        replace="z_f, z_i, z_c, z_o = np.split(z, 4, axis=-1)",
        expected={"unit08_lstm_cell": 0.0},
        message="reads the gate blocks as f, i, c, o",
    ),
    Mutant(
        # The output gate applied to the cell itself, without its tanh.
        name="lstm_hidden_state_without_tanh",
        cell="unit08_lstm_cell_impl",
        find="h_new = sigmoid(z_o) * np.tanh(c_new)",
        replace="h_new = sigmoid(z_o) * c_new",
        expected={"unit08_lstm_cell": 0.0},
        message="h_new vs keras.layers.LSTMCell",
    ),
    # --- attention (3 points: the causal mask, four reference cases, the future check) ------
    Mutant(
        # The 1/sqrt(d_k) left out.
        name="attention_unscaled",
        cell="unit08_attention_impl",
        find="scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])",
        replace="scores = q @ np.swapaxes(k, -1, -2)",
        # Scores in the thousands make both softmaxes one-hot: the large_scores case passes.
        expected={"unit08_attention": 1.5, "unit08_multi_head_attention": 0.0},
        message="attention weights softmax(q k^T / sqrt(d_k)) over the keys (rectangular case",
    ),
    Mutant(
        # The softmax normalised over the queries (axis -2) instead of the keys.
        name="attention_softmax_over_queries",
        cell="unit08_attention_impl",
        find="weights = weights / weights.sum(axis=-1, keepdims=True)",
        replace="weights = weights / weights.sum(axis=-2, keepdims=True)",
        # Each column's normalisation runs over later queries too: the future leaks in.
        expected={"unit08_attention": 0.5, "unit08_multi_head_attention": 0.0},
        message="attention weights softmax(q k^T / sqrt(d_k)) over the keys (batched_heads case",
    ),
    Mutant(
        # exp of the raw scores: fine until the scores reach the hundreds.
        name="attention_without_max_subtraction",
        cell="unit08_attention_impl",
        find="    scores = scores - scores.max(axis=-1, keepdims=True)\n",
        replace="",
        expected={"unit08_attention": 2.5},
        message="subtract each row's maximum",
    ),
    Mutant(
        # The mask's triangle the wrong way round: each query sees only the future.
        name="causal_mask_upper_triangle",
        cell="unit08_attention_impl",
        find="return np.tril(np.ones((n, n), dtype=bool))",
        replace="return np.triu(np.ones((n, n), dtype=bool))",
        expected={"unit08_attention": 2.5, "unit08_multi_head_attention": 2.25},
        message="causal_mask(2) must be a boolean (2, 2) array",
    ),
    Mutant(
        # The mask applied to the weights after the softmax: rows no longer sum to 1.
        name="attention_mask_after_softmax",
        cell="unit08_attention_impl",
        find="    if mask is not None:\n        scores = np.where(mask, scores, -np.inf)\n"
        "    scores = scores - scores.max(axis=-1, keepdims=True)\n"
        "    weights = np.exp(scores)\n"
        "    weights = weights / weights.sum(axis=-1, keepdims=True)\n",
        replace="    scores = scores - scores.max(axis=-1, keepdims=True)\n"
        "    weights = np.exp(scores)\n"
        "    weights = weights / weights.sum(axis=-1, keepdims=True)\n"
        "    if mask is not None:\n        weights = np.where(mask, weights, 0.0)\n",
        expected={"unit08_attention": 2.0, "unit08_multi_head_attention": 2.25},
        message="causal outputs 0..0 after changing the keys and values after position 0",
    ),
    # --- multi-head attention (3 points: four configurations against Keras) -----------------
    Mutant(
        # Scaled by 1/sqrt(d), the model width, instead of 1/sqrt(key_dim).
        name="mha_scaled_by_model_width",
        cell="unit08_multi_head_attention_impl",
        find="heads, _ = scaled_dot_product_attention(q, k, v, mask)",
        replace="heads, _ = scaled_dot_product_attention(q * np.sqrt(q.shape[-1] / query.shape[-1]), k, v, mask)",
        expected={"unit08_multi_head_attention": 0.75},
        message="multi_head_attention vs keras.layers.MultiHeadAttention (two_heads_cross",
    ),
    Mutant(
        # The causal flag accepted and ignored.
        name="mha_causal_ignored",
        cell="unit08_multi_head_attention_impl",
        find="mask = causal_mask(query.shape[1]) if causal else None",
        replace="mask = None",
        expected={"unit08_multi_head_attention": 2.25},
        message="four_heads_causal",
    ),
    Mutant(
        # The output projection without its bias.
        name="mha_output_bias_missing",
        cell="unit08_multi_head_attention_impl",
        find='return np.einsum("bhnk,hkd->bnd", heads, weights["output_kernel"]) + weights["output_bias"]',
        replace='return np.einsum("bhnk,hkd->bnd", heads, weights["output_kernel"])',
        expected={"unit08_multi_head_attention": 0.0},
        message="multi_head_attention vs keras.layers.MultiHeadAttention (one_head_self",
    ),
    # --- positional encoding (2 points: three sizes, the offset property, odd d) ------------
    Mutant(
        # cos in the even columns and sin in the odd ones.
        name="pe_sin_and_cos_swapped",
        cell="unit08_positional_encoding_impl",
        find="encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)",
        replace="encoding[:, 0::2], encoding[:, 1::2] = np.cos(angles), np.sin(angles)",
        expected={"unit08_positional_encoding": 0.8, "unit08_reversal": 1.0},
        message="positional_encoding(1, 2)",
    ),
    Mutant(
        # All sines in the first half and all cosines in the second (a common variant).
        name="pe_halves_instead_of_interleaved",
        cell="unit08_positional_encoding_impl",
        find="encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)",
        replace="encoding[:, : d // 2], encoding[:, d // 2 :] = np.sin(angles), np.cos(angles)",
        expected={"unit08_positional_encoding": 1.2, "unit08_reversal": 1.0},
        message="positional_encoding(33, 6)",
    ),
    Mutant(
        # Sines everywhere: positions are no longer rotations of each other.
        name="pe_sines_in_every_column",
        cell="unit08_positional_encoding_impl",
        find="encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)",
        replace="encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.sin(angles)",
        expected={"unit08_positional_encoding": 0.4, "unit08_reversal": 1.0},
        message="(must not depend on p)",
    ),
    Mutant(
        # An odd width quietly rounded up instead of refused.
        name="pe_odd_width_accepted",
        cell="unit08_positional_encoding_impl",
        find='raise ValueError(f"d must be even, got {d}")',
        replace="return positional_encoding(length, d + 1)[:, :d]",
        expected={"unit08_positional_encoding": 1.6},
        message="positional_encoding(10, 7): expected a ValueError",
    ),
    # --- the adding problem (3 points: both models' layers, the ValueError, the trained LSTM
    # on fresh sequences; gate: lstm_adding is an LSTM) ----------------------------------------
    Mutant(
        # kind ignored: both models are simple RNNs, so the "LSTM" never learns.
        name="adding_always_simple_rnn",
        cell="unit08_adding_problem_impl",
        find="layers[kind](units)",
        replace="keras.layers.SimpleRNN(units)",
        expected={"unit08_adding_problem": 0.0},
        message="lstm_adding must be adding_model('lstm')",
    ),
    Mutant(
        # No check of kind: an unknown one fails with a KeyError, not the promised ValueError.
        name="adding_unknown_kind_not_refused",
        cell="unit08_adding_problem_impl",
        find="    if kind not in layers:\n        raise ValueError(f\"kind must be 'lstm' or 'simple_rnn', got {kind!r}\")\n",
        replace="",
        expected={"unit08_adding_problem": 2.4},
        message="adding_model('transformer', 8): expected a ValueError",
    ),
    Mutant(
        # Stopped after 3 epochs, before the LSTM finds the markers.
        name="adding_trained_briefly",
        cell="unit08_adding_problem_impl",
        find="optimizer=keras.optimizers.Adam(3e-3), epochs=9,",
        replace="optimizer=keras.optimizers.Adam(3e-3), epochs=3,",
        expected={"unit08_adding_problem": 1.8},
        message="lstm_adding's mean squared error on 4000 fresh 50-step sequences",
    ),
    Mutant(
        # A cheat: the answer computed by Keras ops inside the "trained" model, next to an
        # untrained LSTM. No layer list shows an op; the grader's copy holds only the weights.
        name="adding_answer_computed_by_ops",
        cell="unit08_adding_problem_impl",
        find='lstm_adding, rnn_adding = trained["lstm"], trained["simple_rnn"]',
        replace='rnn_adding = trained["simple_rnn"]\n'
        "sequences_in = keras.Input((None, 2))\n"
        "untrained = keras.layers.Dense(1)(keras.layers.LSTM(32)(sequences_in))\n"
        "answer = keras.ops.sum(sequences_in[..., 0] * sequences_in[..., 1], axis=1, keepdims=True)\n"
        "lstm_adding = keras.Model(sequences_in, 0.0 * untrained + answer)",
        expected={"unit08_adding_problem": 1.8},
        message="lstm_adding's mean squared error on 4000 fresh 50-step sequences",
    ),
    # --- the character language model (3 points: the windows, held-out perplexity; gate: the
    # model gives logits) -------------------------------------------------------------------
    Mutant(
        # Targets not shifted: the model learns to copy its input, which says nothing about
        # the next character.
        name="char_targets_not_shifted",
        cell="unit08_char_lm_impl",
        find="return ids[rows].astype(np.int32), ids[rows + 1].astype(np.int32)",
        replace="return ids[rows].astype(np.int32), ids[rows].astype(np.int32)",
        expected={"unit08_char_lm": 0.0},
        message="the input window shifted by one",
    ),
    Mutant(
        # A learning rate a hundred times too small for 200 steps.
        name="char_learning_rate_too_small",
        cell="unit08_char_lm_impl",
        find="optimizer=keras.optimizers.Adam(5e-3), epochs=1, batch_size=64,",
        replace="optimizer=keras.optimizers.Adam(5e-5), epochs=1, batch_size=64,",
        expected={"unit08_char_lm": 1.0},
        message="char_lm's perplexity on 1000 windows of 64 characters of held-out text",
    ),
    Mutant(
        # An LSTM where the spec says GRU: a fine language model, but not the network the
        # grader copies the weights into.
        name="char_lstm_instead_of_gru",
        cell="unit08_char_lm_impl",
        find="keras.layers.GRU(units, return_sequences=True),",
        replace="keras.layers.LSTM(units, return_sequences=True),",
        expected={"unit08_char_lm": 0.0},
        message="char_lm must be char_model(65)",
    ),
    # --- the reversal transformer (3 points: other sizes, fresh token accuracy; gates: one
    # single-head attention layer, logits) ----------------------------------------------------
    Mutant(
        # No positional encoding: attention cannot tell positions apart.
        name="reversal_without_positional_encoding",
        cell="unit08_reversal_impl",
        find="h = keras.layers.Embedding(vocab, d)(tokens) + positional_encoding(length, d).astype(\"float32\")",
        replace="h = keras.layers.Embedding(vocab, d)(tokens)",
        expected={"unit08_reversal": 1.0},
        message="reverser's token accuracy on 2000 fresh sequences",
    ),
    Mutant(
        # A causal mask copied from a language model: the first output cannot see the last input.
        name="reversal_with_causal_mask",
        cell="unit08_reversal_impl",
        find="keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)(h, h)",
        replace="keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)(h, h, use_causal_mask=True)",
        expected={"unit08_reversal": 1.0},
        message="reverser's token accuracy on 2000 fresh sequences",
    ),
    Mutant(
        # The notebook's sizes written into the model: right for 16/10/32 only.
        name="reversal_sizes_fixed",
        cell="unit08_reversal_impl",
        find="h = keras.layers.Embedding(vocab, d)(tokens) + positional_encoding(length, d).astype(\"float32\")",
        replace="h = keras.layers.Embedding(10, 32)(tokens) + positional_encoding(16, 32).astype(\"float32\")",
        expected={"unit08_reversal": 2.0},
        message="reversal_model(8, 5, 16) must",
    ),
    Mutant(
        # Dropout after attention, as in the paper: a layer the specified block does not have.
        name="reversal_with_dropout",
        cell="unit08_reversal_impl",
        find="keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)(h, h))",
        replace="keras.layers.Dropout(0.1)(keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)(h, h)))",
        expected={"unit08_reversal": 0.0},
        message="reverser must be reversal_model()",
    ),
]

DEMO = {"planted_bug": "lstm_gates_in_another_order", "weak_model": "adding_trained_briefly"}

# Restored as definitions only after a mistake's span (see autograder.authoring.packing).
# Only their own tests and the plots read the adding-problem networks and the language model.
RESULTS_NOT_REUSED = (
    "unit08_adding_problem_impl",
    "unit08_char_lm_impl",
)
