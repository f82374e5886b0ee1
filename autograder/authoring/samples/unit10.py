"""Sample submissions for unit10: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit10 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
module is a catalogue: one entry per planted mistake, with the comment that says why a
student would write it and which check meets it.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- the bootstrap (3 points: two exact replays, agreement with scipy.stats.bootstrap) --
    Mutant(
        # A permutation is not a resample: every "resample" has the same mean.
        name="bootstrap_without_replacement",
        cell="unit10_bootstrap_impl",
        find="indices = rng.integers(0, len(values), size=(n_resamples, len(values)))",
        replace="indices = np.array([rng.permutation(len(values)) for _ in range(n_resamples)])",
        expected={"unit10_bootstrap": 0.0},
        message="vs scipy.stats.bootstrap",
    ),
    Mutant(
        # The quantiles at 1 - c and c: a 90 % interval labelled 95 %.
        name="bootstrap_quantiles_at_the_wrong_levels",
        cell="unit10_bootstrap_impl",
        find="low, high = np.quantile(replicates, [tail, 1.0 - tail])",
        replace="low, high = np.quantile(replicates, [1.0 - confidence, confidence])",
        expected={"unit10_bootstrap": 0.0},
        message="bootstrap_ci of the mean (60 samples, 20,000 resamples, 95%) vs scipy.stats.bootstrap",
    ),
    Mutant(
        # The number of resamples ignored: right in distribution, not replayable.
        name="bootstrap_fixed_1000_resamples",
        cell="unit10_bootstrap_impl",
        find="size=(n_resamples, len(values))",
        replace="size=(1000, len(values))",
        expected={"unit10_bootstrap": 1.0},
        message="vs the algorithm replayed",
    ),
    # --- McNemar (3 points: the counts, four p-values against scipy.stats.binomtest) -------
    Mutant(
        # One tail only: half the two-sided p-value.
        name="mcnemar_one_sided",
        cell="unit10_mcnemar_impl",
        find="p_value = min(1.0, 2.0 * binom.cdf(min(b, c), b + c, 0.5))",
        replace="p_value = binom.cdf(min(b, c), b + c, 0.5)",
        expected={"unit10_mcnemar": 1.2},
        message="mcnemar_test p-value (lopsided case",
    ),
    Mutant(
        # Twice the tail without the clip at 1 (and no special case for no disagreements):
        # a "probability" of 2 when b = c = 0, above 1 whenever b = c.
        name="mcnemar_p_value_not_clipped",
        cell="unit10_mcnemar_impl",
        find="""    if b + c == 0:
        return {"b": b, "c": c, "p_value": 1.0}
    p_value = min(1.0, 2.0 * binom.cdf(min(b, c), b + c, 0.5))""",
        replace="    p_value = 2.0 * binom.cdf(min(b, c), b + c, 0.5)",
        expected={"unit10_mcnemar": 1.8},
        message="mcnemar_test p-value (no_disagreement case",
    ),
    Mutant(
        # Agreements counted as well: b counts every sample A gets right. The p-value cases
        # whose samples have no agreement on a right answer do not show it.
        name="mcnemar_counts_agreements",
        cell="unit10_mcnemar_impl",
        find="b = int(np.sum(correct_a & ~correct_b))",
        replace="b = int(np.sum(correct_a))",
        expected={"unit10_mcnemar": 1.8},
        message="b, c = ",
    ),
    Mutant(
        # The chi-squared approximation with continuity correction instead of the exact test.
        name="mcnemar_chi_squared_approximation",
        cell="unit10_mcnemar_impl",
        find="p_value = min(1.0, 2.0 * binom.cdf(min(b, c), b + c, 0.5))",
        replace="from scipy.stats import chi2\n    p_value = float(chi2.sf((abs(b - c) - 1) ** 2 / (b + c), 1))",
        expected={"unit10_mcnemar": 1.2},
        message="mcnemar_test p-value (lopsided case",
    ),
    # --- the t interval (2 points: three cases against scipy.stats.t, the ValueError) -------
    Mutant(
        # The normal quantile 1.96 whatever the number of seeds.
        name="t_interval_uses_the_normal_quantile",
        cell="unit10_t_interval_impl",
        find="half_width = t.ppf((1.0 + confidence) / 2.0, k - 1)",
        replace="from scipy.stats import norm\n    half_width = norm.ppf((1.0 + confidence) / 2.0)",
        expected={"unit10_t_interval": 0.5},
        message="(mean, half_width) of t_interval for 3 scores at confidence 0.95",
    ),
    Mutant(
        # The population standard deviation (divides by k, not k - 1).
        name="t_interval_biased_std",
        cell="unit10_t_interval_impl",
        find="scores.std(ddof=1)",
        replace="scores.std()",
        expected={"unit10_t_interval": 0.5},
        message="(mean, half_width) of t_interval for 10 scores at confidence 0.9",
    ),
    Mutant(
        # The confidence argument ignored: always 95 %.
        name="t_interval_ignores_confidence",
        cell="unit10_t_interval_impl",
        find="t.ppf((1.0 + confidence) / 2.0, k - 1)",
        replace="t.ppf(0.975, k - 1)",
        expected={"unit10_t_interval": 1.0},
        message="(mean, half_width) of t_interval for 10 scores at confidence 0.99",
    ),
    Mutant(
        # One score: a nan half-width instead of the promised ValueError.
        name="t_interval_accepts_one_score",
        cell="unit10_t_interval_impl",
        find="    if k < 2:\n",
        replace="    if k < 1:\n",
        expected={"unit10_t_interval": 1.5},
        message="t_interval([0.9], 0.95): expected a ValueError",
    ),
    # --- the architectures (2 points: each kind's layers, the ValueError) --------------------
    Mutant(
        # "valid" convolutions: the CNN's Flatten then sees fewer positions.
        name="cnn_without_same_padding",
        cell="unit10_capstone_models_impl",
        find='body += [layers.Conv1D(25, k, strides=2, padding="same", activation="relu") for k in (5, 3, 3)]',
        replace='body += [layers.Conv1D(25, k, strides=2, activation="relu") for k in (5, 3, 3)]',
        # The capstone builds its CNNs with make_model: not the specified network, so its
        # gate fails and the cell earns nothing.
        expected={"unit10_capstone_models": 1.6667, "unit10_capstone": 0.0},
        message="make_model('cnn') must be Input((40,))",
    ),
    Mutant(
        # One sample per step: twice the sequential steps, another input width.
        name="gru_one_sample_per_step",
        cell="unit10_capstone_models_impl",
        find="body = [layers.Reshape((20, 2)), layers.GRU(32), layers.Dense(10)]",
        replace="body = [layers.Reshape((40, 1)), layers.GRU(32), layers.Dense(10)]",
        expected={"unit10_capstone_models": 1.6667, "unit10_capstone": 0.0},
        message="make_model('gru') must be Input((40,))",
    ),
    Mutant(
        # An unknown kind falls through to the linear model.
        name="unknown_kind_gives_a_linear_model",
        cell="unit10_capstone_models_impl",
        find='        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")',
        replace="        body = [layers.Dense(10)]",
        expected={"unit10_capstone_models": 1.6667},
        message="make_model('resnet'): expected a ValueError",
    ),
    # --- the capstone (4 points: gate, the bars, the ordering, three distinct seeds) --------
    Mutant(
        # A tenth of the recipe's epochs: every model stops far from its accuracy, and the
        # GRU, slowest to start, falls below the MLP.
        name="capstone_trained_briefly",
        cell="unit10_capstone_impl",
        find="epochs, rate = RECIPE[kind]",
        replace="epochs, rate = max(1, RECIPE[kind][0] // 10), RECIPE[kind][1]",
        expected={"unit10_capstone": 1.0},
        message="is below the bar for",
    ),
    Mutant(
        # The seed-0 model stored for every seed: a table of three identical runs.
        name="capstone_one_model_per_kind",
        cell="unit10_capstone_impl",
        find="        capstone[kind].append(model)",
        replace="        capstone[kind].append(model) if seed == 0 else capstone[kind].append(capstone[kind][0])",
        expected={"unit10_capstone": 3.0},
        message="hold the same weights",
    ),
    Mutant(
        # A smaller MLP built in the loop "to save time": not the network make_model specifies,
        # so the grader's copy cannot hold it.
        name="capstone_mlp_built_by_hand",
        cell="unit10_capstone_impl",
        find="        model = make_model(kind)\n",
        replace="        model = make_model(kind) if kind != 'mlp' else keras.Sequential([keras.Input((40,)), "
        "keras.layers.Dense(64, activation='relu'), keras.layers.Dense(10)])\n",
        expected={"unit10_capstone": 0.0},
        message="capstone_model('mlp', 0) must be Input((40,))",
    ),
    Mutant(
        # The GRU trained with the linear model's recipe line by a copy-paste slip: a learning
        # rate of 1e-4, too small to leave the start in 12 epochs.
        name="capstone_gru_learning_rate_too_small",
        cell="unit10_capstone_impl",
        find="epochs, rate = RECIPE[kind]",
        replace="epochs, rate = RECIPE[kind][0], (1e-4 if kind == 'gru' else RECIPE[kind][1])",
        expected={"unit10_capstone": 1.0},
        message="does not hold",
    ),
]

DEMO = {"planted_bug": "mcnemar_one_sided", "weak_model": "capstone_trained_briefly"}
