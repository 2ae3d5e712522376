"""TensorFlow to LiteRT: convert to a .tflite flatbuffer and run it with the LiteRT interpreter."""

import tempfile
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter  # the LiteRT runtime, not tf.lite

# --8<-- [start:setup]
# On-device runtimes compute in float32 (or lower), so this page uses float32 throughout.
W = np.array([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=np.float32)
b = np.array([0.1, -0.2], dtype=np.float32)
x = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=np.float32)


class TinyModel(tf.Module):
    def __init__(self):
        super().__init__()
        self.W = tf.Variable(W)
        self.b = tf.Variable(b)

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def __call__(self, x):
        return tf.tanh(x @ self.W + self.b)


model = TinyModel()
y = model(x)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:convert]
converter = tf.lite.TFLiteConverter.from_concrete_functions(
    [model.__call__.get_concrete_function()], model
)
# converter.optimizations = [tf.lite.Optimize.DEFAULT]  # would quantize the weights to int8
(folder / "model.tflite").write_bytes(converter.convert())  # one FlatBuffer file
# --8<-- [end:convert]

# --8<-- [start:run]
interpreter = Interpreter(model_path=str(folder / "model.tflite"))
run = interpreter.get_signature_runner()  # the model's one signature, called by input name
y_device = run(x=x)["output_0"]  # NumPy in, dict of NumPy out
print("matches the model, within 1e-6:", np.allclose(y_device, y, atol=1e-6))
# --8<-- [end:run]

# --8<-- [start:litert_runtime]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_interpreter = tf.lite.Interpreter(model_path=str(folder / "model.tflite"))  # still here
assert any(w.category is UserWarning and "tf.lite.Interpreter is deprecated and is scheduled for "
           "deletion in\n    TF 2.20" in str(w.message) for w in caught)
from ai_edge_litert.compiled_model import CompiledModel  # noqa: E402 - LiteRT's newer API

assert callable(CompiledModel.from_file)
# --8<-- [end:litert_runtime]

tmp.cleanup()
assert y_device.dtype == np.float32 and y_device.shape == (2, 2)
np.testing.assert_allclose(y_device, y.numpy(), rtol=1e-6)
results = {"y_device": y_device}
