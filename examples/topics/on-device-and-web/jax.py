"""JAX to LiteRT: jax2tf wraps the function for TensorFlow, whose converter writes .tflite."""

import tempfile
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter
from jax.experimental import jax2tf

# --8<-- [start:setup]
W = jnp.array([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=jnp.float32)
b = jnp.array([0.1, -0.2], dtype=jnp.float32)
x = jnp.array([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=jnp.float32)
params = {"W": W, "b": b}


def model(params, x):
    return jnp.tanh(x @ params["W"] + params["b"])


y = model(params, x)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:convert]
serve = tf.function(  # the weights become constants of the converted model
    jax2tf.convert(lambda x: model(params, x), with_gradient=False),
    input_signature=[tf.TensorSpec((2, 3), tf.float32, name="x")], autograph=False,
)
converter = tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()], serve)
(folder / "model.tflite").write_bytes(converter.convert())  # StableHLO -> LiteRT operators
# --8<-- [end:convert]

# --8<-- [start:run]
interpreter = Interpreter(model_path=str(folder / "model.tflite"))
interpreter.allocate_tensors()
(input_detail,) = interpreter.get_input_details()
(output_detail,) = interpreter.get_output_details()
interpreter.set_tensor(input_detail["index"], np.asarray(x))  # this model has no signature,
interpreter.invoke()  # so use the lower-level tensor API
y_device = interpreter.get_tensor(output_detail["index"])
print("matches the model, within 1e-6:", np.allclose(y_device, y, atol=1e-6))
# --8<-- [end:run]

# --8<-- [start:from_jax]
from_jax_doc = tf.lite.TFLiteConverter.experimental_from_jax.__doc__
assert "THIS FUNCTION IS DEPRECATED" in from_jax_doc and "jax2tf.convert" in from_jax_doc
# --8<-- [end:from_jax]

tmp.cleanup()
np.testing.assert_allclose(y_device, y, rtol=1e-6)
results = {"y_device": y_device}
