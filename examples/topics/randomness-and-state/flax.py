"""Randomness and state in Flax NNX: nnx.Rngs streams, and module state mutated under nnx.jit."""

import warnings

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from flax import nnx  # noqa: E402

# --8<-- [start:streams]
rngs = nnx.Rngs(0, dropout=1)  # named streams: "default" from seed 0, "dropout" from 1
first, second = rngs.dropout(), rngs.dropout()  # each call folds a counter into the key
assert not jnp.array_equal(jax.random.key_data(first), jax.random.key_data(second))
assert jnp.array_equal(  # the counter starts at 0: the first key is fold_in(key(1), 0)
    jax.random.key_data(first), jax.random.key_data(jax.random.fold_in(jax.random.key(1), 0))
)
# --8<-- [end:streams]

# --8<-- [start:state]
batches = jnp.asarray(np.random.default_rng(0).normal(size=(4, 8, 3)))  # 4 batches of 8


class RunningMean(nnx.Module):
    def __init__(self, size):
        self.count = nnx.BatchStat(jnp.array(0))  # state, not a trainable nnx.Param
        self.mean = nnx.BatchStat(jnp.zeros(size))

    def __call__(self, batch):
        self.count[...] += 1  # looks like mutation; nnx.jit turns it into state in and out
        self.mean[...] = 0.9 * self.mean[...] + 0.1 * jnp.mean(batch, axis=0)


@nnx.jit
def update(module, batch):
    module(batch)


running = RunningMean(3)
for batch in batches:
    update(running, batch)
assert int(running.count[...]) == 4
print("count:", int(running.count[...]), "mean:", running.mean[...].round(4))
# --8<-- [end:state]

# --8<-- [start:value_deprecated]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_spelling = running.count.value  # what running.count[...] replaces
assert int(old_spelling) == 4  # it still works, and warns (Flax 0.12):
assert any(issubclass(w.category, DeprecationWarning) for w in caught)
# --8<-- [end:value_deprecated]

results = {"count": running.count[...], "running_mean": running.mean[...]}
