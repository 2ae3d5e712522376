"""Rosetta stone, PyTorch column: one short section per common operation or idiom.

Every section name is shared with tensorflow.py and jax.py, and every section stores its result
in `results` under that name, so the test suite checks that the three columns agree.
"""

import tempfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]])  # NumPy, float64, shape (2, 3)
x = torch.tensor(a)  # float64 like `a`; a Python list of floats would give float32
w = torch.tensor([1.5, 0.3, -0.7], dtype=torch.float64)
y = torch.tensor([1.0, -1.0], dtype=torch.float64)  # regression targets
labels = torch.tensor([2, 0])  # class indices
kernel = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]])  # dense weights, (in, out)


def f(w):  # a scalar function to differentiate
    return torch.sum(torch.tanh(x @ w) ** 2)
# --8<-- [end:setup]


results = {}

# Tensor creation ---------------------------------------------------------------------------

# --8<-- [start:zeros]
zeros = torch.zeros(2, 3, dtype=torch.float64)
ones = torch.ones_like(x)  # same shape and dtype as x
# --8<-- [end:zeros]
results["zeros"] = zeros + ones

# --8<-- [start:full]
full = torch.full((2, 3), 7.0, dtype=torch.float64)
# --8<-- [end:full]
results["full"] = full

# --8<-- [start:arange]
steps = torch.arange(0, 10, 3)  # int64: tensor([0, 3, 6, 9])
# --8<-- [end:arange]
results["arange"] = steps

# --8<-- [start:linspace]
grid = torch.linspace(0.0, 1.0, 5, dtype=torch.float64)  # endpoints included
# --8<-- [end:linspace]
results["linspace"] = grid

# --8<-- [start:from-numpy]
t = torch.from_numpy(a)  # shares memory with `a`; torch.tensor(a) copies
# --8<-- [end:from-numpy]
results["from-numpy"] = t

# --8<-- [start:eye]
identity = torch.eye(3, dtype=torch.float64)
# --8<-- [end:eye]
results["eye"] = identity

# Dtypes -----------------------------------------------------------------------------------

# --8<-- [start:cast]
x32 = x.to(torch.float32)  # or x.float()
xi = x.to(torch.int32)  # truncates toward zero: -0.5 -> 0
# --8<-- [end:cast]
assert x32.dtype == torch.float32
results["cast"] = xi

# --8<-- [start:mixed-precision]
layer16 = torch.nn.Linear(3, 2)  # float32 weights
with torch.autocast("cpu", dtype=torch.bfloat16):  # "cuda" on a GPU
    out16 = layer16(x.float())  # matmuls run in bfloat16
# --8<-- [end:mixed-precision]
assert out16.dtype == torch.bfloat16 and layer16.weight.dtype == torch.float32
results["mixed-precision"] = [out16.dtype.itemsize, *out16.shape]

# --8<-- [start:default-dtype]
default_float = torch.get_default_dtype()  # float32; torch.set_default_dtype() changes it
from_python = torch.tensor([1.0]).dtype  # float32; from float64 NumPy: float64
# --8<-- [end:default-dtype]
assert default_float == from_python == torch.float32 and torch.tensor(a).dtype == torch.float64
results["default-dtype"] = from_python.itemsize

# --8<-- [start:bfloat16]
x_bf16 = (x / 3).to(torch.bfloat16)  # 8 significant bits, float32's exponent range
# --8<-- [end:bfloat16]
results["bfloat16"] = x_bf16.double()  # rounded the same way in all three

# Shapes -----------------------------------------------------------------------------------

# --8<-- [start:reshape]
r = x.reshape(3, 2)  # x.view(3, 2) also works, but only on contiguous memory
# --8<-- [end:reshape]
results["reshape"] = r

# --8<-- [start:transpose]
xt = x.T  # 2-D; for N-D: x.permute(1, 0) takes the full order
xt_swap = x.transpose(0, 1)  # torch.transpose swaps exactly two dims
# --8<-- [end:transpose]
assert torch.equal(xt, xt_swap)
results["transpose"] = xt

