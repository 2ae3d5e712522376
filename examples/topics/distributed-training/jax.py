"""Data parallelism and sharding in JAX: Mesh, NamedSharding, jit with shardings, shard_map."""

import os
import warnings

# --8<-- [start:devices]
# Pretend the CPU is 4 devices, so the sample runs anywhere; this must come before importing jax.
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
from jax.sharding import NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

assert jax.device_count() == 4
# --8<-- [end:devices]

# --8<-- [start:setup]
X = jnp.arange(24, dtype=jnp.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = jnp.arange(8, dtype=jnp.float64)
w0 = jnp.array([0.5, -0.2, 0.1])
lr = 0.1


def loss_fn(w, X, y):
    return jnp.mean((X @ w - y) ** 2)
# --8<-- [end:setup]


# --8<-- [start:data_parallel]
mesh = jax.make_mesh((4,), ("data",))  # a 1-D mesh of the 4 devices, axis named "data"
with jax.set_mesh(mesh):
    X_sharded = jax.device_put(X, P("data"))  # rows split across "data": 2 per device
    y_sharded = jax.device_put(y, P("data"))

    @jax.jit
    def train_step(w, X, y):
        grad = jax.grad(loss_fn)(w, X, y)  # the compiler inserts the cross-device sum
        return w - lr * grad, grad

    updated_w, grad = train_step(w0, X_sharded, y_sharded)
print("updated_w:", updated_w.round(4))
# --8<-- [end:data_parallel]

# --8<-- [start:shard_map]
with jax.set_mesh(mesh):

    @jax.jit
    @jax.shard_map(in_specs=(P(), P("data"), P("data")), out_specs=P())
    def explicit_grad(w, X_local, y_local):  # runs once per device, on its 2 rows
        def global_loss(w):  # mean of the 4 per-device means = mean over all 8 rows
            return jax.lax.pmean(loss_fn(w, X_local, y_local), "data")

        # w is replicated, so its gradient is summed over devices by autodiff itself:
        # average the loss, not the gradient, or the result is 4 times too large.
        return jax.grad(global_loss)(w)

    grad_shard_map = explicit_grad(w0, X_sharded, y_sharded)
# --8<-- [end:shard_map]

# --8<-- [start:sharding]
mesh_2d = jax.make_mesh((2, 2), ("data", "model"))
W = jnp.arange(12, dtype=jnp.float64).reshape(3, 4) / 10
with jax.set_mesh(mesh_2d):
    X_rows = jax.device_put(X, P("data", None))  # rows over "data", columns whole
    W_cols = jax.device_put(W, P(None, "model"))  # columns over "model": tensor parallelism
    out = jax.jit(jnp.matmul)(X_rows, W_cols)
local_block = out.addressable_shards[0].data.shape  # each device holds a (4, 2) block
sharded_matmul = out
# --8<-- [end:sharding]

# --8<-- [start:api_checks]
assert mesh.axis_types == (jax.sharding.AxisType.Explicit,)  # make_mesh's default in JAX 0.12
assert str(jax.typeof(X_sharded)) == "float64[8@data,3]"  # the sharding is part of the type
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with mesh:  # the older form
        pass
    pmapped = jax.pmap(lambda v: v * 2)(jnp.ones(4))  # pmap: still runs, with no warning
assert [w.category for w in caught] == [DeprecationWarning]
assert "`with mesh:` context manager has been deprecated" in str(caught[0].message)
assert "Old way of doing parallel map" in jax.pmap.__doc__ and pmapped.shape == (4,)
try:  # the option that restored the old pmap implementation is gone
    jax.config.update("jax_pmap_shmap_merge", False)
    option_exists = True
except AttributeError:
    option_exists = False
assert not option_exists
# --8<-- [end:api_checks]

assert X_sharded.sharding == NamedSharding(mesh, P("data"))
assert [shard.data.shape for shard in X_sharded.addressable_shards] == [(2, 3)] * 4
assert jnp.allclose(grad, jax.grad(loss_fn)(w0, X, y))  # same as one device
assert jnp.allclose(grad_shard_map, grad)
assert out.sharding.spec == P("data", "model") and local_block == (4, 2)
results = {"grad": grad, "updated_w": updated_w, "sharded_matmul": sharded_matmul}
