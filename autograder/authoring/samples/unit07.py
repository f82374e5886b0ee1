"""Sample submissions for unit07: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit07 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
module is a catalogue: one entry per planted mistake, with the comment that says why a
student would write it and which check meets it. A mistake also declares what it costs the
later cells that run the mistaken function (the ring is trained with gan_step and the
losses), as measured with ``--whole --only MUTANT``.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- the losses (3 points: values and gradients for both generator losses on four kinds
    # of logits, Keras' cross-entropy, the ValueError) ---------------------------------------
    Mutant(
        # log(sigmoid) as written: exact for moderate logits, inf or nan for huge ones.
        name="losses_log_of_sigmoid",
        cell="unit07_gan_losses_impl",
        find="return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))",
        replace="return -tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits))) - tf.reduce_mean(\n"
        "        tf.math.log(1 - tf.sigmoid(fake_logits)))",
        expected={"unit07_gan_losses": 2.4},
        message="is not finite",
    ),
    Mutant(
        # One mean over the concatenated batch: right only when both batches are equally large.
        name="losses_one_mean_over_both_batches",
        cell="unit07_gan_losses_impl",
        find="return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))",
        replace="return 2 * tf.reduce_mean(tf.concat([tf.reshape(tf.nn.softplus(-real_logits), [-1]),\n"
        "                                         tf.reshape(tf.nn.softplus(fake_logits), [-1])], 0))",
        expected={"unit07_gan_losses": 2.1},
        message="different_batch_sizes",
    ),
    Mutant(
        # The labels of generated examples set to 1, as in the generator's loss.
        name="losses_fake_labelled_real",
        cell="unit07_gan_losses_impl",
        find="+ tf.reduce_mean(tf.nn.softplus(fake_logits))\n",
        replace="+ tf.reduce_mean(tf.nn.softplus(-fake_logits))\n",
        # gan_step and the ring's training use it: D learns to call everything real, and
        # the generator learns nothing.
        expected={"unit07_gan_losses": 0.3, "unit07_gan_step": 0.0, "unit07_ring_gan": 0.0},
        message="L_D",
    ),
    Mutant(
        # The minimax loss with the sign of D's objective: the generator would help D.
        name="minimax_sign_flipped",
        cell="unit07_gan_losses_impl",
        find="return -tf.reduce_mean(tf.nn.softplus(fake_logits))",
        replace="return tf.reduce_mean(tf.nn.softplus(fake_logits))",
        expected={"unit07_gan_losses": 1.8},
        message="minimax generator loss",
    ),
    Mutant(
        # Summed over the batch: the value and every gradient scale with the batch size.
        name="non_saturating_summed",
        cell="unit07_gan_losses_impl",
        find="return tf.reduce_mean(tf.nn.softplus(-fake_logits))",
        replace="return tf.reduce_sum(tf.nn.softplus(-fake_logits))",
        # gan_step's g_loss is 24 times too large, and the ring, trained with steps the batch
        # size too large for the generator, keeps 42 % high-quality samples (bar 50 %).
        expected={"unit07_gan_losses": 1.8, "unit07_gan_step": 0.75, "unit07_ring_gan": 2.0},
        message="non_saturating generator loss",
    ),
    Mutant(
        # Any unknown kind silently treated as non-saturating.
        name="unknown_kind_accepted",
        cell="unit07_gan_losses_impl",
        find="        raise ValueError(f\"kind must be 'minimax' or 'non_saturating', got {kind!r}\")",
        replace="        pass",
        expected={"unit07_gan_losses": 2.7},
        message="expected a ValueError",
    ),
    # --- the training step (3 points: losses, D's update, G's update) -----------------------
    Mutant(
        # The generator trained first: D's update then sees the new generator's samples.
        name="step_generator_first",
        cell="unit07_gan_step_impl",
        find="    with tf.GradientTape() as tape:\n        fake = generator(noise, training=True)",
        replace="    with tf.GradientTape() as tape:\n"
        "        g_first = generator_loss(discriminator(generator(noise, training=True), training=True))\n"
        "    g_optimizer.apply_gradients(zip(tape.gradient(g_first, generator.trainable_variables),\n"
        "                                    generator.trainable_variables))\n"
        "    with tf.GradientTape() as tape:\n        fake = generator(noise, training=True)",
        # Not declared: what it costs the ring. Trained with it, the ring ends near both bars
        # (whole notebook on the 2-core CPU: 6 of 8 modes, 48.8 % high-quality samples, 0 of
        # 3), so the cost depends on the machine's arithmetic.
        expected={"unit07_gan_step": 0.0},
        message="after one step",
    ),
    Mutant(
        # One tape for both losses, computed before D's update (the simultaneous update of
        # many tutorials): the generator's gradient comes from the old discriminator.
        name="step_generator_against_old_discriminator",
        cell="unit07_gan_step_impl",
        find="""    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        d_loss = discriminator_loss(discriminator(real, training=True), discriminator(fake, training=True))
    d_grads = tape.gradient(d_loss, discriminator.trainable_variables)
    d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(noise, training=True), training=True), "non_saturating")
    g_grads = tape.gradient(g_loss, generator.trainable_variables)