# --8<-- [start:expand-dims]
batched = x.unsqueeze(0)  # shape (1, 2, 3); also x[None]
unbatched = batched.squeeze(0)  # shape (2, 3)
# --8<-- [end:expand-dims]
results["expand-dims"] = batched

# --8<-- [start:concat]
cat = torch.cat([x, x], dim=0)  # shape (4, 3); torch.concat is an alias
# --8<-- [end:concat]
results["concat"] = cat

# --8<-- [start:stack]
stacked = torch.stack([x, x], dim=0)  # new axis: shape (2, 2, 3)
# --8<-- [end:stack]
results["stack"] = stacked

# --8<-- [start:split]
left, right = torch.split(x, [1, 2], dim=1)  # sizes of the pieces
# --8<-- [end:split]
results["split"] = right

# --8<-- [start:broadcast]
tiled = torch.broadcast_to(w, (2, 3))  # also w.expand(2, 3); no copy
# --8<-- [end:broadcast]
results["broadcast"] = tiled

# --8<-- [start:pad]
padded = F.pad(x, (1, 1))  # pairs start from the LAST dim: (left, right) of dim -1
# --8<-- [end:pad]
results["pad"] = padded

# Indexing ---------------------------------------------------------------------------------

# --8<-- [start:slice]
part = x[:, 1:]  # NumPy-style basic slicing
# --8<-- [end:slice]
results["slice"] = part

# --8<-- [start:gather]
cols = x[:, [2, 0]]  # integer-array indexing; torch.index_select(x, 1, idx)
# --8<-- [end:gather]
results["gather"] = cols

# --8<-- [start:take-along-axis]
picked = x[torch.arange(2), labels]  # x[i, labels[i]] for every row i
# --8<-- [end:take-along-axis]
results["take-along-axis"] = picked

# --8<-- [start:indexed-update]
updated = x.clone()
updated[0, 1] = 10.0  # in place; clone first to keep x
# --8<-- [end:indexed-update]
results["indexed-update"] = updated

# --8<-- [start:scatter-add]
idx = torch.tensor([0, 2, 0])
vals = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
totals = torch.zeros(3, dtype=torch.float64).index_add_(0, idx, vals)  # [4, 0, 2]
# --8<-- [end:scatter-add]
results["scatter-add"] = totals

# --8<-- [start:boolean-mask]
positives = x[x > 0]  # 1-D; its length depends on the data
# --8<-- [end:boolean-mask]
results["boolean-mask"] = positives

# --8<-- [start:where]
relu = torch.where(x > 0, x, 0.0)
# --8<-- [end:where]
results["where"] = relu

# Reductions -------------------------------------------------------------------------------

# --8<-- [start:sum]
col_sums = x.sum(dim=0)  # also accepts axis=0
row_sums = x.sum(dim=1, keepdim=True)  # shape (2, 1); keepdims=True is accepted too
# --8<-- [end:sum]
results["sum"] = col_sums

# --8<-- [start:mean]
row_means = x.mean(dim=1)  # float input only; integers raise an error
# --8<-- [end:mean]
results["mean"] = row_means

# --8<-- [start:variance]
var = x.var(dim=1, correction=0)  # default correction=1 divides by n - 1
# --8<-- [end:variance]
results["variance"] = var

# --8<-- [start:max]
row_max = x.max(dim=1).values  # with dim, max returns (values, indices); or torch.amax
# --8<-- [end:max]
results["max"] = row_max

# --8<-- [start:argmax]
best = x.argmax(dim=1)  # without dim: index into the flattened tensor
# --8<-- [end:argmax]
results["argmax"] = best

# --8<-- [start:logsumexp]
lse = torch.logsumexp(x, dim=1)
# --8<-- [end:logsumexp]
results["logsumexp"] = lse

# --8<-- [start:cumsum]
running = torch.cumsum(x, dim=1)  # dim is required
# --8<-- [end:cumsum]
results["cumsum"] = running

