"""Numerics in PyTorch: default dtypes, promotion, TF32 switches, autocast, loss scaling."""

import numpy as np
import torch

# --8<-- [start:setup]
# Dtype names as small integers, so that results can be compared across frameworks.
CODES = {"float16": 1, "bfloat16": 2, "float32": 3, "float64": 4, "int32": 5, "int64": 6}


def code(dtype):
    return CODES[str(dtype).removeprefix("torch.")]


x16 = torch.tensor([1.0, 2048.0, 0.5], dtype=torch.float16)
ints = torch.tensor([1, 2, 3])
# --8<-- [end:setup]

# --8<-- [start:defaults]
print("float literal:", torch.tensor(1.0).dtype, "| int literal:", torch.tensor(1).dtype)
print("from NumPy float64:", torch.from_numpy(np.ones(2)).dtype)
assert torch.get_default_dtype() == torch.float32  # torch.set_default_dtype changes it
assert torch.tensor(1.0).dtype == torch.float32
assert torch.tensor(1).dtype == torch.int64  # PyTorch integers are 64-bit
assert torch.from_numpy(np.ones(2)).dtype == torch.float64  # NumPy's dtype is kept
try:
    torch.nn.Linear(2, 1)(torch.from_numpy(np.ones((1, 2))))  # float64 data, float32 weights
    raise AssertionError("expected a dtype error")
except RuntimeError as err:
    assert "same dtype" in str(err)
# --8<-- [end:defaults]

# --8<-- [start:promotion]
half_plus_one = x16 + 1.0  # a Python float does not widen a float16 tensor
print("float16 + 1.0:", half_plus_one.dtype, half_plus_one.tolist())
assert half_plus_one.dtype == torch.float16
assert half_plus_one.tolist() == [2.0, 2048.0, 1.5]  # 2049 is not a float16: rounds to 2048

promoted = {
    "int + 1.0": ints + 1.0,  # the default float dtype
    "int + float32": ints + torch.ones(3),
    "bfloat16 + float16": torch.ones(3, dtype=torch.bfloat16) + torch.ones(3, dtype=torch.float16),
    "int / int": ints / 2,  # true division always gives a float
    "float32 + float64": torch.ones(3) + torch.ones(3, dtype=torch.float64),
    "float32 + float64 scalar": torch.ones(3) + torch.tensor(1.0, dtype=torch.float64),
}
for name, value in promoted.items():
    print(f"{name}: {value.dtype}")
assert [value.dtype for value in promoted.values()] == [torch.float32] * 4 + [
    torch.float64,  # two tensors of one kind: the wider dtype wins
    torch.float32,  # a 0-dim tensor counts like a Python scalar: it does not widen
]
# --8<-- [end:promotion]

# --8<-- [start:matmul_precision]
assert torch.get_float32_matmul_precision() == "highest"  # PyTorch 2.15 default
assert torch.backends.cuda.matmul.allow_tf32 is False  # float32 matmuls on CUDA: no TF32
assert torch.backends.cudnn.allow_tf32 is True  # cuDNN convolutions: TF32 allowed
torch.set_float32_matmul_precision("high")  # opt in: TF32 (or bf16x3) where the GPU has it
assert torch.backends.cuda.matmul.allow_tf32 is True  # the same switch, seen from the old API
torch.set_float32_matmul_precision("highest")

a = torch.full((1, 4), 1 + 2.0**-12)  # 13 significant bits: exact in float32, not in TF32
matmul_f32 = a @ torch.ones(4, 1)
value = matmul_f32.item()
print("float32 matmul on CPU:", value, "== 4 + 2**-10:", value == 4 + 2**-10)
assert value == 4 + 2**-10  # full float32 on CPU whatever the setting
# --8<-- [end:matmul_precision]

# --8<-- [start:mixed]
x = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4
w = torch.arange(-3, 3, dtype=torch.float32).reshape(3, 2) / 8
layer = torch.nn.Linear(3, 2, bias=False)
with torch.no_grad():
    layer.weight.copy_(w.T)

with torch.autocast("cpu", dtype=torch.bfloat16):  # the CPU's low-precision type
    mixed_output = layer(x)  # a matmul: runs in bfloat16
    loss = torch.nn.functional.mse_loss(mixed_output, torch.zeros(2, 2))  # runs in float32
