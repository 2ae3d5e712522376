"""PyTorch towards devices: torch.export, then ONNX run by ONNX Runtime (the runtime of ORT Web)."""

import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

# --8<-- [start:setup]
W = torch.tensor([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=torch.float32)
b = torch.tensor([0.1, -0.2], dtype=torch.float32)
x = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=torch.float32)


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

# --8<-- [start:convert]
# Every PyTorch on-device path (ExecuTorch, LiteRT Torch, ONNX) starts from torch.export.
exported = torch.export.export(model, (x,))
onnx_program = torch.onnx.export(exported, dynamo=True, verbose=False)  # from the ExportedProgram
onnx_program.save(str(folder / "model.onnx"))
# --8<-- [end:convert]

# --8<-- [start:run]
session = ort.InferenceSession(folder / "model.onnx", providers=["CPUExecutionProvider"])
(y_device,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
print("matches the model, within 1e-6:", np.allclose(y_device, y.detach().numpy(), atol=1e-6))
# --8<-- [end:run]

tmp.cleanup()
assert y_device.dtype == np.float32
np.testing.assert_allclose(y_device, y.detach().numpy(), rtol=1e-6)
results = {"y_device": y_device}