# Math -------------------------------------------------------------------------------------

# --8<-- [start:matmul]
gram = x @ x.T  # torch.matmul; batched for 3-D and more
# --8<-- [end:matmul]
results["matmul"] = gram

# --8<-- [start:einsum]
scores = torch.einsum("ij,j->i", x, w)
# --8<-- [end:einsum]
results["einsum"] = scores

# --8<-- [start:solve]
A = gram + torch.eye(2, dtype=torch.float64)
sol = torch.linalg.solve(A, y)  # a vector right-hand side is fine
# --8<-- [end:solve]
results["solve"] = sol

# --8<-- [start:elementwise]
e = torch.exp(-x**2) * torch.tanh(x) + torch.sqrt(torch.abs(x))
# --8<-- [end:elementwise]
results["elementwise"] = e

# --8<-- [start:softmax]
probs = torch.softmax(x, dim=-1)  # also F.softmax / F.log_softmax
# --8<-- [end:softmax]
results["softmax"] = probs

# --8<-- [start:clip]
clipped = torch.clamp(x, -1.0, 1.0)  # torch.clip is an alias
# --8<-- [end:clip]
results["clip"] = clipped

# --8<-- [start:sort]
ordered = torch.sort(x, dim=1).values  # (values, indices); torch.argsort for indices only
# --8<-- [end:sort]
results["sort"] = ordered

# --8<-- [start:topk]
top_vals, top_idx = torch.topk(x, k=2)  # last dim unless dim=; largest first
# --8<-- [end:topk]
results["topk"] = top_vals

# --8<-- [start:one-hot]
onehot = F.one_hot(labels, num_classes=3)  # int64; .double() for float
# --8<-- [end:one-hot]
results["one-hot"] = onehot

# Gradients --------------------------------------------------------------------------------

# --8<-- [start:grad]
w_ = w.clone().requires_grad_()  # autograd records ops on tensors that require grad
f(w_).backward()
grad = w_.grad  # or torch.func.grad(f)(w)
# --8<-- [end:grad]
results["grad"] = grad

# --8<-- [start:value-and-grad]
g, value = torch.func.grad_and_value(f)(w)  # note the order: (grad, value)
# --8<-- [end:value-and-grad]
results["value-and-grad"] = value

# --8<-- [start:higher-order]
def h(s):
    return torch.sin(s) * s**2


d2h = torch.func.grad(torch.func.grad(h))(torch.tensor(0.7, dtype=torch.float64))
# --8<-- [end:higher-order]
results["higher-order"] = d2h

# --8<-- [start:jacobian]
jac = torch.func.jacrev(lambda w: torch.tanh(x @ w))(w)  # shape (2, 3); also jacfwd
# --8<-- [end:jacobian]
results["jacobian"] = jac

# --8<-- [start:stop-gradient]
w_ = w.clone().requires_grad_()
torch.sum(w_ * w_.detach()).backward()  # detach(): treated as a constant
# --8<-- [end:stop-gradient]
results["stop-gradient"] = w_.grad  # = w, not 2 * w

# --8<-- [start:no-grad]
with torch.no_grad():  # or torch.inference_mode(): nothing is recorded
    value = f(w.clone().requires_grad_())
# --8<-- [end:no-grad]
assert not value.requires_grad
results["no-grad"] = value


# --8<-- [start:custom-gradient]
class RoundST(torch.autograd.Function):  # straight-through rounding
    @staticmethod
    def forward(ctx, s):
        return torch.round(s)

    @staticmethod
    def backward(ctx, g):
        return g  # pretend round() is the identity


w_ = w.clone().requires_grad_()
torch.sum(RoundST.apply(3.0 * w_)).backward()  # w_.grad == [3., 3., 3.]
# --8<-- [end:custom-gradient]
results["custom-gradient"] = w_.grad

# --8<-- [start:remat]
from torch.utils.checkpoint import checkpoint  # noqa: E402


def block(w):
    return torch.sum(torch.tanh(x @ w) ** 2)


