"""Coming from another framework, PyTorch side: the habits that differ from TensorFlow and JAX."""

import numpy as np
import torch
import torch.nn.functional as F

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]], dtype=np.float32)  # 2 examples, 3 features
x = torch.from_numpy(a)
w = torch.tensor([1.0, 0.5, -1.0])
image = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)  # NHWC: batch, height, width, chan
conv_w = (np.arange(54, dtype=np.float32).reshape(3, 3, 2, 3) % 5) - 2  # HWIO, small integers
# --8<-- [end:setup]

results = {}

# --8<-- [start:dtypes]
print(torch.tensor([1.0]).dtype, torch.tensor([1]).dtype, torch.tensor(a.astype(np.float64)).dtype)
# --8<-- [end:dtypes]
assert torch.tensor([1.0]).dtype == torch.float32 and torch.tensor([1]).dtype == torch.int64
assert torch.tensor(a.astype(np.float64)).dtype == torch.float64  # NumPy's float64 is kept
results["python_float_bits"] = 32

# --8<-- [start:promotion]
mixed = torch.tensor([1, 2]) + torch.tensor([1.5, 1.5])  # int64 + float32: promoted
print(mixed.dtype, mixed.tolist())
# --8<-- [end:promotion]
assert mixed.dtype == torch.float32
results["promoted"] = mixed

# --8<-- [start:immutable]
updated = x.clone()
updated[0, 1] = 10.0  # tensors are mutable: the write happens in place
print(updated[0].tolist())
# --8<-- [end:immutable]
results["updated"] = updated


# --8<-- [start:gradients]
def loss_fn(w):
    return torch.sum((x @ w) ** 2)


w_ = w.clone().requires_grad_()  # mark what to differentiate
loss_fn(w_).backward()
first = w_.grad.clone()
loss_fn(w_).backward()  # a second backward adds into .grad
print("second backward doubled .grad:", torch.equal(w_.grad, 2 * first))
w_.grad = None  # what optimizer.zero_grad() does
# --8<-- [end:gradients]
assert w_.grad is None
results["grad"] = first

# --8<-- [start:training_flag]
drop = torch.nn.Dropout(0.5)
print("training after construction:", drop.training)  # modules start in training mode
drop.eval()  # model.eval() before evaluating; model.train() to go back
eval_output = drop(x)
# --8<-- [end:training_flag]
assert torch.nn.Dropout(0.5).training and torch.equal(eval_output, x)
results["eval_output"] = eval_output

# --8<-- [start:batchnorm]
bn = torch.nn.BatchNorm1d(3, momentum=0.01)  # weight of the new batch: 0.1 unless told
bn(x)  # training mode: normalise with batch statistics, update the running ones
print("running mean:", bn.running_mean.numpy().round(4), "eps:", bn.eps)
# --8<-- [end:batchnorm]
default_bn = torch.nn.BatchNorm1d(3)
assert default_bn.momentum == 0.1 and default_bn.eps == 1e-5
unbiased = x.var(dim=0, correction=1)  # the running variance uses n - 1
assert torch.allclose(bn.running_var, 0.99 + 0.01 * unbiased)
results["running_mean"] = bn.running_mean

# --8<-- [start:conv_layout]
conv = torch.nn.Conv2d(2, 3, kernel_size=3, bias=False)  # padding=0 unless told
with torch.no_grad():
    conv.weight.copy_(torch.from_numpy(conv_w).permute(3, 2, 0, 1))  # HWIO -> OIHW
nchw = torch.from_numpy(image).permute(0, 3, 1, 2)  # PyTorch wants channels first
out = conv(nchw).permute(0, 2, 3, 1)  # back to NHWC to compare
print("weight", tuple(conv.weight.shape), "output NHWC", tuple(out.shape))
# --8<-- [end:conv_layout]
assert conv.weight.shape == (3, 2, 3, 3) and conv.padding == (0, 0)
results["conv"] = out.detach()

# --8<-- [start:dynamic_shapes]
positive = x[x > 0]  # the result's length depends on the data: fine in eager mode
print(tuple(positive.shape), float(positive.sum()))
# --8<-- [end:dynamic_shapes]
results["masked_sum"] = positive.sum()

# --8<-- [start:out_of_bounds]
try:
    x[:, torch.tensor([5])]  # column 5 of 3
except IndexError as err:
    print("IndexError:", str(err).split(" for ")[0])
# --8<-- [end:out_of_bounds]
try:
    x[:, torch.tensor([5])]
    raise AssertionError("expected an IndexError")
except IndexError:
    pass

# ------------------------------------------------------------------------------------------
assert F.relu(x).shape == x.shape

# Evidence for the page's statements (not shown as tabs) -----------------------------------

# --8<-- [start:evidence]
assert torch.tensor([1.0]).dtype == torch.float32 and torch.tensor([1]).dtype == torch.int64
assert torch.tensor(a.astype(np.float64)).dtype == torch.float64  # NumPy's float64 is kept
assert mixed.dtype == torch.float32  # int64 + float32 promotes
assert w_.grad is None and torch.equal(2 * first, 2 * results["grad"])  # backward accumulates
assert torch.nn.Dropout(0.5).training  # modules start in training mode
assert default_bn.momentum == 0.1 and default_bn.eps == 1e-5  # weight of the new batch
assert torch.allclose(bn.running_var, 0.99 + 0.01 * unbiased)  # running var uses n - 1
assert conv.weight.shape == (3, 2, 3, 3) and conv.padding == (0, 0)  # OIHW, no padding
assert positive.shape == (4,)  # data-dependent shape in eager mode
try:
    x[:, torch.tensor([5])]  # an out-of-range index raises
    raise AssertionError("expected an IndexError")
except IndexError:
    pass
# --8<-- [end:evidence]
