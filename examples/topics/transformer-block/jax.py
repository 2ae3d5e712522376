"""A pre-norm Transformer encoder block in plain JAX: jax.nn.dot_product_attention, shared
NumPy weights, five Adam steps with Optax, masks, and jax.jit."""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax

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
def layer_norm(x, scale, bias):
    mean = x.mean(-1, keepdims=True)
    variance = jnp.square(x - mean).mean(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(variance + NORM_EPSILON) * scale + bias


def attention(p, x, mask=None, is_causal=False):
    b, t, _ = x.shape

    def project(name):  # (batch, length, heads, head_dim): the layout jax.nn expects
        return (x @ p[f"{name}_kernel"] + p[f"{name}_bias"]).reshape(b, t, HEADS, HEAD_DIM)

    o = jax.nn.dot_product_attention(project("query"), project("key"), project("value"),
                                     mask=mask, is_causal=is_causal)
    return o.reshape(b, t, WIDTH) @ p["out_kernel"] + p["out_bias"]


def block(p, x, mask=None, is_causal=False):
    """Pre-norm: x + attention(norm1(x)), then x + mlp(norm2(x)). p is a dict of arrays."""
    x = x + attention(p, layer_norm(x, p["norm1_scale"], p["norm1_bias"]), mask, is_causal)
    h = layer_norm(x, p["norm2_scale"], p["norm2_bias"]) @ p["mlp_in_kernel"] + p["mlp_in_bias"]
    h = jax.nn.gelu(h, approximate=False)  # exact GELU, as in torch.nn.GELU() and Keras
    return x + h @ p["mlp_out_kernel"] + p["mlp_out_bias"]
# --8<-- [end:module]


# --8<-- [start:load]
params = {name: jnp.asarray(value) for name, value in weights.items()}  # no mapping needed
initial_output = block(params, x)
print("output:", initial_output.shape, "mean:", round(float(initial_output.mean()), 4))
# --8<-- [end:load]


# --8<-- [start:train_step]
optimizer = optax.adam(LEARNING_RATE, eps=ADAM_EPSILON)


def loss_fn(p, x, y):
    return jnp.mean(jnp.square(block(p, x) - y))


@jax.jit  # one XLA program: forward, backward and Adam update, compiled on the first call
def train_step(p, opt_state, x, y):  # a pure function: state in, new state out
    loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, p)
    return optax.apply_updates(p, updates), opt_state, loss


p, opt_state, losses = params, optimizer.init(params), []
for _ in range(STEPS):
    p, opt_state, loss = train_step(p, opt_state, x, y)
    losses.append(loss)
losses = jnp.stack(losses)
print("losses:", np.asarray(losses).round(4))
assert losses[-1] < losses[0]
# --8<-- [end:train_step]

# --8<-- [start:compiled_step]
lowered = train_step.lower(params, optimizer.init(params), x, y)  # trace, without running
text = lowered.as_text()  # StableHLO: the whole step, optimizer included, as one function
assert "stablehlo.dot_general" in text and "stablehlo.sqrt" in text  # matmuls; Adam's sqrt
print("forward, backward and Adam in one program:", "stablehlo.sqrt" in text)
# --8<-- [end:compiled_step]

# --8<-- [start:masks]
keep = jnp.asarray(key_is_real)[:, None, None, :]  # (batch, 1, 1, key): broadcasts to BNTS
padded_output = block(params, x, mask=keep)  # a boolean mask: True = may attend
causal_output = block(params, x, is_causal=True)
lower = jnp.tril(jnp.ones((LENGTH, LENGTH), dtype=bool))  # True on and below the diagonal
assert jnp.allclose(block(params, x, mask=lower), causal_output, atol=1e-6)

h = layer_norm(x, params["norm1_scale"], params["norm1_bias"])
q = k = v = h.reshape(BATCH, LENGTH, HEADS, HEAD_DIM)  # any (batch, length, heads, head_dim)
by_mask = jax.nn.dot_product_attention(q, k, v, mask=keep)
by_lengths = jax.nn.dot_product_attention(  # the same padding, given as lengths
    q, k, v, key_value_seq_lengths=jnp.asarray(lengths, dtype=jnp.int32))
assert jnp.allclose(by_mask, by_lengths, atol=1e-6)
assert not jnp.allclose(jax.nn.dot_product_attention(q, k, v, mask=~keep), by_mask, atol=1e-3)
print("jax.nn.dot_product_attention mask True = attend")
# --8<-- [end:masks]

# --8<-- [start:defaults]
assert inspect.signature(jax.nn.gelu).parameters["approximate"].default is True  # tanh form
assert not jnp.allclose(jax.nn.gelu(x), jax.nn.gelu(x, approximate=False), atol=1e-5)
assert inspect.signature(optax.adam).parameters["eps"].default == 1e-8
try:  # the cuDNN flash-attention kernel needs an NVIDIA GPU; on CPU only "xla" runs
    jax.nn.dot_product_attention(q, k, v, implementation="cudnn")
    raise AssertionError("expected a RuntimeError on CPU")
except RuntimeError as err:
    assert "cuDNN is not detected" in str(err)
# --8<-- [end:defaults]

assert losses.dtype == initial_output.dtype == jnp.float32  # JAX computes in float32 here
results = {
    "initial_output": initial_output,
    "losses": losses,
    "padded_output": padded_output,
    "causal_output": causal_output,
}