w_ = w.clone().requires_grad_()
checkpoint(block, w_, use_reentrant=False).backward()  # pass use_reentrant explicitly
# --8<-- [end:remat]
results["remat"] = w_.grad

# Transformations --------------------------------------------------------------------------

# --8<-- [start:jit]
f_fast = torch.compile(f)  # TorchDynamo + Inductor; compiles on the first call
fast_value = f_fast(w)
# --8<-- [end:jit]
results["jit"] = fast_value

# --8<-- [start:vmap]
per_row = torch.vmap(lambda row: torch.dot(row, w))(x)  # maps over dim 0
# --8<-- [end:vmap]
results["vmap"] = per_row

# --8<-- [start:cond]
branch = torch.cond(x.sum() > 0, lambda v: v * 2.0, lambda v: -v, (x,))  # prototype API
# --8<-- [end:cond]
results["cond"] = branch  # eager code can simply use a Python `if`

# --8<-- [start:scan]
carry, history = torch.zeros(3, dtype=torch.float64), []
for x_t in x:  # a Python loop: no public scan op (torch.compile unrolls it)
    carry = 0.5 * carry + x_t
    history.append(carry)
history = torch.stack(history)
# --8<-- [end:scan]
results["scan"] = history

# Randomness -------------------------------------------------------------------------------

# --8<-- [start:random-normal]
gen = torch.Generator().manual_seed(0)  # a local generator; no global state touched
noise = torch.randn(2, 3, generator=gen, dtype=torch.float64)
# --8<-- [end:random-normal]
results["random-normal"] = list(noise.shape)  # the numbers differ across frameworks

# --8<-- [start:rng-seed]
torch.manual_seed(0)  # seeds the global generator (CPU and CUDA)
first = torch.rand(3)
torch.manual_seed(0)
again = torch.rand(3)
# --8<-- [end:rng-seed]
results["rng-seed"] = torch.equal(first, again)  # True: same seed, same numbers

# --8<-- [start:rng-split]
gen_a = torch.Generator().manual_seed(1)  # one generator per independent stream
gen_b = torch.Generator().manual_seed(2)
draw_a, draw_b = torch.rand(3, generator=gen_a), torch.rand(3, generator=gen_b)
# --8<-- [end:rng-split]
results["rng-split"] = not torch.equal(draw_a, draw_b)

# --8<-- [start:permutation]
perm = torch.randperm(5, generator=gen)
shuffled = x[:, torch.randperm(3, generator=gen)]  # shuffle columns
# --8<-- [end:permutation]
results["permutation"] = torch.sort(perm).values  # every framework: a shuffle of 0..4

# --8<-- [start:dropout]
dropped = F.dropout(x, p=0.5, training=True)  # global generator; survivors scaled by 1/(1-p)
# --8<-- [end:dropout]
results["dropout"] = torch.all((dropped == 0) | (dropped == 2 * x))  # True everywhere

# Models and training ----------------------------------------------------------------------

# --8<-- [start:dense-layer]
layer = torch.nn.Linear(3, 2, dtype=torch.float64)  # weight shape (out, in) = (2, 3)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(kernel.T))
    layer.bias.zero_()
dense = layer(x)
# --8<-- [end:dense-layer]
results["dense-layer"] = dense

# --8<-- [start:eval-mode]
drop = torch.nn.Dropout(p=0.5)
drop.eval()  # model.eval() / model.train() switch dropout and batch norm
evaluated = drop(x)  # identity in eval mode
# --8<-- [end:eval-mode]
results["eval-mode"] = evaluated

# --8<-- [start:attention]
q, k, v = x[None, None], 2 * x[None, None], x[None, None] ** 2  # (batch, heads, seq, dim)
att = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # softmax(q k^T / sqrt(dim)) v
# --8<-- [end:attention]
results["attention"] = att[0, 0]  # (seq, dim)

