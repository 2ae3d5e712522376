"""Full and LoRA fine-tuning of a tiny Llama-shaped decoder in plain JAX and Optax: the model is a
function of a dict of arrays, and LoRA is a second, small dict that the loss adds in."""

import jax
import jax.numpy as jnp
import numpy as np
import optax

# --8<-- [start:setup]
VOCAB, HIDDEN, MLP, LAYERS, HEADS = 64, 32, 64, 2, 4  # a Llama-shaped decoder, made tiny
BATCH, LENGTH, RANK, ALPHA, LEARNING_RATE = 4, 16, 4, 8, 1e-2
HEAD_DIM = HIDDEN // HEADS
FULL_PARAMS = 2 * VOCAB * HIDDEN + LAYERS * (4 * HIDDEN**2 + 3 * HIDDEN * MLP + 2 * HIDDEN) + HIDDEN
LORA_PARAMS = LAYERS * 2 * RANK * (HIDDEN + HIDDEN)  # A (in, rank) and B (rank, out), q and v

jax.config.update("jax_default_matmul_precision", "highest")  # float32 matmuls on GPU/TPU too
starts = np.random.default_rng(0).integers(0, VOCAB, size=(BATCH, 1))
token_ids = (starts + np.arange(LENGTH)) % VOCAB  # count upwards: next token = this one + 1
tokens = jnp.asarray(token_ids)


def init(key):
    """Normal(0, 0.02) matrices (as transformers' Llama initialises), RMSNorm scales of one."""
    keys = iter(jax.random.split(key, 3 + 7 * LAYERS))
    normal = lambda *shape: 0.02 * jax.random.normal(next(keys), shape)  # noqa: E731
    layer = lambda: {"norm_a": jnp.ones(HIDDEN), "norm_b": jnp.ones(HIDDEN),  # noqa: E731
                     **{n: normal(HIDDEN, HIDDEN) for n in ("q", "k", "v", "o")},
                     "gate": normal(HIDDEN, MLP), "up": normal(HIDDEN, MLP),
                     "down": normal(MLP, HIDDEN)}
    return {"embed": normal(VOCAB, HIDDEN), "layers": [layer() for _ in range(LAYERS)],
            "norm": jnp.ones(HIDDEN), "head": normal(HIDDEN, VOCAB)}


def rms_norm(x, scale, eps=1e-6):
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + eps) * scale


def decoder(params, tokens, lora=None):
    """Logits for every position. lora: per layer {"q": (A, B), "v": (A, B)} or None."""
    x = params["embed"][tokens]
    for i, p in enumerate(params["layers"]):
        h = rms_norm(x, p["norm_a"])
        project = {n: h @ p[n] for n in ("q", "k", "v")}
        if lora is not None:
            for n, (a, b) in lora[i].items():  # x @ W + (alpha / rank) * (x @ A) @ B
                project[n] = project[n] + (ALPHA / RANK) * (h @ a) @ b
        q, k, v = (project[n].reshape(*h.shape[:2], HEADS, HEAD_DIM) for n in ("q", "k", "v"))
        x = x + jax.nn.dot_product_attention(q, k, v, is_causal=True).reshape(h.shape) @ p["o"]
        h = rms_norm(x, p["norm_b"])
        x = x + (jax.nn.silu(h @ p["gate"]) * (h @ p["up"])) @ p["down"]
    return rms_norm(x, params["norm"]) @ params["head"]


def loss_fn(params, lora=None):
    logits = decoder(params, tokens, lora)
    return optax.softmax_cross_entropy_with_integer_labels(logits[:, :-1], tokens[:, 1:]).mean()


def count(tree):
    return sum(leaf.size for leaf in jax.tree.leaves(tree))


base = init(jax.random.key(0))
print("parameters:", count(base), "| formula:", FULL_PARAMS)
assert count(base) == FULL_PARAMS
# --8<-- [end:setup]

# --8<-- [start:full_step]
def one_step(loss, trainable):
    """One Adam step on the batch, differentiating `loss` with respect to `trainable` only."""
    optimizer = optax.adam(LEARNING_RATE)
    value, grads = jax.value_and_grad(loss)(trainable)
    updates, _ = optimizer.update(grads, optimizer.init(trainable))
    trained = optax.apply_updates(trainable, updates)
    return trained, float(value), float(loss(trained))


full, before, after = one_step(jax.jit(loss_fn), base)  # full: the gradient of every array
full_loss_reduced = after < before
print("trainable:", count(base), f"| loss {before:.4f} -> {after:.4f},",
      "reduced:", full_loss_reduced)
assert full_loss_reduced
# --8<-- [end:full_step]

# --8<-- [start:lora_step]
def init_lora(key):
    """A as He-uniform (as PEFT's Kaiming init and Keras's he_uniform), B zero."""
    keys = iter(jax.random.split(key, 2 * LAYERS))
    a = lambda: jax.nn.initializers.he_uniform()(next(keys), (HIDDEN, RANK))  # noqa: E731
    return [{n: (a(), jnp.zeros((RANK, HIDDEN))) for n in ("q", "v")} for _ in range(LAYERS)]


lora = init_lora(jax.random.key(1))
print("trainable:", count(lora), "of", count(base) + count(lora), "| formula:", LORA_PARAMS)
assert count(lora) == LORA_PARAMS
lora_starts_at_base = bool(jnp.array_equal(decoder(base, tokens, lora), decoder(base, tokens)))

lora_loss = jax.jit(lambda lora: loss_fn(base, lora))  # base is a constant: no gradient for it
lora, before, after = one_step(lora_loss, lora)
lora_loss_reduced = after < before
print(f"loss {before:.4f} -> {after:.4f}, reduced: {lora_loss_reduced}")
assert lora_starts_at_base and lora_loss_reduced
# --8<-- [end:lora_step]

# --8<-- [start:merge]
merged = jax.tree.map(lambda w: w, base)  # a new tree; the arrays themselves are immutable
for p, adapters in zip(merged["layers"], lora, strict=True):
    for n, (a, b) in adapters.items():
        p[n] = p[n] + (ALPHA / RANK) * a @ b  # W + (alpha / rank) * A @ B
merged_matches = bool(jnp.allclose(decoder(merged, tokens), decoder(base, tokens, lora),
                                   rtol=1e-5, atol=1e-5))
print("parameters:", count(merged), "| outputs within 1e-5:", merged_matches)
assert count(merged) == FULL_PARAMS and merged_matches
# --8<-- [end:merge]

results = {
    "full_params": np.array(count(base)),
    "lora_params": np.array(count(lora)),
    "full_loss_reduced": np.array(full_loss_reduced),
    "lora_starts_at_base": np.array(lora_starts_at_base),
    "lora_loss_reduced": np.array(lora_loss_reduced),
    "merged_matches": np.array(merged_matches),
}
