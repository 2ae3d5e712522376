"""Full and LoRA fine-tuning of a tiny Llama-shaped decoder written with Flax NNX; LoRA added to
the unchanged model by Qwix (as Tunix does), and nnx.LoRA shown as the built-in alternative."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import qwix
from flax import nnx

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


class Block(nnx.Module):
    def __init__(self, rngs):
        linear = lambda i, o: nnx.Linear(i, o, use_bias=False, rngs=rngs)  # noqa: E731
        self.norm_a = nnx.RMSNorm(HIDDEN, epsilon=1e-6, rngs=rngs)
        self.q_proj, self.k_proj = linear(HIDDEN, HIDDEN), linear(HIDDEN, HIDDEN)
        self.v_proj, self.o_proj = linear(HIDDEN, HIDDEN), linear(HIDDEN, HIDDEN)
        self.norm_b = nnx.RMSNorm(HIDDEN, epsilon=1e-6, rngs=rngs)
        self.gate_proj, self.up_proj = linear(HIDDEN, MLP), linear(HIDDEN, MLP)
        self.down_proj = linear(MLP, HIDDEN)

    def __call__(self, x):
        h = self.norm_a(x)
        heads = lambda t: t.reshape(*t.shape[:-1], HEADS, HEAD_DIM)  # noqa: E731
        attended = jax.nn.dot_product_attention(heads(self.q_proj(h)), heads(self.k_proj(h)),
                                                heads(self.v_proj(h)), is_causal=True)
        x = x + self.o_proj(attended.reshape(x.shape))
        h = self.norm_b(x)
        return x + self.down_proj(nnx.silu(self.gate_proj(h)) * self.up_proj(h))


class Decoder(nnx.Module):
    """No rotary position embedding (it has no parameters): the causal mask orders tokens."""

    def __init__(self, rngs):
        self.embed = nnx.Embed(VOCAB, HIDDEN, rngs=rngs)
        self.blocks = nnx.List([Block(rngs) for _ in range(LAYERS)])
        self.norm = nnx.RMSNorm(HIDDEN, epsilon=1e-6, rngs=rngs)
        self.head = nnx.Linear(HIDDEN, VOCAB, use_bias=False, rngs=rngs)

    def __call__(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def count(model, kind=nnx.Param):
    return sum(leaf.size for leaf in jax.tree.leaves(nnx.state(model, kind)))


base = Decoder(nnx.Rngs(0))
print("parameters:", count(base), "| formula:", FULL_PARAMS)
assert count(base) == FULL_PARAMS
# --8<-- [end:setup]

# --8<-- [start:full_step]
def loss_fn(model):
    logits = model(tokens)
    return optax.softmax_cross_entropy_with_integer_labels(logits[:, :-1], tokens[:, 1:]).mean()


def one_step(model, wrt):
    """One Adam step on the batch for the variables of type `wrt`; loss before and after."""
    optimizer = nnx.Optimizer(model, optax.adam(LEARNING_RATE), wrt=wrt)
    before, grads = nnx.value_and_grad(loss_fn, argnums=nnx.DiffState(0, wrt))(model)
    optimizer.update(model, grads)
    return float(before), float(loss_fn(model))


full = nnx.clone(base)  # full fine-tuning: every nnx.Param
before, after = one_step(full, nnx.Param)
full_loss_reduced = after < before
print("trainable:", count(full), f"| loss {before:.4f} -> {after:.4f},",
      "reduced:", full_loss_reduced)
assert full_loss_reduced
# --8<-- [end:full_step]

# --8<-- [start:lora_step]
provider = qwix.LoraProvider(module_path=r".*(q_proj|v_proj)", rank=RANK, alpha=ALPHA)
lora = qwix.apply_lora_to_model(base, provider, tokens, rngs=nnx.Rngs(1))  # returns a copy
query = lora.blocks[0].q_proj
print("trainable:", count(lora, nnx.LoRAParam), "of", count(lora), "| formula:", LORA_PARAMS)
print("query kernel", query.kernel.shape, "-> A", query.kernel_lora_a.shape,
      "B", query.kernel_lora_b.shape)
assert count(lora, nnx.LoRAParam) == LORA_PARAMS  # nnx.LoRAParam is a subclass of nnx.Param
assert count(lora) == FULL_PARAMS + LORA_PARAMS

lora_starts_at_base = bool(jnp.array_equal(lora(tokens), base(tokens)))  # B starts at zero
before, after = one_step(lora, nnx.LoRAParam)  # gradients and Adam state for A and B only
lora_loss_reduced = after < before
frozen = nnx.state(lora, nnx.All(nnx.Param, nnx.Not(nnx.LoRAParam)))
frozen_unchanged = all(jax.tree.leaves(jax.tree.map(jnp.array_equal, frozen,
                                                    nnx.state(base, nnx.Param))))
print(f"loss {before:.4f} -> {after:.4f}, reduced: {lora_loss_reduced}",
      "| base weights unchanged:", frozen_unchanged)
assert lora_starts_at_base and lora_loss_reduced and frozen_unchanged
# --8<-- [end:lora_step]

# --8<-- [start:merge]
merged = nnx.clone(base)
for block, adapted in zip(merged.blocks, lora.blocks, strict=True):
    for name in ("q_proj", "v_proj"):
        layer = getattr(adapted, name)  # W + (alpha / rank) * A @ B
        delta = (ALPHA / RANK) * layer.kernel_lora_a[...] @ layer.kernel_lora_b[...]
        getattr(block, name).kernel[...] = layer.kernel[...] + delta
merged_matches = bool(jnp.allclose(merged(tokens), lora(tokens), rtol=1e-5, atol=1e-5))
print("parameters:", count(merged), "| outputs within 1e-5:", merged_matches)
assert count(merged) == FULL_PARAMS and merged_matches
# --8<-- [end:merge]

# --8<-- [start:nnx_lora]
# Flax's own adapter: nnx.LoRALinear is nnx.Linear plus nnx.LoRA (A (in, rank), B (rank, out)).
adapted = nnx.LoRALinear(HIDDEN, HIDDEN, lora_rank=RANK, use_bias=False, rngs=nnx.Rngs(2))
print("nnx.LoRALinear adapter:", count(adapted, nnx.LoRAParam), "| rank * (in + out):",
      RANK * (HIDDEN + HIDDEN))
assert count(adapted, nnx.LoRAParam) == RANK * (HIDDEN + HIDDEN)
# --8<-- [end:nnx_lora]

results = {
    "full_params": np.array(count(base)),
    "lora_params": np.array(count(lora, nnx.LoRAParam)),
    "full_loss_reduced": np.array(full_loss_reduced),
    "lora_starts_at_base": np.array(lora_starts_at_base),
    "lora_loss_reduced": np.array(lora_loss_reduced),
    "frozen_unchanged": np.array(frozen_unchanged),
    "merged_matches": np.array(merged_matches),
}