# --8<-- [start:port-linear]
weight = kernel.T  # a PyTorch Linear weight is (out, in) = (2, 3)
linear = torch.nn.Linear(3, 2, dtype=torch.float64)
linear.load_state_dict({"weight": torch.from_numpy(weight),
                        "bias": torch.zeros(2, dtype=torch.float64)})
ported = linear(x)  # x @ weight.T + bias
# --8<-- [end:port-linear]
results["port-linear"] = ported


# --8<-- [start:training-step]
def train_step(params, opt):
    opt.zero_grad()  # gradients accumulate unless cleared
    loss = torch.mean((x @ params - y) ** 2)
    loss.backward()
    opt.step()  # updates params in place
    return loss


params = torch.nn.Parameter(w.clone())
opt = torch.optim.SGD([params], lr=0.1)
train_step(params, opt)
# --8<-- [end:training-step]
results["training-step"] = params

# --8<-- [start:sgd-momentum]
params = torch.nn.Parameter(w.clone())
opt = torch.optim.SGD([params], lr=0.1, momentum=0.9)
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:sgd-momentum]
results["sgd-momentum"] = params

# --8<-- [start:adam]
params = torch.nn.Parameter(w.clone())
opt = torch.optim.Adam([params], lr=1e-3)  # the defaults: lr=1e-3, eps=1e-8
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:adam]
results["adam"] = params

# --8<-- [start:adamw]
params = torch.nn.Parameter(w.clone())
opt = torch.optim.AdamW([params], lr=1e-3, weight_decay=0.01)  # the defaults
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:adamw]
results["adamw"] = params

# --8<-- [start:lr-schedule]
opt = torch.optim.SGD([torch.nn.Parameter(w.clone())], lr=0.1)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
lrs = []
for _ in range(5):
    lrs.append(sched.get_last_lr()[0])
    opt.step()
    sched.step()  # once per epoch or step, after opt.step()
# --8<-- [end:lr-schedule]
results["lr-schedule"] = lrs

# --8<-- [start:grad-clipping]
params = torch.nn.Parameter(w.clone())
torch.sum((x @ params - y) ** 2).backward()
torch.nn.utils.clip_grad_norm_([params], max_norm=1.0)  # rescales .grad in place
# --8<-- [end:grad-clipping]
results["grad-clipping"] = params.grad  # torch divides by (norm + 1e-6): agrees to ~1e-7

# --8<-- [start:mse-loss]
pred = x @ w
mse = F.mse_loss(pred, y)  # (input, target); torch.nn.MSELoss() as a module
# --8<-- [end:mse-loss]
results["mse-loss"] = mse

# --8<-- [start:cross-entropy]
ce = F.cross_entropy(x, labels)  # takes logits and class indices; mean over the batch
# --8<-- [end:cross-entropy]
results["cross-entropy"] = ce

# Saving, export, devices, interop ---------------------------------------------------------

tmp = Path(tempfile.mkdtemp())

# --8<-- [start:save-load]
torch.save(layer.state_dict(), tmp / "layer.pt")  # a dict of name -> tensor
restored = torch.nn.Linear(3, 2, dtype=torch.float64)  # rebuild the module in code
restored.load_state_dict(torch.load(tmp / "layer.pt"))  # weights_only=True by default
# --8<-- [end:save-load]
results["save-load"] = restored(x)

# --8<-- [start:data-batches]
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

data = torch.arange(10.0, dtype=torch.float64).reshape(5, 2)  # 5 examples of 2 features
loader = DataLoader(TensorDataset(data), batch_size=2)  # shuffle=True to reshuffle each epoch
batch_sums = [batch.sum() for (batch,) in loader]  # batches of 2, 2, then 1 (drop_last=False)
# --8<-- [end:data-batches]
results["data-batches"] = torch.stack(batch_sums)

# --8<-- [start:checkpoint]
params = torch.nn.Parameter(w.clone())
opt = torch.optim.SGD([params], lr=0.1, momentum=0.9)
train_step(params, opt)
torch.save({"params": params.detach(), "opt": opt.state_dict(), "step": 1}, tmp / "ckpt.pt")

