"""Similar submissions: planted copies rank above honest solutions written independently."""

from autograder.reports.similarity import (
    fingerprints,
    jaccard,
    normalised_tokens,
    similar_pairs,
)

SKELETON = {
    "softmax_impl": 'def softmax(z):\n    """Row-wise softmax of z (n, k)."""\n    # YOUR CODE HERE\n',
    "train_impl": (
        "def train(params, X, y, epochs, learning_rate):\n"
        '    """Full-batch gradient descent on the logistic loss; returns the losses."""\n'
        "    # YOUR CODE HERE\n"
    ),
}

# Four students who solved both cells on their own, each in their own way.
HONEST = {
    "ada": {
        "softmax_impl": SKELETON["softmax_impl"].replace("# YOUR CODE HERE", (
            "shifted = z - z.max(axis=1, keepdims=True)\n"
            "    e = np.exp(shifted)\n"
            "    return e / e.sum(axis=1, keepdims=True)"
        )),
        "train_impl": SKELETON["train_impl"].replace("# YOUR CODE HERE", (
            "w, b = params\n"
            "    losses = []\n"
            "    for _ in range(epochs):\n"
            "        p = 1 / (1 + np.exp(-(X @ w + b)))\n"
            "        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))\n"
            "        w = w - learning_rate * X.T @ (p - y) / len(y)\n"
            "        b = b - learning_rate * np.mean(p - y)\n"
            "    return losses"
        )),
    },
    "ben": {
        "softmax_impl": SKELETON["softmax_impl"].replace("# YOUR CODE HERE", (
            "out = np.empty_like(z, dtype=float)\n"
            "    for i, row in enumerate(z):\n"
            "        ex = np.exp(row - np.max(row))\n"
            "        out[i] = ex / np.sum(ex)\n"
            "    return out"
        )),
        "train_impl": SKELETON["train_impl"].replace("# YOUR CODE HERE", (
            "weights, bias = params\n"
            "    history = np.zeros(epochs)\n"
            "    n = X.shape[0]\n"
            "    epoch = 0\n"
            "    while epoch < epochs:\n"
            "        logits = np.dot(X, weights) + bias\n"
            "        probs = scipy.special.expit(logits)\n"
            "        history[epoch] = log_loss(y, probs)\n"
            "        grad_w = np.dot(X.T, probs - y) / n\n"
            "        weights -= learning_rate * grad_w\n"
            "        bias -= learning_rate * (probs - y).sum() / n\n"
            "        epoch += 1\n"
            "    return list(history)"
        )),
    },
    "chloe": {
        "softmax_impl": SKELETON["softmax_impl"].replace("# YOUR CODE HERE", (
            "return np.exp(z - scipy.special.logsumexp(z, axis=1, keepdims=True))"
        )),
        "train_impl": SKELETON["train_impl"].replace("# YOUR CODE HERE", (
            "def loss_and_grads(w, b):\n"
            "        p = scipy.special.expit(X @ w + b)\n"
            "        err = p - y\n"
            "        loss = np.mean(np.logaddexp(0, X @ w + b) - y * (X @ w + b))\n"
            "        return loss, X.T @ err / len(X), err.mean()\n"
            "\n"
            "    w, b, out = *params, []\n"
            "    for step in range(epochs):\n"
            "        loss, gw, gb = loss_and_grads(w, b)\n"
            "        out.append(float(loss))\n"
            "        w, b = w - learning_rate * gw, b - learning_rate * gb\n"
            "    return out"
        )),
    },
    "dev": {
        "softmax_impl": SKELETON["softmax_impl"].replace("# YOUR CODE HERE", (
            "m = np.max(z, axis=-1)[:, None]\n"
            "    numer = np.exp(z - m)\n"
            "    denom = numer.sum(-1)[:, None]\n"
            "    result = numer / denom\n"
            "    return result"
        )),
        "train_impl": SKELETON["train_impl"].replace("# YOUR CODE HERE", (
            "w = params[0].copy()\n"
            "    b = float(params[1])\n"
            "    recorded = []\n"
            "    for it in range(epochs):\n"
            "        z = X.dot(w) + b\n"
            "        sig = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n"
            "        eps = 1e-12\n"
            "        recorded.append(float(-(y * np.log(sig + eps) + (1 - y) * np.log(1 - sig + eps)).mean()))\n"
            "        diff = sig - y\n"
            "        w -= learning_rate * (X.T.dot(diff)) / X.shape[0]\n"
            "        b -= learning_rate * diff.mean()\n"
            "    return recorded"
        )),
    },
}

