"""Exporting a Keras 3 model with model.export: here from the JAX backend to a TF SavedModel."""

import inspect
import os
import tempfile
from pathlib import Path

# Any backend can export; JAX shows that the SavedModel does not need the model to be TensorFlow.
os.environ["KERAS_BACKEND"] = "jax"
import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras.config.set_floatx("float64")

# --8<-- [start:setup]
W = np.array([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]])
b = np.array([0.1, -0.2])
x = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]])

model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
model.set_weights([W, b])
y = model.predict(x, verbose=0)  # float32: Keras 3.15's tanh on JAX drops float64 (agrees to 1e-7)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:export]
# A fixed input shape: with a variable batch size, the JAX 0.12 export cannot be run by TF 2.21.
signature = [keras.InputSpec(shape=(2, 3), dtype="float64")]
model.export(folder / "tiny_model" / "1", format="tf_saved_model", input_signature=signature,
             verbose=False)  # on the JAX backend, this goes through jax2tf

reloaded = tf.saved_model.load(str(folder / "tiny_model" / "1"))
y_reloaded = reloaded.serve(x)  # the endpoint model.export creates for inference
print("reloaded gives the same output:", np.allclose(y_reloaded, y, atol=1e-6))
# --8<-- [end:export]

# --8<-- [start:export_formats]
def export_error(name="other", **kwargs):  # what model.export raises on this backend, or None
    try:
        model.export(str(folder / name), verbose=False, **kwargs)
    except (ImportError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


assert inspect.signature(model.export).parameters["format"].default == "tf_saved_model"
formats = export_error(format="unknown")  # the error lists every format Keras 3.15 knows
assert all(f"'{name}'" in formats for name in ["tf_saved_model", "onnx", "openvino", "litert",
                                               "torch"])
# On the JAX backend, ONNX export needs jax2onnx and OpenVINO export openvino (neither is here),
assert "jax2onnx" in export_error(format="onnx", input_signature=signature)
assert "openvino" in export_error("model.xml", format="openvino",
                                input_signature=signature)
# LiteRT needs the TensorFlow or PyTorch backend, and .pt2 the PyTorch backend.
assert "requires TensorFlow or PyTorch backend" in export_error(format="litert")
assert "requires PyTorch backend" in export_error(format="torch")
# --8<-- [end:export_formats]

tmp.cleanup()
np.testing.assert_allclose(y_reloaded, y, rtol=1e-12)
results = {"y": y, "y_reloaded": y_reloaded}