ckpt = torch.load(tmp / "ckpt.pt")  # a new process would rebuild params and opt first
params = torch.nn.Parameter(ckpt["params"])
opt = torch.optim.SGD([params], lr=0.1, momentum=0.9)
opt.load_state_dict(ckpt["opt"])  # restores the momentum buffer too
train_step(params, opt)
# --8<-- [end:checkpoint]
results["checkpoint"] = params  # the same as two steps without the restart

# --8<-- [start:safetensors]
from safetensors.torch import load_file, save_file  # noqa: E402

save_file(layer.state_dict(), tmp / "layer.safetensors")  # flat name -> tensor, no pickle
tensors = load_file(tmp / "layer.safetensors")  # {"weight": (2, 3), "bias": (2,)}
# --8<-- [end:safetensors]
results["safetensors"] = tensors["weight"].T  # (in, out), like a Keras or Flax kernel

# --8<-- [start:export]
program = torch.export.export(layer, (x,))  # a whole-graph, Python-free program
torch.export.save(program, tmp / "layer.pt2")
loaded = torch.export.load(tmp / "layer.pt2").module()
# --8<-- [end:export]
results["export"] = loaded(x)

# --8<-- [start:device]
device = "cuda" if torch.cuda.is_available() else "cpu"
x_dev = x.to(device)  # modules too: layer.to(device)
# --8<-- [end:device]
results["device"] = x_dev

# --8<-- [start:in-place]
buf = x.clone()
buf.add_(1.0).mul_(2.0)  # trailing underscore: modifies buf in place
# --8<-- [end:in-place]
results["in-place"] = buf

# --8<-- [start:numpy]
arr = x.numpy()  # shares memory; x.detach().cpu().numpy() for GPU or grad tensors
# --8<-- [end:numpy]
results["numpy"] = arr

# --8<-- [start:dlpack]
shared = torch.from_dlpack(a)  # zero-copy from any __dlpack__ object (NumPy, JAX, CuPy)
round_trip = np.from_dlpack(shared)  # and the other way
# --8<-- [end:dlpack]
assert np.shares_memory(round_trip, a)
results["dlpack"] = shared

# --8<-- [start:item]
total = x.sum().item()  # a Python float; forces a device sync on GPU
# --8<-- [end:item]
results["item"] = total

# Evidence for the page's notes (not shown as tabs) ----------------------------------------

# --8<-- [start:evidence-defaults]
assert torch.equal(x.var(dim=1), x.var(dim=1, correction=1))  # n - 1 unless told otherwise
assert torch.arange(3).dtype == torch.int64 and F.one_hot(labels).dtype == torch.int64
assert torch.zeros(1).device.type == "cpu"  # new tensors go to the CPU unless told otherwise
for call, error in [
    (lambda: torch.cumsum(x), TypeError),  # no axis: cumsum insists on a dim
    (lambda: torch.tensor([1, 2]).mean(), RuntimeError),  # integer mean raises
    (lambda: x.t().view(6), RuntimeError),  # view of a non-contiguous tensor
]:
    try:
        call()
        raise AssertionError("expected an error")
    except error:
        pass
src = np.array([1.0, 2.0])
alias = torch.from_numpy(src)
src[0] = 9.0
assert alias[0] == 9.0  # from_numpy shares memory
t_rep = torch.zeros(3, dtype=torch.float64)
t_rep[torch.tensor([0, 0])] += torch.tensor([1.0, 2.0], dtype=torch.float64)
assert t_rep[0] in (1.0, 2.0)  # a repeated index keeps one of the additions, not both
values, indices = x.max(dim=1)  # with a dim: values and indices
assert torch.equal(indices, x.argmax(dim=1))
assert F.pad(x, (1, 1)).shape == (2, 5)  # the pairs start from the last dim
assert torch.equal(x.sum(axis=0, keepdims=True), x.sum(dim=0, keepdim=True))  # both spellings
# --8<-- [end:evidence-defaults]

