"""One training step in JAX's own idiom: parameters as a pytree, a pure jitted step, Optax."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

# --8<-- [start:train_step]
x = jnp.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]])
y = jnp.array([[1.0], [-0.5], [2.0], [0.0]])  # 4 examples, 3 features (float64: x64 is on)
w0 = jnp.array([[0.5], [-0.3], [0.8]])  # (in, out): kernel layout
b0 = jnp.array([0.1])
learning_rate = 0.1

params = {"w": w0, "b": b0}  # parameters are a plain pytree (here a dict of arrays)
optimizer = optax.sgd(learning_rate)
opt_state = optimizer.init(params)  # optimizer state is data too, not hidden in an object


def loss_fn(params, x, y):
    return jnp.mean((x @ params["w"] + params["b"] - y) ** 2)


@jax.jit  # a pure function: new state out, nothing changed in place
def train_step(params, opt_state, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss


new_params, opt_state, loss = train_step(params, opt_state, x, y)
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

assert new_params["w"].shape == (3, 1) and new_params["b"].shape == (1,)
assert params["w"] is w0  # the old parameters are untouched: nothing was updated in place
assert loss > 0 and not jnp.array_equal(new_params["w"], w0)
results = {"loss": loss, "new_w": new_params["w"], "new_b": new_params["b"]}

# Evidence for statements on docs/frameworks/jax.md (JAX 0.12); these sections print nothing.

# --8<-- [start:immutable_arrays]
updated = w0.at[0, 0].set(9.0)  # returns a new array
assert float(w0[0, 0]) == 0.5 and float(updated[0, 0]) == 9.0
try:
    w0[0, 0] = 9.0  # in-place assignment is refused
    raise AssertionError("a JAX array was changed in place")
except TypeError:
    pass
# --8<-- [end:immutable_arrays]


# --8<-- [start:tracer_bool]
@jax.jit
def absolute(v):
    if v > 0:  # Python control flow on a traced value
        return v
    return -v


try:
    absolute(1.0)
    raise AssertionError("Python `if` on a tracer did not fail")
except jax.errors.TracerBoolConversionError:
    pass
assert float(jax.jit(lambda v: jax.lax.cond(v > 0, lambda: v, lambda: -v))(-2.0)) == 2.0
# --8<-- [end:tracer_bool]

# --8<-- [start:sharding_defaults]
mesh = jax.make_mesh((1,), ("data",))
assert mesh.axis_types == (jax.sharding.AxisType.Explicit,)  # explicit axes by default
assert callable(jax.set_mesh) and not hasattr(jax.sharding, "use_mesh")
assert jax.P is jax.sharding.PartitionSpec
assert jax.config.jax_use_shardy_partitioner  # Shardy, not GSPMD
assert jax.config.jax_threefry_partitionable
# --8<-- [end:sharding_defaults]

# --8<-- [start:pmap_era_removed]
assert callable(jax.shard_map) and callable(jax.pmap)  # pmap remains, in maintenance mode
for gone in ("device_put_sharded", "device_put_replicated"):
    assert not hasattr(jax, gone)
assert not hasattr(jax.sharding, "PmapSharding")
# --8<-- [end:pmap_era_removed]

# --8<-- [start:export_roundtrip]
exported = jax.export.export(jax.jit(loss_fn))(params, x, y)
restored = jax.export.deserialize(exported.serialize())  # bytes another process could load
assert float(restored.call(params, x, y)) == float(loss_fn(params, x, y))
assert "stablehlo" in exported.mlir_module()
# --8<-- [end:export_roundtrip]

# --8<-- [start:python_versions]
import importlib.metadata  # noqa: E402

assert importlib.metadata.metadata("jax").get("Requires-Python") == ">=3.12"
jax_classifiers = importlib.metadata.metadata("jax").get_all("Classifier")
assert "Programming Language :: Python :: 3.14" in jax_classifiers
# --8<-- [end:python_versions]
