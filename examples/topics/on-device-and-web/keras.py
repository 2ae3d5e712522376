"""Keras 3 to LiteRT: model.export(format="litert"), run with the LiteRT interpreter."""

import os
import tempfile
from pathlib import Path

# LiteRT export needs the TensorFlow or PyTorch backend in Keras 3.15 (JAX raises ValueError).
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np
from ai_edge_litert.interpreter import Interpreter

# --8<-- [start:setup]
W = np.array([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=np.float32)
b = np.array([0.1, -0.2], dtype=np.float32)
x = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=np.float32)

model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
model.set_weights([W, b])
y = model.predict(x, verbose=0)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:convert]
model.export(folder / "model.tflite", format="litert", verbose=False)
# --8<-- [end:convert]

# --8<-- [start:run]
interpreter = Interpreter(model_path=str(folder / "model.tflite"))
run = interpreter.get_signature_runner()
(input_name,) = run.get_input_details()  # Keras names the input after its layer
y_device = run(**{input_name: x})["output_0"]
print("matches the model, within 1e-6:", np.allclose(y_device, y, atol=1e-6))
# --8<-- [end:run]

# --8<-- [start:onnx_export]
try:  # on the TensorFlow backend, Keras 3.15 exports ONNX through tf2onnx (not installed here)
    model.export(str(folder / "model.onnx"), format="onnx", verbose=False)
    onnx_error = ""
except ImportError as error:
    onnx_error = str(error)
assert "requires the tf2onnx module" in onnx_error
# --8<-- [end:onnx_export]

tmp.cleanup()
np.testing.assert_allclose(y_device, y, rtol=1e-6)
results = {"y_device": y_device}
