"""Ecosystem, JAX: the libraries the page names exist in the installed releases."""

import tempfile
from pathlib import Path

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)

# --8<-- [start:setup]
weights = np.array([1.5, 0.3, -0.7])  # one small array to save and restore
# --8<-- [end:setup]

results = {}

# --8<-- [start:pmap-docstring]
assert hasattr(jax, "shard_map")
assert "Use :py:func:`jax.shard_map` instead" in jax.pmap.__doc__  # pmap points to shard_map
# --8<-- [end:pmap-docstring]

# --8<-- [start:flax-apis]
import optax  # noqa: E402
from flax import linen, nnx  # noqa: E402  both APIs ship in one package

assert issubclass(nnx.Linear, nnx.Module) and issubclass(linen.Dense, linen.Module)
assert callable(optax.chain) and callable(optax.adamw)
param = nnx.Param(jax.numpy.zeros(2))
param[...] = jax.numpy.ones(2)  # Flax 0.12: a parameter's array is read and written with [...]
assert np.array_equal(np.asarray(param[...]), np.ones(2))
# --8<-- [end:flax-apis]

# --8<-- [start:checkpoint]
import orbax.checkpoint as ocp  # noqa: E402

path = Path(tempfile.mkdtemp()) / "state"
checkpointer = ocp.StandardCheckpointer()
checkpointer.save(path, {"w": jax.numpy.asarray(weights)})
checkpointer.wait_until_finished()  # Orbax writes asynchronously
restored = checkpointer.restore(path)["w"]
assert np.array_equal(np.asarray(restored), weights)
# --8<-- [end:checkpoint]
results["checkpoint"] = restored
