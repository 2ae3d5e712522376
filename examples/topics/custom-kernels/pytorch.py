"""Custom kernels in PyTorch: Triton kernels, and a custom op torch.compile does not break on."""

import os

import numpy as np
import torch

# --8<-- [start:setup]
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"  # ROCm builds report "cuda" too
INTERPRET = DEVICE == "cpu"
if INTERPRET:  # no GPU: Triton's interpreter runs the kernels, if set before the import
    os.environ["TRITON_INTERPRET"] = "1"
import triton  # noqa: E402
import triton.language as tl  # noqa: E402

rng = np.random.default_rng(0)
x = torch.from_numpy(rng.standard_normal(1000, dtype=np.float32)).to(DEVICE)
y = torch.from_numpy(rng.standard_normal(1000, dtype=np.float32)).to(DEVICE)
logits_np = 3 * rng.standard_normal((16, 100), dtype=np.float32)
logits_np[0] *= 40  # values up to about 300: exp() of them overflows float32
logits = torch.from_numpy(logits_np).to(DEVICE)
# --8<-- [end:setup]


# --8<-- [start:add_kernel]
@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    start = tl.program_id(axis=0) * BLOCK  # each program instance handles one block
    offsets = start + tl.arange(0, BLOCK)
    mask = offsets < n  # the last block runs past the end: mask those lanes off
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)


def triton_add(x, y, block=256):
    out = torch.empty_like(x)
    grid = (triton.cdiv(x.numel(), block),)  # 1000 elements, blocks of 256: 4 programs
    add_kernel[grid](x, y, out, x.numel(), BLOCK=block)
    return out


added = triton_add(x, y)
print("programs:", triton.cdiv(1000, 256), "| equal to x + y:", torch.equal(added, x + y))
assert torch.equal(added, x + y)  # one float32 addition per element: bit for bit the same
# --8<-- [end:add_kernel]


# --8<-- [start:softmax_kernel]
@triton.jit
def softmax_kernel(out_ptr, in_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)  # one program instance per row
    cols = tl.arange(0, BLOCK)  # BLOCK is a power of two >= n_cols
    mask = cols < n_cols
    x = tl.load(in_ptr + row * row_stride + cols, mask=mask, other=-float("inf"))
    x = x - tl.max(x, axis=0)  # subtract the row max: exp() never overflows
    numerator = tl.exp(x)  # padding lanes: exp(-inf) = 0, they add nothing
    tl.store(out_ptr + row * row_stride + cols, numerator / tl.sum(numerator, axis=0), mask=mask)


def triton_softmax(x):
    x = x.contiguous()
    out = torch.empty_like(x)
    block = triton.next_power_of_2(x.shape[1])  # rows of 100: blocks of 128
    softmax_kernel[(x.shape[0],)](out, x, x.stride(0), x.shape[1], BLOCK=block)
    return out


softmax = triton_softmax(logits)
naive = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)  # no max subtracted
print("block:", triton.next_power_of_2(100), "| matches torch.softmax:",
      torch.allclose(softmax, torch.softmax(logits, dim=1), rtol=1e-5, atol=1e-6))
print("naive formula, row 0 finite:", bool(naive[0].isfinite().all()),
      "| kernel, row 0 finite:", bool(softmax[0].isfinite().all()))
assert torch.allclose(softmax, torch.softmax(logits, dim=1), rtol=1e-5, atol=1e-6)
assert naive[0].isnan().any() and softmax.isfinite().all()  # inf / inf in the naive row
# --8<-- [end:softmax_kernel]

# --8<-- [start:compiled_targets]
from triton.backends import backends  # noqa: E402
from triton.runtime.jit import JITFunction  # noqa: E402

assert sorted(backends) == ["amd", "nvidia"]  # the compilers in the triton wheel torch installs
if INTERPRET:  # this machine: the same kernel without the interpreter has nothing to run on
    compiled_kernel = JITFunction(add_kernel.fn)  # what @triton.jit returns on a GPU machine
    try:
        compiled_kernel[(4,)](x, y, torch.empty_like(x), 1000, BLOCK=256)
        raise AssertionError("expected Triton to find no GPU driver")
    except RuntimeError as err:
        assert "0 active drivers" in str(err)
# --8<-- [end:compiled_targets]


# --8<-- [start:register_op]
@torch.library.custom_op("guide::row_softmax", mutates_args=())
def row_softmax(x: torch.Tensor) -> torch.Tensor:
    return triton_softmax(x)  # opaque to torch.compile: it calls the op, never traces inside


@row_softmax.register_fake  # shapes and dtypes only: what the compiler needs to keep tracing
def _(x):
    return torch.empty_like(x, memory_format=torch.contiguous_format)


torch.library.opcheck(row_softmax, (logits,))  # checks the schema and the fake kernel


def scaled_softmax(z):
    return torch.ops.guide.row_softmax(z * 2) / 2  # compiled ops around the custom op


torch._dynamo.utils.counters.clear()
compiled = torch.compile(scaled_softmax, fullgraph=True)  # fullgraph: a graph break raises
softmax_compiled = torch.compile(row_softmax, fullgraph=True)(logits)
scaled = compiled(logits)
breaks = sum(torch._dynamo.utils.counters["graph_break"].values())
explanation = torch._dynamo.explain(scaled_softmax)(logits)
print("graph breaks:", breaks, "| graphs:", explanation.graph_count)
assert breaks == 0 and explanation.graph_break_count == 0 and explanation.graph_count == 1
assert torch.allclose(scaled, torch.softmax(logits * 2, dim=1) / 2, rtol=1e-5, atol=1e-6)
assert torch.allclose(softmax_compiled, softmax, rtol=1e-6)
# --8<-- [end:register_op]


# --8<-- [start:gradient]
def setup_context(ctx, inputs, output):
    ctx.save_for_backward(output)


def backward(ctx, grad):  # d softmax: y * (g - sum(g * y)), in ordinary torch ops
    (out,) = ctx.saved_tensors
    return out * (grad - (grad * out).sum(dim=1, keepdim=True))


row_softmax.register_autograd(backward, setup_context=setup_context)
torch.library.opcheck(row_softmax, (logits.clone().requires_grad_(),))


def loss_fn(z):
    return (torch.ops.guide.row_softmax(z) ** 2).sum()


leaf = logits.clone().requires_grad_()
torch.compile(loss_fn, fullgraph=True)(leaf).backward()  # forward and backward compiled
softmax_grad = leaf.grad

reference = logits.clone().requires_grad_()
(torch.softmax(reference, dim=1) ** 2).sum().backward()
print("gradient matches torch.softmax's:",
      torch.allclose(softmax_grad, reference.grad, rtol=1e-5, atol=1e-6))
assert torch.allclose(softmax_grad, reference.grad, rtol=1e-5, atol=1e-6)
# --8<-- [end:gradient]

# --8<-- [start:native_op]
# C++ or CUDA: TORCH_LIBRARY registers the op, built against the headers in the wheel with
# torch.utils.cpp_extension (setup.py or load()); Python then calls torch.ops.<namespace>.<op>.
import torch.utils.cpp_extension  # noqa: E402

header = os.path.join(torch.utils.cpp_extension.include_paths()[0], "torch", "library.h")
assert os.path.isfile(header) and callable(torch.utils.cpp_extension.load)
# --8<-- [end:native_op]

assert added.shape == (1000,) and softmax.shape == softmax_grad.shape == (16, 100)
results = {
    "added": added,
    "softmax": softmax,
    "softmax_compiled": softmax_compiled,
    "softmax_grad": softmax_grad,
}
