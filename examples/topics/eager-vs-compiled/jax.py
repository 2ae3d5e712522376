"""One training step of an MLP and of a Transformer block, eager and compiled, in JAX:
the steps bench/eager_vs_compiled.py times. Eager and compiled runs must agree."""

import itertools
import jax
import jax.numpy as jnp
import numpy as np
import optax

# --8<-- [start:setup]
BATCH, FEATURES, HIDDEN, CLASSES = 128, 256, 512, 10  # the MLP
SEQUENCES, LENGTH, WIDTH, HEADS = 8, 64, 128, 4  # the Transformer block
LEARNING_RATE, STEPS = 1e-2, 3


def mlp_weights(seed=0):
    """The same float32 weights in every framework's file, kernels as (in, out): x @ kernel."""
    rng = np.random.default_rng(seed)
    sizes = [FEATURES, HIDDEN, HIDDEN, CLASSES]
    return [((rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32),
             np.zeros(n_out, np.float32)) for n_in, n_out in itertools.pairwise(sizes)]


data = np.random.default_rng(1)
features = data.normal(size=(BATCH, FEATURES)).astype(np.float32)
labels = data.integers(0, CLASSES, size=BATCH)
tokens = data.normal(size=(SEQUENCES, LENGTH, WIDTH)).astype(np.float32)
targets = data.normal(size=(SEQUENCES, LENGTH, WIDTH)).astype(np.float32)
# jax.device_put with no device places on the default one: a GPU or TPU if there is one.
x, y = jax.device_put(features), jax.device_put(labels)
tokens_in, tokens_out = jax.device_put(tokens), jax.device_put(targets)
# --8<-- [end:setup]


# --8<-- [start:mlp_step]
def mlp_loss(params, x, y):
    for kernel, bias in params[:-1]:
        x = jax.nn.relu(x @ kernel + bias)
    kernel, bias = params[-1]
    return optax.softmax_cross_entropy_with_integer_labels(x @ kernel + bias, y).mean()


def mlp_step(params, x, y):  # a pure function: parameters in, new parameters out
    loss, grads = jax.value_and_grad(mlp_loss)(params, x, y)
    return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads), loss


eager_mlp_step = mlp_step  # without jit, every operation is dispatched on its own
compiled_mlp_step = jax.jit(mlp_step, donate_argnums=0)  # the whole step as one XLA program
# --8<-- [end:mlp_step]


# --8<-- [start:block_step]
def block_params(key):
    """A pre-norm encoder block: attention and a 4x MLP, each with a residual connection."""
    k = jax.random.split(key, 6)

    def dense(key, n_in, n_out):
        return jax.random.normal(key, (n_in, n_out)) / n_in**0.5, jnp.zeros(n_out)

    def norm():  # a fresh pair for each norm: the compiled step donates its input buffers
        return jnp.ones(WIDTH), jnp.zeros(WIDTH)

    return {"norm1": norm(), "query": dense(k[0], WIDTH, WIDTH), "key": dense(k[1], WIDTH, WIDTH),
            "value": dense(k[2], WIDTH, WIDTH), "out": dense(k[3], WIDTH, WIDTH), "norm2": norm(),
            "mlp_in": dense(k[4], WIDTH, 4 * WIDTH), "mlp_out": dense(k[5], 4 * WIDTH, WIDTH)}


def block(p, x):
    def norm(x, scale_bias):
        mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mean) / jnp.sqrt(var + 1e-5) * scale_bias[0] + scale_bias[1]

    def dense(x, kernel_bias):
        return x @ kernel_bias[0] + kernel_bias[1]

    def heads(x):  # (batch, length, width) -> (batch, length, heads, head_dim)
        return x.reshape(*x.shape[:2], HEADS, WIDTH // HEADS)

    h = norm(x, p["norm1"])
    q, k, v = (heads(dense(h, p[name])) for name in ("query", "key", "value"))
    attended = jax.nn.dot_product_attention(q, k, v).reshape(x.shape)
    x = x + dense(attended, p["out"])
    return x + dense(jax.nn.gelu(dense(norm(x, p["norm2"]), p["mlp_in"]), approximate=False),
                     p["mlp_out"])


def block_step(params, x, y):
    loss, grads = jax.value_and_grad(lambda p: jnp.mean((block(p, x) - y) ** 2))(params)
    return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads), loss


eager_block_step = block_step
compiled_block_step = jax.jit(block_step, donate_argnums=0)
# --8<-- [end:block_step]


def run(step, params, x, y):
    losses = []
    for _ in range(STEPS):
        params, loss = step(params, x, y)
        losses.append(float(loss))
    return losses


# --8<-- [start:agree]
mlp_eager = run(eager_mlp_step, jax.device_put(mlp_weights()), x, y)
mlp_compiled = run(compiled_mlp_step, jax.device_put(mlp_weights()), x, y)
block_eager = run(eager_block_step, block_params(jax.random.key(0)), tokens_in, tokens_out)
block_compiled = run(compiled_block_step, block_params(jax.random.key(0)), tokens_in, tokens_out)
mlp_agree = np.allclose(mlp_eager, mlp_compiled, rtol=1e-5)
block_agree = np.allclose(block_eager, block_compiled, rtol=1e-4)
print("MLP losses:", np.round(mlp_eager, 4), "compiled agrees:", mlp_agree)
print("block losses fall:", block_eager[-1] < block_eager[0], "compiled agrees:", block_agree)
# One XLA program per step function, traced once and reused for every later call.
programs = compiled_mlp_step._cache_size() + compiled_block_step._cache_size()
print("programs compiled for the two steps:", programs)
assert mlp_agree and block_agree and block_eager[-1] < block_eager[0]
assert programs == 2
# --8<-- [end:agree]


def benchmarks():
    """What bench/eager_vs_compiled.py times: one step each, and a sync that waits for it."""
    state = {"mlp": jax.device_put(mlp_weights()), "block": block_params(jax.random.key(0))}

    def stepper(name, step, *batch):
        def one_step():
            state[name], loss = step(state[name], *batch)
            return loss
        return one_step

    def sync(loss):
        return loss.block_until_ready()  # dispatch is asynchronous: wait for the result

    return sync, {
        ("mlp", "eager"): stepper("mlp", eager_mlp_step, x, y),
        ("mlp", "compiled"): stepper("mlp", compiled_mlp_step, x, y),
        ("block", "eager"): stepper("block", eager_block_step, tokens_in, tokens_out),
        ("block", "compiled"): stepper("block", compiled_block_step, tokens_in, tokens_out),
    }


results = {"mlp_losses": np.array(mlp_eager), "mlp_compiled_agrees": mlp_agree,
           "block_compiled_agrees": block_agree}