print("output:", mixed_output.dtype, "| weight:", layer.weight.dtype, "| loss:", loss.dtype)
assert mixed_output.dtype == torch.bfloat16 and loss.dtype == torch.float32
assert layer.weight.dtype == torch.float32  # parameters stay float32; autocast casts copies
assert torch.get_autocast_dtype("cpu") == torch.bfloat16  # the default for device "cpu"
assert torch.get_autocast_dtype("cuda") == torch.float16  # and for "cuda"
# --8<-- [end:mixed]

# --8<-- [start:loss_scaling]
w_small = torch.zeros(4, 1, requires_grad=True)
x_small = torch.full((1, 4), 2.0**-10)


def small_loss():
    with torch.autocast("cpu", dtype=torch.float16):  # float16 autocast also runs on CPU
        y = x_small @ w_small  # float16 forward, so a float16 backward
    return y.float().sum() * 2.0**-16  # a loss whose gradients are tiny


small_loss().backward()  # the true gradient is 2**-26, below float16's smallest subnormal
unscaled_grad = w_small.grad[0, 0].item()

w_small.grad = None
optimizer = torch.optim.SGD([w_small], lr=1.0)
scaler = torch.amp.GradScaler("cpu")  # "cuda" is the usual device
scaler.scale(small_loss()).backward()  # backward of loss * 65536: gradients 2**-10
scaler.unscale_(optimizer)  # divide the float32 .grad by the scale again
scaled_grad = w_small.grad[0, 0].item()
scaler.step(optimizer)  # skipped if any gradient is inf or NaN
scaler.update()
print("gradient without scaling:", unscaled_grad, "| with:", scaled_grad == 2**-26)
assert unscaled_grad == 0.0 and scaled_grad == 2**-26
assert scaler.get_scale() == 2.0**16  # init_scale; doubles after 2000 finite steps
assert (scaler.get_growth_interval(), scaler.get_growth_factor()) == (2000, 2.0)
assert scaler.get_backoff_factor() == 0.5

optimizer.zero_grad()
overflowing = torch.amp.GradScaler("cpu", init_scale=2.0**40)
overflowing.scale(small_loss()).backward()  # 2**40 * 2**-26 overflows float16: inf
before = w_small.detach().clone()
overflowing.step(optimizer)  # the step is skipped ...
overflowing.update()  # ... and the scale halves
assert torch.equal(w_small.detach(), before) and overflowing.get_scale() == 2.0**39
# --8<-- [end:loss_scaling]

# --8<-- [start:ranges]
for dtype in (torch.float16, torch.bfloat16):
    info = torch.finfo(dtype)
    print(f"{dtype}: max {info.max:.4g}, eps {info.eps}, smallest normal {info.tiny:.4g}")
finfo_float16 = [torch.finfo(torch.float16).max, torch.finfo(torch.float16).eps,
                 torch.finfo(torch.float16).tiny]
finfo_bfloat16 = [torch.finfo(torch.bfloat16).max, torch.finfo(torch.bfloat16).eps,
                  torch.finfo(torch.bfloat16).tiny]
assert finfo_float16 == [65504.0, 2.0**-10, 2.0**-14]
assert finfo_bfloat16 == [(2 - 2.0**-7) * 2.0**127, 2.0**-7, 2.0**-126]  # float32's range

values = torch.tensor([70000.0, 257.0, 2.0**-26])
rounded_float16 = values.to(torch.float16).float()
rounded_bfloat16 = values.to(torch.bfloat16).float()
print("float16: ", rounded_float16.tolist())
print("bfloat16:", rounded_bfloat16.tolist())
assert rounded_float16.tolist() == [float("inf"), 257.0, 0.0]  # overflow; exact; underflow
assert rounded_bfloat16.tolist() == [70144.0, 256.0, 2.0**-26]  # rounded; rounded; kept
# --8<-- [end:ranges]

results = {
    "default_float_code": np.array(code(torch.tensor(1.0).dtype)),
    "half_plus_one": half_plus_one.float().numpy(),
    "half_plus_one_code": np.array(code(half_plus_one.dtype)),
    "int_float_codes": np.array([code(v.dtype) for v in list(promoted.values())[:3]]),
    "matmul_f32": matmul_f32.numpy(),
    "mixed_output": mixed_output.float().detach().numpy(),
    "mixed_codes": np.array([code(mixed_output.dtype), code(layer.weight.dtype)]),
    "grad_underflow": np.array([unscaled_grad, scaled_grad]),
    "finfo_float16": np.array(finfo_float16),
    "finfo_bfloat16": np.array(finfo_bfloat16),
    "rounded_float16": rounded_float16.numpy(),
    "rounded_bfloat16": rounded_bfloat16.numpy(),
}
