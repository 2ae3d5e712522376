"""Exporting a PyTorch model: torch.export (.pt2) and ONNX (torch.onnx.export, dynamo=True)."""

import inspect
import io
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

# --8<-- [start:setup]
W = torch.tensor([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=torch.float64)
b = torch.tensor([0.1, -0.2], dtype=torch.float64)
x = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=torch.float64)


class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W = torch.nn.Parameter(W.clone())
        self.b = torch.nn.Parameter(b.clone())

    def forward(self, x):
        return torch.tanh(x @ self.W + self.b)


model = TinyModel().eval()
y = model(x)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:export]
batch = torch.export.Dim("batch")  # the first dimension may vary at run time
exported = torch.export.export(model, (x,), dynamic_shapes=({0: batch},))
torch.export.save(exported, folder / "model.pt2")  # graph + weights, no Python class needed

reloaded = torch.export.load(folder / "model.pt2")
y_reloaded = reloaded.module()(x)  # .module() gives back a callable nn.Module
y_batch_of_3 = reloaded.module()(torch.cat([x, x[:1]]))  # other batch sizes work too
print("reloaded gives the same output:", torch.allclose(y_reloaded, y))
# --8<-- [end:export]

# --8<-- [start:onnx]
onnx_program = torch.onnx.export(model, (x,), dynamo=True,  # dynamo=True is the default
                                 dynamic_shapes=({0: "batch"},), verbose=False)  # no progress log
onnx_program.save(str(folder / "model.onnx"))

session = ort.InferenceSession(folder / "model.onnx", providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
(y_onnx,) = session.run(None, {input_name: x.numpy()})  # plain NumPy in and out
# --8<-- [end:onnx]

# --8<-- [start:torchscript_warning]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    scripted = torch.jit.trace(model, (x,))  # TorchScript: still works in PyTorch 2.15...
    buffer = io.BytesIO()
    torch.jit.save(scripted, buffer)
    buffer.seek(0)
    y_torchscript = torch.jit.load(buffer)(x)  # ...and old .pt files still load
jit_warnings = {w.category for w in caught if "torch.jit" in str(w.message)}
assert jit_warnings == {FutureWarning}  # shown to users, unlike a DeprecationWarning
assert any("Please switch to `torch.compile` or `torch.export`" in str(w.message) for w in caught)
torch.testing.assert_close(y_torchscript, y)
# --8<-- [end:torchscript_warning]

# --8<-- [start:onnx_default]
assert inspect.signature(torch.onnx.export).parameters["dynamo"].default is True
changed_in_2_9 = ".. versionchanged:: 2.9\n        ``dynamo`` is now True by default."
assert changed_in_2_9 in torch.onnx.export.__doc__
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.onnx.export(model, (x,), io.BytesIO(), dynamo=False)  # the TorchScript-based exporter
assert any(w.category is DeprecationWarning and "legacy TorchScript-based ONNX export"
           in str(w.message) for w in caught)
# --8<-- [end:onnx_default]

# --8<-- [start:keras_onnx]
os.environ["KERAS_BACKEND"] = "torch"  # Keras reads it once, at its first import
import keras  # noqa: E402

keras_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
keras_model.set_weights([W.numpy().astype("float32"), b.numpy().astype("float32")])
fixed_shape = [keras.InputSpec(shape=(2, 3), dtype="float32")]  # Keras then uses dynamo=True
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras_model.export(folder / "keras.onnx", format="onnx", verbose=False,
                       input_signature=fixed_shape)
assert not any("TorchScript" in str(w.message) or w.category is torch.jit.TracerWarning
               for w in caught)  # no sign of the legacy exporter
keras_session = ort.InferenceSession(folder / "keras.onnx", providers=["CPUExecutionProvider"])
(y_keras_onnx,) = keras_session.run(None, {keras_session.get_inputs()[0].name:
                                           x.numpy().astype("float32")})
assert np.allclose(y_keras_onnx, y.detach().numpy(), atol=1e-6)
# --8<-- [end:keras_onnx]

tmp.cleanup()
assert isinstance(exported, torch.export.ExportedProgram)
torch.testing.assert_close(y_reloaded, y)
assert y_batch_of_3.shape == (3, 2)
np.testing.assert_allclose(y_onnx, y.detach().numpy(), rtol=1e-12)
UNSHARED_RESULTS = {"y_onnx": "ONNX export is shown for PyTorch only; the others export to "
                              "SavedModel or StableHLO, and y_reloaded compares those"}
results = {"y": y, "y_reloaded": y_reloaded, "y_onnx": y_onnx}