""",
        replace="""    with tf.GradientTape(persistent=True) as tape:
        fake = generator(noise, training=True)
        fake_logits = discriminator(fake, training=True)
        d_loss = discriminator_loss(discriminator(real, training=True), fake_logits)
        g_loss = generator_loss(fake_logits, "non_saturating")
    d_grads = tape.gradient(d_loss, discriminator.trainable_variables)
    g_grads = tape.gradient(g_loss, generator.trainable_variables)
    d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))
""",
        expected={"unit07_gan_step": 0.75},
        message="discriminator *before* its update",
    ),
    Mutant(
        # The generator's optimizer applied to the discriminator's gradients: Keras 3 binds an
        # optimizer to the variables it first updates, so the step fails with Keras' message.
        name="step_optimizers_swapped",
        cell="unit07_gan_step_impl",
        find="    d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))",
        replace="    g_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))",
        # The ring's training stops at its first step with the same error.
        expected={"unit07_gan_step": 0.0, "unit07_ring_gan": 0.0},
        message="This optimizer can only be called for the variables it was originally built with",
    ),
    Mutant(
        # The generator's step uses the minimax loss: in this step it gives the opposite
        # direction's magnitude (sigma(l) instead of 1 - sigma(l)).
        name="step_generator_minimax",
        cell="unit07_gan_step_impl",
        find="training=True), \"non_saturating\")",
        replace="training=True), \"minimax\")",
        expected={"unit07_gan_step": 0.75},
        message="g_loss",
    ),
    # --- the optimal discriminator (2 points) ------------------------------------------------
    Mutant(
        # The generator's density on top: D* of the other player.
        name="optimal_discriminator_inverted",
        cell="unit07_optimal_discriminator_impl",
        find="return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)",
        replace="return np.where(total > 0, p_g / np.where(total > 0, total, 1.0), 0.5)",
        expected={"unit07_optimal_discriminator": 1.6667},
        message="optimal_discriminator(p_data, p_g)",
    ),
    Mutant(
        # JS without its halves: the sum of the two KLs to the mixture.
        name="js_without_the_halves",
        cell="unit07_optimal_discriminator_impl",
        find="return 0.5 * np.exp(log_p) * (log_p - log_m) + 0.5 * np.exp(log_q) * (log_q - log_m)",
        replace="return np.exp(log_p) * (log_p - log_m) + np.exp(log_q) * (log_q - log_m)",
        expected={"unit07_optimal_discriminator": 0.6667},
        message="gaussian_js",
    ),
    Mutant(
        # A fixed window of +-10 around 0: far-apart Gaussians fall outside it.
        name="integral_over_a_fixed_window",
        cell="unit07_optimal_discriminator_impl",
        find="return integrate.quad(integrand, low, high, points=[mu_p, mu_q], limit=200)[0]",
        replace="return integrate.quad(integrand, -10, 10, limit=200)[0]",
        expected={"unit07_optimal_discriminator": 1.3333},
        message="far_apart",
    ),
    # --- the ring (3 points: the gate, modes, quality) ---------------------------------------
    Mutant(
        # 300 steps: the generator has found the ring's scale, not its modes.
        name="ring_trained_briefly",
        cell="unit07_ring_gan_impl",
        find="STEPS, BATCH_SIZE = 6000, 256",
        replace="STEPS, BATCH_SIZE = 300, 256",
        expected={"unit07_ring_gan": 0.0},
        message="modes covered",
    ),
    Mutant(
        # Adam's default beta_1 = 0.9 and a 10x learning rate: the game oscillates.
        name="ring_learning_rate_too_high",
        cell="unit07_ring_gan_impl",
        find="g_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5)",
        replace="g_optimizer = keras.optimizers.Adam(1e-2)",
        expected={"unit07_ring_gan": 0.0},
        message="modes covered",
    ),
    Mutant(
        # More noise dimensions "for more variety": the generator no longer takes the
        # NOISE_DIM-dimensional noise the notebook (and the grader) feed it.
        name="ring_generator_for_16_dimensional_noise",
        cell="unit07_ring_gan_impl",
        find="generator, discriminator = make_generator(), make_discriminator()",
        replace="generator = keras.Sequential([keras.Input((16,)), keras.layers.Dense(128, activation=\"relu\"),\n"
        "                              keras.layers.Dense(128, activation=\"relu\"), keras.layers.Dense(2)])\n"
        "discriminator = make_discriminator()",
        expected={"unit07_ring_gan": 0.0},
        message="generator must map",
    ),
    Mutant(
        # A cheat: the ring sampled directly inside a "generator" that ignores its noise.
        # It would cover every mode; the gates see that it is not a function of the noise
        # and not the network of make_generator().
        name="ring_sampler_instead_of_a_generator",
        cell="unit07_ring_gan_impl",
        find="modes, quality = ring_quality(",
        replace="""generator = keras.Sequential([keras.Input((NOISE_DIM,)), keras.layers.Lambda(
    lambda z: tf.gather(tf.constant(RING_CENTRES, "float32"),
                        tf.random.uniform(tf.shape(z)[:1], 0, RING_MODES, tf.int32))
    + RING_SIGMA * tf.random.normal(tf.shape(z)))])
modes, quality = ring_quality(""",
        expected={"unit07_ring_gan": 0.0},
        message="different points for the same noise",
    ),
]

DEMO = {"planted_bug": "step_generator_against_old_discriminator", "weak_model": "ring_trained_briefly"}
