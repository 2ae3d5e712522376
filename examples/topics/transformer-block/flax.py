"""A pre-norm Transformer encoder block in Flax NNX: nnx.MultiHeadAttention (which calls
jax.nn.dot_product_attention), shared NumPy weights, five Adam steps, and nnx.jit."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

# --8<-- [start:setup]
BATCH, LENGTH, WIDTH, HEADS, HIDDEN = 4, 6, 16, 2, 32
HEAD_DIM = WIDTH // HEADS
STEPS, LEARNING_RATE, ADAM_EPSILON, NORM_EPSILON = 5, 1e-2, 1e-8, 1e-5


def initial_weights(seed=0):
    """The same float32 weights in every framework's file, kernels as (in, out): x @ kernel."""
    rng = np.random.default_rng(seed)
    w = {}
    for name, (fan_in, fan_out) in {"query": (WIDTH, WIDTH), "key": (WIDTH, WIDTH),
                                    "value": (WIDTH, WIDTH), "out": (WIDTH, WIDTH),
                                    "mlp_in": (WIDTH, HIDDEN), "mlp_out": (HIDDEN, WIDTH)}.items():
        w[f"{name}_kernel"] = rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
        w[f"{name}_bias"] = 0.1 * rng.normal(size=fan_out)
    for name in ("norm1", "norm2"):
        w[f"{name}_scale"] = 1 + 0.1 * rng.normal(size=WIDTH)
        w[f"{name}_bias"] = 0.1 * rng.normal(size=WIDTH)
    return {name: value.astype(np.float32) for name, value in w.items()}


data = np.random.default_rng(1)
inputs = data.normal(size=(BATCH, LENGTH, WIDTH)).astype(np.float32)
targets = np.roll(inputs, 1, axis=1)  # predict the previous token's vector: needs attention
lengths = np.array([6, 4, 5, 3])  # for the padding mask
key_is_real = np.arange(LENGTH)[None, :] < lengths[:, None]  # (batch, key): True = real token
weights = initial_weights()
x, y = jnp.asarray(inputs), jnp.asarray(targets)
# --8<-- [end:setup]


# --8<-- [start:module]
class Block(nnx.Module):
    """Pre-norm: x + attention(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(self, rngs):
        self.norm1 = nnx.LayerNorm(WIDTH, epsilon=NORM_EPSILON, rngs=rngs)  # Flax: 1e-6
        self.attention = nnx.MultiHeadAttention(HEADS, WIDTH, decode=False, rngs=rngs)
        self.norm2 = nnx.LayerNorm(WIDTH, epsilon=NORM_EPSILON, rngs=rngs)
        self.mlp_in = nnx.Linear(WIDTH, HIDDEN, rngs=rngs)
        self.mlp_out = nnx.Linear(HIDDEN, WIDTH, rngs=rngs)

    def __call__(self, x, mask=None, is_causal=False):
        x = x + self.attention(self.norm1(x), mask=mask, is_causal=is_causal)
        h = nnx.gelu(self.mlp_in(self.norm2(x)), approximate=False)  # exact GELU
        return x + self.mlp_out(h)
# --8<-- [end:module]


# --8<-- [start:load]
def load(block, w):
    """nnx.Linear kernels are (in, out) as in the NumPy dict; nnx.MultiHeadAttention uses
    Keras's layout: (WIDTH, HEADS, HEAD_DIM) in, (HEADS, HEAD_DIM, WIDTH) out."""
    heads = lambda a: jnp.asarray(a.reshape(*a.shape[:-1], HEADS, HEAD_DIM))  # noqa: E731
    for name in ("query", "key", "value"):
        getattr(block.attention, name).kernel[...] = heads(w[f"{name}_kernel"])
        getattr(block.attention, name).bias[...] = heads(w[f"{name}_bias"])
    block.attention.out.kernel[...] = jnp.asarray(w["out_kernel"]).reshape(HEADS, HEAD_DIM,
                                                                           WIDTH)
    block.attention.out.bias[...] = jnp.asarray(w["out_bias"])
    for name in ("mlp_in", "mlp_out"):
        getattr(block, name).kernel[...] = jnp.asarray(w[f"{name}_kernel"])
        getattr(block, name).bias[...] = jnp.asarray(w[f"{name}_bias"])
    for name in ("norm1", "norm2"):
        getattr(block, name).scale[...] = jnp.asarray(w[f"{name}_scale"])
        getattr(block, name).bias[...] = jnp.asarray(w[f"{name}_bias"])
    return block


model = load(Block(nnx.Rngs(0)), weights)  # nnx.Rngs(0) initialises; load() overwrites
assert model.attention.query.kernel.shape == (WIDTH, HEADS, HEAD_DIM)
assert model.attention.out.kernel.shape == (HEADS, HEAD_DIM, WIDTH)
assert model.mlp_in.kernel.shape == (WIDTH, HIDDEN)  # (in, out)
n_params = sum(a.size for a in jax.tree.leaves(nnx.state(model, nnx.Param)))
assert n_params == sum(a.size for a in weights.values())
initial_output = model(x)
print("output:", initial_output.shape, "mean:", round(float(initial_output.mean()), 4))
# --8<-- [end:load]


# --8<-- [start:train_step]
optimizer = nnx.Optimizer(model, optax.adam(LEARNING_RATE, eps=ADAM_EPSILON), wrt=nnx.Param)


@nnx.jit  # like jax.jit, but takes modules and writes their changed state back
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return jnp.mean(jnp.square(model(x) - y))

    loss, grads = nnx.value_and_grad(loss_fn)(model)  # grads: a State shaped like the Params
    optimizer.update(model, grads)  # updates model's parameters in place
    return loss


losses = jnp.stack([train_step(model, optimizer, x, y) for _ in range(STEPS)])
print("losses:", np.asarray(losses).round(4))
assert losses[-1] < losses[0]
# --8<-- [end:train_step]

# --8<-- [start:masks]
fresh = load(Block(nnx.Rngs(0)), weights)
keep = jnp.asarray(key_is_real)[:, None, None, :]  # (batch, 1, 1, key): True = may attend
calls = []
original = jax.nn.dot_product_attention


def counting(*args, **kwargs):
    calls.append(kwargs.get("is_causal"))
    return original(*args, **kwargs)


jax.nn.dot_product_attention = counting  # look inside: what does nnx.MultiHeadAttention call?
padded_output = fresh(x, mask=keep)
causal_output = fresh(x, is_causal=True)
jax.nn.dot_product_attention = original
assert calls == [False, True]  # without dropout, Flax hands attention to jax.nn
query_mask = jnp.ones((BATCH, LENGTH), dtype=bool)
built = nnx.make_attention_mask(query_mask, jnp.asarray(key_is_real))  # (batch, 1, query, key)
assert jnp.allclose(fresh(x, mask=built), padded_output, atol=1e-6)
assert jnp.allclose(fresh(x, mask=nnx.make_causal_mask(x[..., 0])), causal_output, atol=1e-6)
print("nnx.MultiHeadAttention mask True = attend; calls jax.nn.dot_product_attention:",
      len(calls) == 2)
# --8<-- [end:masks]

# --8<-- [start:defaults]
assert nnx.LayerNorm(WIDTH, rngs=nnx.Rngs(0)).epsilon == 1e-6
assert nnx.gelu is jax.nn.gelu  # so its default is the tanh approximation, as in JAX
# --8<-- [end:defaults]

assert losses.dtype == initial_output.dtype == jnp.float32
results = {
    "initial_output": initial_output,
    "losses": losses,
    "padded_output": padded_output,
    "causal_output": causal_output,
}