# --8<-- [start:evidence-training]
grad_first, value_second = torch.func.grad_and_value(f)(w)
assert grad_first.shape == w.shape and value_second.shape == ()  # (grad, value)
p = torch.nn.Parameter(w.clone())
f(p).backward()
f(p).backward()  # a second backward adds into .grad
assert torch.allclose(p.grad, 2 * grad_first)
assert torch.optim.Adam([p]).defaults["eps"] == 1e-8
assert torch.optim.AdamW([p]).defaults["weight_decay"] == 0.01
p.grad = torch.tensor([3.0, 4.0, 0.0], dtype=torch.float64)  # norm 5
torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
assert torch.allclose(p.grad, torch.tensor([3.0, 4.0, 0.0], dtype=torch.float64) / (5 + 1e-6))
# --8<-- [end:evidence-training]

# --8<-- [start:evidence-transforms]
import contextlib  # noqa: E402
import io  # noqa: E402
import warnings  # noqa: E402

import torch._dynamo  # noqa: E402

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    checkpoint(block, w.clone().requires_grad_())  # use_reentrant left out
assert any("use_reentrant=False is recommended" in str(c.message) for c in caught)
assert "prototype" in torch.cond.__doc__.lower()
assert not hasattr(torch, "scan")  # no public scan operator
assert torch._dynamo.config.recompile_limit == 8  # recompilations per function, by default
assert '"inductor" is the default backend' in torch.compile.__doc__


def with_print(v):
    v = v * 2
    print("inside")  # a print in compiled code: Dynamo cannot put it in the graph
    return v + 1


with contextlib.redirect_stdout(io.StringIO()):  # keep the print off the page
    explained = torch._dynamo.explain(with_print)(torch.ones(2))
assert explained.graph_break_count == 1 and explained.graph_count == 2
assert "Failed to trace builtin operator" in str(explained.break_reasons[0].reason)
# --8<-- [end:evidence-transforms]

# --8<-- [start:evidence-saving]
import pickle  # noqa: E402


class NotATensor:
    pass


torch.save({"obj": NotATensor()}, tmp / "pickled.pt")
try:
    torch.load(tmp / "pickled.pt")  # weights_only=True by default: arbitrary objects refused
    raise AssertionError("expected an UnpicklingError")
except pickle.UnpicklingError:
    pass
# --8<-- [end:evidence-saving]

# --8<-- [start:evidence-lifecycle]
import inspect  # noqa: E402

assert torch.get_default_dtype() == torch.float32 and torch.tensor([1.0]).dtype == torch.float32
loader_args = inspect.signature(DataLoader.__init__).parameters
assert not loader_args["shuffle"].default and loader_args["drop_last"].default is False
assert [len(batch) for (batch,) in loader] == [2, 2, 1]  # the last, short batch is kept
mha_args = inspect.signature(torch.nn.MultiheadAttention.__init__).parameters
assert mha_args["batch_first"].default is False  # the layer wants (seq, batch, embed)
assert q.shape == (1, 1, 2, 3) and att.shape == (1, 1, 2, 3)  # (batch, heads, seq, dim)
assert linear.weight.shape == (2, 3)  # (out, in)
# --8<-- [end:evidence-lifecycle]

# ------------------------------------------------------------------------------------------
assert torch.equal(steps, torch.tensor([0, 3, 6, 9]))
assert torch.equal(xi, torch.tensor([[0, -1, 2], [3, 0, 1]], dtype=torch.int32))
assert batched.shape == (1, 2, 3) and unbatched.shape == (2, 3) and row_sums.shape == (2, 1)
assert torch.equal(totals, torch.tensor([4.0, 0.0, 2.0], dtype=torch.float64))
assert torch.equal(results["stop-gradient"], w)
assert torch.equal(results["custom-gradient"], torch.full((3,), 3.0, dtype=torch.float64))
assert torch.allclose(g, grad) and torch.allclose(results["remat"], grad)
assert torch.equal(evaluated, x)
assert len(results) >= 40
