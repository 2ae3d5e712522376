"""Checkpointing in PyTorch: state_dict with optimizer and RNG state, resumed in a fresh process;
torch.distributed.checkpoint; safetensors."""

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

# --8<-- [start:setup]
X = torch.arange(24, dtype=torch.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = torch.arange(8, dtype=torch.float64)
w0 = torch.tensor([[0.5, -0.2, 0.1]], dtype=torch.float64)
STEPS, SAVE_AT = 6, 3  # train 6 steps; checkpoint after 3


def make_model_and_optimizer():
    model = torch.nn.Linear(3, 1, bias=False, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(w0)
    # Momentum is optimizer state: without it a resumed run takes different steps.
    return model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def train(model, optimizer, steps):
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.mean((model(X).squeeze(-1) - y) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
# --8<-- [end:setup]


# --8<-- [start:resume]
def resume(path):
    model, optimizer = make_model_and_optimizer()  # fresh objects, then overwrite their state
    checkpoint = torch.load(path)  # only tensors, containers and numbers: weights_only=True
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])  # momentum buffers and hyperparameters
    torch.set_rng_state(checkpoint["rng"])  # the global CPU generator continues its stream
    next_order = torch.randperm(8)  # e.g. the next epoch's shuffle
    return train(model, optimizer, STEPS - checkpoint["step"]), next_order
# --8<-- [end:resume]


if os.environ.get("CHECKPOINT_PATH"):  # the fresh process started below: resume, report, exit
    losses, next_order = resume(os.environ["CHECKPOINT_PATH"])
    np.savez(os.environ["CHECKPOINT_PATH"] + ".resumed.npz", losses=losses, order=next_order)
    sys.exit()

scratch = tempfile.TemporaryDirectory()  # every file of this sample goes here
tmp = Path(scratch.name)

# --8<-- [start:save]
torch.manual_seed(0)
model, optimizer = make_model_and_optimizer()
first_losses = train(model, optimizer, SAVE_AT)
checkpoint = {
    "model": model.state_dict(),  # parameter and buffer tensors, by name
    "optimizer": optimizer.state_dict(),  # per-parameter state and param_groups
    "rng": torch.get_rng_state(),  # a uint8 tensor; CUDA has torch.cuda.get_rng_state_all()
    "step": SAVE_AT,
}
torch.save(checkpoint, tmp / "step3.pt")
assert list(checkpoint["optimizer"]["state"]) == [0]  # keyed by the parameter's index
assert checkpoint["rng"].dtype == torch.uint8
print("optimizer state:", {k: tuple(v["momentum_buffer"].shape)
                           for k, v in checkpoint["optimizer"]["state"].items()})
# --8<-- [end:save]

# --8<-- [start:uninterrupted]
expected_order = torch.randperm(8)  # what the generator gives next, had we not stopped
later_losses = train(model, optimizer, STEPS - SAVE_AT)
losses = first_losses + later_losses
child = subprocess.run(  # -P: do not put this folder (and its jax.py) first on sys.path
    [sys.executable, "-P", os.path.abspath(__file__)], capture_output=True, text=True,
    env={**os.environ, "CHECKPOINT_PATH": str(tmp / "step3.pt")},
)
assert child.returncode == 0, child.stderr[-2000:]
resumed = np.load(tmp / "step3.pt.resumed.npz")
assert resumed["losses"].tolist() == later_losses  # bit for bit
assert torch.equal(torch.from_numpy(resumed["order"]), expected_order)
print("losses:", np.round(losses, 4))
print("resumed in a fresh process, identical:", resumed["losses"].tolist() == later_losses)
# --8<-- [end:uninterrupted]

# --8<-- [start:without_optimizer]
model_only, fresh_optimizer = make_model_and_optimizer()
# checkpoint["model"] holds references to the live parameters, which trained on: read the file.
assert torch.equal(checkpoint["model"]["weight"], model.weight)  # step 6 now, not step 3
model_only.load_state_dict(torch.load(tmp / "step3.pt")["model"])  # momentum starts at zero
losses_without_optimizer_state = train(model_only, fresh_optimizer, STEPS - SAVE_AT)
assert not np.allclose(losses_without_optimizer_state, later_losses, rtol=1e-3)
print("without optimizer state:", np.round(losses_without_optimizer_state, 4))
# --8<-- [end:without_optimizer]


class Note:  # any Python object that is not a tensor, container or number
    pass


# --8<-- [start:weights_only]
torch.save({"note": Note()}, tmp / "pickled.pt")
try:
    torch.load(tmp / "pickled.pt")  # refuses to unpickle arbitrary classes (PyTorch 2.15)
    refused = False
except Exception as error:  # _pickle.UnpicklingError: Weights only load failed
    refused = "Weights only load failed" in str(error)
assert refused
# --8<-- [end:weights_only]

# --8<-- [start:dcp]
import torch.distributed.checkpoint as dcp  # noqa: E402
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict  # noqa: E402

with warnings.catch_warnings(record=True) as caught:  # no process group: DCP warns, and
    warnings.simplefilter("always")  # saves and loads as a single process
    model_sd, optim_sd = get_state_dict(model, optimizer)  # optimizer state keyed by name
    dcp.save({"model": model_sd, "optimizer": optim_sd}, checkpoint_id=tmp / "dcp")
    restored_model, restored_optimizer = make_model_and_optimizer()
    target_model, target_optim = get_state_dict(restored_model, restored_optimizer)
    target = {"model": target_model, "optimizer": target_optim}
    dcp.load(target, checkpoint_id=tmp / "dcp")  # loads in place into the target's tensors
    set_state_dict(restored_model, restored_optimizer,
                   model_state_dict=target["model"], optim_state_dict=target["optimizer"])
assert any("single process" in str(w.message) for w in caught)
assert sorted(optim_sd["state"]) == ["weight"]  # a name, not the index 0 of state_dict()
assert sorted(os.listdir(tmp / "dcp")) == [".metadata", "__0_0.distcp"]  # one file per rank
assert torch.equal(restored_model.weight, model.weight)
assert torch.equal(restored_optimizer.state_dict()["state"][0]["momentum_buffer"],
                   optimizer.state_dict()["state"][0]["momentum_buffer"])
print("files:", sorted(os.listdir(tmp / "dcp")))
# --8<-- [end:dcp]

# --8<-- [start:safetensors]
from safetensors.numpy import load_file as load_numpy  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

save_file({"w": w0.reshape(3)}, tmp / "w0.safetensors", metadata={"step": "0"})
loaded = load_numpy(tmp / "w0.safetensors")  # NumPy arrays: any framework can take them
assert np.array_equal(loaded["w"], w0.reshape(3).numpy())
raw = (tmp / "w0.safetensors").read_bytes()
header_size = int.from_bytes(raw[:8], "little")  # 8 bytes of length, a JSON header, the data
header = json.loads(raw[8:8 + header_size])
assert header["w"] == {"dtype": "F64", "shape": [3], "data_offsets": [0, 24]}
safetensors_file = np.frombuffer(raw, dtype=np.uint8)
print("header:", header)
# --8<-- [end:safetensors]

# --8<-- [start:safetensors_limits]
try:
    save_file({"step": 3}, tmp / "bad.safetensors")  # a Python int is not a tensor
    int_refused = False
except ValueError:
    int_refused = True
try:
    save_file({"w": w0}, tmp / "bad.safetensors", metadata={"step": 3})  # metadata: str only
    metadata_refused = False
except TypeError:
    metadata_refused = True
assert int_refused and metadata_refused
# --8<-- [end:safetensors_limits]

assert len(losses) == STEPS and losses[-1] < losses[0]
scratch.cleanup()
results = {
    "losses": np.array(losses), "losses_without_optimizer_state": losses_without_optimizer_state,
    "final_w": model.weight.detach().reshape(3), "safetensors_file": safetensors_file,
}
