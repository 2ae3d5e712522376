"""Exporting a JAX function: jax.export (serialized StableHLO) and jax2tf to a TF SavedModel."""

import tempfile
import warnings
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

# --8<-- [start:setup]
W = jnp.array([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]])
b = jnp.array([0.1, -0.2])
x = jnp.array([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]])
params = {"W": W, "b": b}


def model(params, x):
    return jnp.tanh(x @ params["W"] + params["b"])


y = model(params, x)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:export]
(batch,) = jax.export.symbolic_shape("batch")  # the first dimension may vary at run time
x_spec = jax.ShapeDtypeStruct((batch, 3), jnp.float64)
params_spec = jax.tree.map(lambda p: jax.ShapeDtypeStruct(p.shape, p.dtype), params)
exported = jax.export.export(jax.jit(model))(params_spec, x_spec)
(folder / "model.jax").write_bytes(exported.serialize())  # StableHLO bytes, no Python code

reloaded = jax.export.deserialize((folder / "model.jax").read_bytes())
y_reloaded = reloaded.call(params, x)  # weights are inputs here, so they can be swapped
y_batch_of_3 = reloaded.call(params, jnp.concatenate([x, x[:1]]))
print("reloaded gives the same output:", bool(jnp.allclose(y_reloaded, y)))
# --8<-- [end:export]

# --8<-- [start:saved_model]
import tensorflow as tf  # noqa: E402
from jax.experimental import jax2tf  # noqa: E402

module = tf.Module()
module.params = tf.nest.map_structure(tf.Variable, jax.tree.map(np.asarray, params))
module.serve = tf.function(  # a fixed shape: see the note on version skew below
    lambda x: jax2tf.convert(model, with_gradient=False)(module.params, x),
    input_signature=[tf.TensorSpec((2, 3), tf.float64, name="x")], autograph=False,
)
tf.saved_model.save(module, str(folder / "tiny_model" / "1"))
restored = tf.saved_model.load(str(folder / "tiny_model" / "1"))
y_saved_model = restored.serve(np.asarray(x))
# --8<-- [end:saved_model]

# --8<-- [start:jax2tf_modes]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    jax2tf.convert(model, native_serialization=False)  # the old mode is gone: only a warning
    jax2tf.convert(model, enable_xla=False)
assert [w.category for w in caught] == [DeprecationWarning] * 2
assert all("deprecated and will be removed" in str(w.message) for w in caught)
# --8<-- [end:jax2tf_modes]

# --8<-- [start:version_skew]
poly = tf.function(  # the same model with a symbolic batch dimension
    lambda x: jax2tf.convert(model, polymorphic_shapes=[None, "(b, 3)"], with_gradient=False)(
        module.params, x),
    input_signature=[tf.TensorSpec((None, 3), tf.float64)], autograph=False,
)
try:
    poly(np.asarray(x))
    skew_error = None
except Exception as error:  # TensorFlow raises an InvalidArgumentError
    skew_error = str(error)
assert skew_error is not None and "failed to deserialize" in skew_error
# --8<-- [end:version_skew]

tmp.cleanup()
assert str(reloaded.in_avals[-1].shape[0]) == "batch" and y_batch_of_3.shape == (3, 2)
assert jnp.allclose(y_reloaded, y) and np.allclose(y_saved_model, y)
results = {"y": y, "y_reloaded": y_reloaded}
