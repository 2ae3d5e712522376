"""Exporting a PyTorch model: torch.export (.pt2) and ONNX (torch.onnx.export, dynamo=True)."""

import tempfile
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

tmp.cleanup()
assert isinstance(exported, torch.export.ExportedProgram)
torch.testing.assert_close(y_reloaded, y)
assert y_batch_of_3.shape == (3, 2)
np.testing.assert_allclose(y_onnx, y.detach().numpy(), rtol=1e-12)
UNSHARED_RESULTS = {"y_onnx": "ONNX export is shown for PyTorch only; the others export to "
                              "SavedModel or StableHLO, and y_reloaded compares those"}
results = {"y": y, "y_reloaded": y_reloaded, "y_onnx": y_onnx}