# eve copied ada with every name changed, comments added and the layout redone.
EVE = {
    "softmax_impl": (
        'def softmax(z):\n    """Row-wise softmax of z (n, k)."""\n'
        "    centred = z - z.max(axis=1, keepdims=True)   # stability\n"
        "    ez = np.exp(centred)\n"
        "    return ez / ez.sum(axis=1,\n                      keepdims=True)\n"
    ),
    "train_impl": (
        "def train(params, X, y, epochs, learning_rate):\n"
        '    """Full-batch gradient descent on the logistic loss; returns the losses."""\n'
        "    weight, offset = params\n"
        "    curve = []\n"
        "    for _ in range(epochs):\n"
        "        prob = 1 / (1 + np.exp(-(X @ weight + offset)))\n"
        "        # the mean logistic loss\n"
        "        curve.append(-np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob)))\n"
        "        weight = weight - learning_rate * X.T @ (prob - y) / len(y)\n"
        "        offset = offset - learning_rate * np.mean(prob - y)\n"
        "    return curve\n"
    ),
}

# fred copied ben, swapped the order of independent lines and changed a literal.
FRED = {
    "softmax_impl": SKELETON["softmax_impl"].replace("# YOUR CODE HERE", (
        "res = np.empty_like(z, dtype=float)\n"
        "    for k, r in enumerate(z):\n"
        "        ex = np.exp(r - np.max(r))\n"
        "        res[k] = ex / np.sum(ex)\n"
        "    return res"
    )),
    "train_impl": SKELETON["train_impl"].replace("# YOUR CODE HERE", (
        "n = X.shape[0]\n"
        "    weights, bias = params\n"
        "    epoch = 0\n"
        "    history = np.zeros(epochs)\n"
        "    while epoch < epochs:\n"
        "        logits = np.dot(X, weights) + bias\n"
        "        probs = scipy.special.expit(logits)\n"
        "        history[epoch] = log_loss(y, probs)\n"
        "        grad_w = np.dot(X.T, probs - y) / n\n"
        "        bias -= learning_rate * (probs - y).sum() / n\n"
        "        weights -= learning_rate * grad_w\n"
        "        epoch += 2\n"
        "    return list(history)"
    )),
}


def test_renaming_comments_and_layout_leave_the_tokens_unchanged():
    a = "total = 0\nfor x in xs:\n    total += x * 2  # double\n"
    b = "acc = 0\nfor value in items:\n    acc += value * 3\n"
    assert normalised_tokens(a) == normalised_tokens(b)
    # which operation is called still matters
    assert normalised_tokens("np.mean(x)") != normalised_tokens("np.median(x)")
    assert normalised_tokens("len(x)") != normalised_tokens("sum(x)")


def test_an_unfinished_cell_still_has_fingerprints():
    assert fingerprints(normalised_tokens("def f(x:\n    return (x + 1 * 2 - 3 / 4")) != set()


def test_winnowing_keeps_one_hash_per_window_and_finds_a_long_shared_run():
    tokens = [f"t{i}" for i in range(40)]
    kept = fingerprints(tokens, k=5, w=4)
    assert 0 < len(kept) < 36  # fewer than all 36 five-grams
    # a run of w + k - 1 = 8 tokens shared with an otherwise unrelated stream is found
    other = [f"u{i}" for i in range(20)] + tokens[10:18] + [f"v{i}" for i in range(20)]
    assert kept & fingerprints(other, k=5, w=4)


def test_planted_copies_rank_above_every_honest_pair():
    submissions = {**HONEST, "eve": EVE, "fred": FRED}
    pairs = similar_pairs(submissions, skeleton=SKELETON, reference=HONEST["ada"])
    copies = {frozenset(("ada", "eve")), frozenset(("ben", "fred"))}
    assert {frozenset((p.first, p.second)) for p in pairs[:2]} == copies
    honest = [p.similarity for p in pairs if frozenset((p.first, p.second)) not in copies]
    planted = [p.similarity for p in pairs if frozenset((p.first, p.second)) in copies]
    assert min(planted) > 0.6 > 0.3 > max(honest)
    eve = next(p for p in pairs if {p.first, p.second} == {"ada", "eve"})
    assert eve.reference == (1.0, eve.similarity)  # ada wrote the reference
    assert {c.grade_id for c in eve.cells} == {"softmax_impl", "train_impl"}


def test_the_skeleton_alone_makes_no_pair_alike():
    blank = {student: dict(SKELETON) for student in ("gail", "hugo")}
    (pair,) = similar_pairs(blank, skeleton=SKELETON)
    assert pair.similarity == 0.0 and all(c.shared == 0 for c in pair.cells) and jaccard(set(), set()) == 0.0
    # without the skeleton removed, the given signatures and docstrings would match
    (pair,) = similar_pairs(blank)
    assert pair.similarity == 1.0


def test_at_least_drops_the_pairs_below_it():
    submissions = {**HONEST, "eve": EVE}
    assert [(p.first, p.second) for p in similar_pairs(submissions, skeleton=SKELETON, at_least=0.6)] == [
        ("ada", "eve")
    ]
