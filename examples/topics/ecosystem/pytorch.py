"""Ecosystem, PyTorch: the core libraries the page names exist in the installed release."""

import tempfile
from pathlib import Path

import numpy as np
import torch

# --8<-- [start:setup]
weights = np.array([1.5, 0.3, -0.7])  # one small array to save and restore
# --8<-- [end:setup]

results = {}

# --8<-- [start:core-libraries]
import torch.distributed.checkpoint  # noqa: E402  distributed, sharded checkpoints
from torch.distributed.fsdp import fully_shard  # noqa: E402  FSDP2
from torch.utils.data import DataLoader  # noqa: E402  data loading

assert callable(fully_shard) and callable(DataLoader)
assert callable(torch.distributed.checkpoint.save)
# --8<-- [end:core-libraries]

# --8<-- [start:checkpoint]
path = Path(tempfile.mkdtemp()) / "state.pt"
torch.save({"w": torch.from_numpy(weights)}, path)
restored = torch.load(path)["w"]  # weights_only=True by default
assert torch.equal(restored, torch.from_numpy(weights))
# --8<-- [end:checkpoint]
results["checkpoint"] = restored
