"""Randomness and state in JAX: explicit keys, split and fold_in, state passed in and out of jit."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

# --8<-- [start:seed]
key = jax.random.key(0)  # a key is a value: nothing global changes when you use it
a = jax.random.normal(key, (3,))
b = jax.random.normal(key, (3,))
assert jnp.array_equal(a, b)  # same key, same numbers, every time: reuse is a bug to avoid
print("a:", a.round(4))
# --8<-- [end:seed]

# --8<-- [start:streams]
key, init_key, dropout_key = jax.random.split(key, 3)  # new independent keys from one
w = jax.random.normal(init_key, (3,))
keep = jax.random.bernoulli(dropout_key, 0.5, (3,))
assert not jnp.array_equal(w, a)  # a split key gives a different stream

step_keys = [jax.random.fold_in(key, step) for step in range(3)]  # a key per step number
assert jnp.array_equal(  # deterministic: the same step always gets the same key
    jax.random.key_data(jax.random.fold_in(key, 2)), jax.random.key_data(step_keys[2])
)
example_keys = jax.random.split(key, 4)  # one key per example, for use under vmap
noise = jax.vmap(lambda k: jax.random.normal(k, (3,)))(example_keys)
assert noise.shape == (4, 3) and not jnp.array_equal(noise[0], noise[1])
# --8<-- [end:streams]

# --8<-- [start:shuffle]
order = jax.random.permutation(jax.random.key(42), 10)  # a shuffled 0..9
assert jnp.array_equal(jnp.sort(order), jnp.arange(10))  # the order differs per framework
print("order:", order)
# --8<-- [end:shuffle]

# --8<-- [start:state]
batches = jnp.asarray(np.random.default_rng(0).normal(size=(4, 8, 3)))  # 4 batches of 8


def update(state, batch):  # pure: takes the old state, returns the new one
    return {
        "count": state["count"] + 1,
        "mean": 0.9 * state["mean"] + 0.1 * jnp.mean(batch, axis=0),
    }


update = jax.jit(update)
state = {"count": jnp.array(0), "mean": jnp.zeros(3)}
for batch in batches:
    state = update(state, batch)  # the caller threads the state through every call
assert int(state["count"]) == 4
print("count:", int(state["count"]), "mean:", state["mean"].round(4))
# --8<-- [end:state]

# --8<-- [start:keys_compiled]
assert jax.config.jax_default_prng_impl == "threefry2x32"  # JAX 0.12's default generator
sample = jax.jit(lambda k: jax.random.normal(k, (3,)))
assert jnp.array_equal(sample(jax.random.key(0)), jax.random.normal(jax.random.key(0), (3,)))
captured_key = jax.random.key(1)
constant = jax.jit(lambda x: x + jax.random.normal(captured_key, (3,)))  # key baked in
assert jnp.array_equal(constant(jnp.zeros(3)), constant(jnp.zeros(3)))  # same every call

flag = {**os.environ, "XLA_FLAGS": "--xla_gpu_deterministic_ops=true", "JAX_PLATFORMS": "cpu"}
check = subprocess.run(  # XLA aborts on a flag it does not know; this one it accepts
    [sys.executable, "-c", "import jax.numpy as jnp; jnp.zeros(1).block_until_ready()"],
    env=flag, capture_output=True,
)
assert check.returncode == 0
# --8<-- [end:keys_compiled]

results = {
    "sorted_order": jnp.sort(order), "count": state["count"], "running_mean": state["mean"]
}
