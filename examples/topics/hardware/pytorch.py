"""Devices in PyTorch: what this build supports, the best device, and placing a tensor."""

import platform
import sys

import numpy as np
import torch

# --8<-- [start:devices]
# The build's accelerator (CUDA, ROCm, MPS, XPU...) if a device is present, else None.
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator if accelerator is not None else torch.device("cpu")
count = torch.accelerator.device_count()  # 0 without a usable accelerator
agrees = (count > 0) == torch.accelerator.is_available() == (accelerator is not None)
print("device count agrees with is_available():", agrees)
assert agrees
assert torch.zeros(2).device.type == "cpu"  # nothing moves by itself: new tensors are on the CPU
# --8<-- [end:devices]

# --8<-- [start:place]
x = torch.arange(6, dtype=torch.float32).reshape(2, 3).to(device)  # copy to the device
product = x @ x.T  # runs where its inputs are
on_best_device = product.device.type == device.type
print("on the best device:", on_best_device)
print("x @ x.T =", product.cpu().tolist())  # .cpu() copies back to the host
assert on_best_device
assert product.cpu().tolist() == [[5.0, 14.0], [14.0, 50.0]]
# --8<-- [end:place]

# --8<-- [start:build]
# What the installed wheel was built for, whatever hardware this machine has.
built_for = torch.accelerator.current_accelerator()  # compile-time: no device needed
if sys.platform == "linux" and platform.machine() == "x86_64":  # PyPI's Linux wheel
    assert torch.version.cuda == "13.2"  # torch 2.15.0 from PyPI is a CUDA 13.2 build
    assert torch.version.hip is None  # ROCm builds come from PyTorch's own index
    assert built_for is not None and built_for.type == "cuda"  # even with no GPU present
    assert torch.cuda.is_available() == (accelerator is not None)  # False without a GPU
if sys.platform == "darwin":
    assert torch.backends.mps.is_built()  # the macOS wheel carries the MPS backend
else:
    assert not torch.backends.mps.is_built()  # Linux and Windows wheels do not
print("build checks passed for this platform: True")
# --8<-- [end:build]

results = {
    "product": product.cpu().numpy(),
    "on_best_device": np.array(on_best_device),
}
