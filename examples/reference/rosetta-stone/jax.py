"""Rosetta stone, JAX column (with Optax for optimizers, Flax NNX for layers, Orbax for saving).

Every section name is shared with pytorch.py and tensorflow.py, and every section stores its
result in `results` under that name, so the test suite checks that the three columns agree.
"""

import tempfile
from pathlib import Path

import numpy as np
import jax

jax.config.update("jax_enable_x64", True)  # float64 and int64, to compare with the other tabs
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402
import orbax.checkpoint as ocp  # noqa: E402
from flax import nnx  # noqa: E402

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]])  # NumPy, float64, shape (2, 3)
x = jnp.asarray(a)  # float64 only because jax_enable_x64 is on; float32 otherwise
w = jnp.array([1.5, 0.3, -0.7])
y = jnp.array([1.0, -1.0])  # regression targets
labels = jnp.array([2, 0])  # class indices
kernel = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]])  # dense weights, (in, out)


def f(w):  # a scalar function to differentiate
    return jnp.sum(jnp.tanh(x @ w) ** 2)
# --8<-- [end:setup]


results = {}

# Tensor creation ---------------------------------------------------------------------------

# --8<-- [start:zeros]
zeros = jnp.zeros((2, 3))  # float64 here (x64 on), float32 by default
ones = jnp.ones_like(x)  # same shape and dtype as x
# --8<-- [end:zeros]
results["zeros"] = zeros + ones

# --8<-- [start:full]
full = jnp.full((2, 3), 7.0)
# --8<-- [end:full]
results["full"] = full

# --8<-- [start:arange]
steps = jnp.arange(0, 10, 3)  # int64 with x64, int32 by default: [0, 3, 6, 9]
# --8<-- [end:arange]
results["arange"] = steps

# --8<-- [start:linspace]
grid = jnp.linspace(0.0, 1.0, 5)  # endpoints included
# --8<-- [end:linspace]
results["linspace"] = grid

# --8<-- [start:from-numpy]
t = jnp.asarray(a)  # copies to the default device; jax.device_put(a) does the same
# --8<-- [end:from-numpy]
results["from-numpy"] = t

# --8<-- [start:eye]
identity = jnp.eye(3)
# --8<-- [end:eye]
results["eye"] = identity

# Dtypes -----------------------------------------------------------------------------------

# --8<-- [start:cast]
x32 = x.astype(jnp.float32)
xi = x.astype(jnp.int32)  # truncates toward zero: -0.5 -> 0
# --8<-- [end:cast]
assert x32.dtype == jnp.float32
results["cast"] = xi

# --8<-- [start:mixed-precision]
layer16 = nnx.Linear(3, 2, dtype=jnp.bfloat16, param_dtype=jnp.float32, rngs=nnx.Rngs(0))
out16 = layer16(x.astype(jnp.float32))  # computes in bfloat16, keeps float32 weights
# plain JAX: cast explicitly, e.g. x.astype(jnp.bfloat16) @ w.astype(jnp.bfloat16)
# --8<-- [end:mixed-precision]
assert out16.dtype == jnp.bfloat16 and layer16.kernel.dtype == jnp.float32
results["mixed-precision"] = [out16.dtype.itemsize, *out16.shape]

# --8<-- [start:default-dtype]
from_python = jnp.array([1.0]).dtype  # float64 here, because this file enables x64
with jax.enable_x64(False):  # JAX's default: x64 off
    default_float = jnp.array([1.0]).dtype  # float32; float64 NumPy input too
# --8<-- [end:default-dtype]
assert from_python == jnp.float64 and default_float == jnp.float32
results["default-dtype"] = default_float.itemsize

# --8<-- [start:bfloat16]
x_bf16 = (x / 3).astype(jnp.bfloat16)  # 8 significant bits, float32's exponent range
# --8<-- [end:bfloat16]
results["bfloat16"] = x_bf16.astype(jnp.float64)  # rounded the same way in all three

# Shapes -----------------------------------------------------------------------------------

# --8<-- [start:reshape]
r = x.reshape(3, 2)  # or jnp.reshape(x, (3, 2))
# --8<-- [end:reshape]
results["reshape"] = r

# --8<-- [start:transpose]
xt = x.T  # reverses all dims
xt_perm = jnp.transpose(x, (1, 0))  # the full order, as in NumPy; jnp.swapaxes swaps two
# --8<-- [end:transpose]
assert jnp.array_equal(xt, xt_perm)
results["transpose"] = xt

# --8<-- [start:expand-dims]
batched = jnp.expand_dims(x, 0)  # shape (1, 2, 3); also x[None]
unbatched = jnp.squeeze(batched, 0)  # shape (2, 3)
# --8<-- [end:expand-dims]
results["expand-dims"] = batched

# --8<-- [start:concat]
cat = jnp.concatenate([x, x], axis=0)  # shape (4, 3); jnp.concat is an alias
# --8<-- [end:concat]
results["concat"] = cat

# --8<-- [start:stack]
stacked = jnp.stack([x, x], axis=0)  # new axis: shape (2, 2, 3)
# --8<-- [end:stack]
results["stack"] = stacked

# --8<-- [start:split]
left, right = jnp.split(x, [1], axis=1)  # indices where to cut, as in NumPy (not sizes)
# --8<-- [end:split]
results["split"] = right

# --8<-- [start:broadcast]
tiled = jnp.broadcast_to(w, (2, 3))
# --8<-- [end:broadcast]
results["broadcast"] = tiled

# --8<-- [start:pad]
padded = jnp.pad(x, ((0, 0), (1, 1)))  # one (before, after) pair per dim, as in NumPy
# --8<-- [end:pad]
results["pad"] = padded

# Indexing ---------------------------------------------------------------------------------

# --8<-- [start:slice]
part = x[:, 1:]  # NumPy-style basic slicing
# --8<-- [end:slice]
results["slice"] = part

# --8<-- [start:gather]
cols = x[:, jnp.array([2, 0])]  # a bare list, x[[1, 0]], raises; or jnp.take
# --8<-- [end:gather]
results["gather"] = cols

# --8<-- [start:take-along-axis]
picked = x[jnp.arange(2), labels]  # x[i, labels[i]]; also jnp.take_along_axis
# --8<-- [end:take-along-axis]
results["take-along-axis"] = picked

# --8<-- [start:indexed-update]
updated = x.at[0, 1].set(10.0)  # a new array: JAX arrays are immutable
# --8<-- [end:indexed-update]
results["indexed-update"] = updated

# --8<-- [start:scatter-add]
idx = jnp.array([0, 2, 0])
vals = jnp.array([1.0, 2.0, 3.0])
totals = jnp.zeros(3).at[idx].add(vals)  # repeated indices accumulate: [4, 0, 2]
# --8<-- [end:scatter-add]
results["scatter-add"] = totals

# --8<-- [start:boolean-mask]
positives = x[x > 0]  # eager only: under jit the shape must not depend on data
kept = jnp.where(x > 0, x, 0.0)  # the jit-friendly form keeps the shape
# --8<-- [end:boolean-mask]
results["boolean-mask"] = positives

# --8<-- [start:where]
relu = jnp.where(x > 0, x, 0.0)
# --8<-- [end:where]
results["where"] = relu

# Reductions -------------------------------------------------------------------------------

# --8<-- [start:sum]
col_sums = x.sum(axis=0)  # or jnp.sum(x, axis=0)
row_sums = x.sum(axis=1, keepdims=True)  # shape (2, 1)
# --8<-- [end:sum]
results["sum"] = col_sums

# --8<-- [start:mean]
row_means = x.mean(axis=1)  # integer input gives a float mean, as in NumPy
# --8<-- [end:mean]
results["mean"] = row_means

# --8<-- [start:variance]
var = x.var(axis=1)  # ddof=0 by default: divides by n, as in NumPy
# --8<-- [end:variance]
results["variance"] = var

# --8<-- [start:max]
row_max = x.max(axis=1)
# --8<-- [end:max]
results["max"] = row_max

# --8<-- [start:argmax]
best = jnp.argmax(x, axis=1)  # without axis: index into the flattened array
# --8<-- [end:argmax]
results["argmax"] = best

# --8<-- [start:logsumexp]
lse = jax.nn.logsumexp(x, axis=1)  # also jax.scipy.special.logsumexp
# --8<-- [end:logsumexp]
results["logsumexp"] = lse

# --8<-- [start:cumsum]
running = jnp.cumsum(x, axis=1)  # without axis: over the flattened array
# --8<-- [end:cumsum]
results["cumsum"] = running

# Math -------------------------------------------------------------------------------------

# --8<-- [start:matmul]
gram = x @ x.T  # jnp.matmul; batched for 3-D and more
# --8<-- [end:matmul]
results["matmul"] = gram

# --8<-- [start:einsum]
scores = jnp.einsum("ij,j->i", x, w)
# --8<-- [end:einsum]
results["einsum"] = scores

# --8<-- [start:solve]
A = gram + jnp.eye(2)
sol = jnp.linalg.solve(A, y)  # a vector right-hand side is fine
# --8<-- [end:solve]
results["solve"] = sol

# --8<-- [start:elementwise]
e = jnp.exp(-x**2) * jnp.tanh(x) + jnp.sqrt(jnp.abs(x))  # NumPy names
# --8<-- [end:elementwise]
results["elementwise"] = e

# --8<-- [start:softmax]
probs = jax.nn.softmax(x, axis=-1)  # also jax.nn.log_softmax
# --8<-- [end:softmax]
results["softmax"] = probs

# --8<-- [start:clip]
clipped = jnp.clip(x, -1.0, 1.0)  # keywords are min=, max= (a_min/a_max are gone)
# --8<-- [end:clip]
results["clip"] = clipped

# --8<-- [start:sort]
ordered = jnp.sort(x, axis=1)  # values only; jnp.argsort for indices
# --8<-- [end:sort]
results["sort"] = ordered

# --8<-- [start:topk]
top_vals, top_idx = jax.lax.top_k(x, 2)  # last axis unless axis=; largest first
# --8<-- [end:topk]
results["topk"] = top_vals

# --8<-- [start:one-hot]
onehot = jax.nn.one_hot(labels, 3)  # floating point (float64 here)
# --8<-- [end:one-hot]
results["one-hot"] = onehot

# Gradients --------------------------------------------------------------------------------

# --8<-- [start:grad]
grad = jax.grad(f)(w)  # a new function, with respect to the first argument
# --8<-- [end:grad]
results["grad"] = grad

# --8<-- [start:value-and-grad]
value, g = jax.value_and_grad(f)(w)  # note the order: (value, grad)
# --8<-- [end:value-and-grad]
results["value-and-grad"] = value


# --8<-- [start:higher-order]
def h(s):
    return jnp.sin(s) * s**2


d2h = jax.grad(jax.grad(h))(0.7)
# --8<-- [end:higher-order]
results["higher-order"] = d2h

# --8<-- [start:jacobian]
jac = jax.jacrev(lambda w: jnp.tanh(x @ w))(w)  # shape (2, 3); also jax.jacfwd
# --8<-- [end:jacobian]
results["jacobian"] = jac

# --8<-- [start:stop-gradient]
sg = jax.grad(lambda w: jnp.sum(w * jax.lax.stop_gradient(w)))(w)  # a constant inside
# --8<-- [end:stop-gradient]
results["stop-gradient"] = sg  # = w, not 2 * w

# --8<-- [start:no-grad]
value = f(w)  # nothing is recorded: gradients exist only inside jax.grad and friends
# --8<-- [end:no-grad]
results["no-grad"] = value


# --8<-- [start:custom-gradient]
@jax.custom_vjp
def round_st(s):  # straight-through rounding
    return jnp.round(s)


round_st.defvjp(lambda s: (jnp.round(s), None),  # forward: output, saved residuals
                lambda _, g: (g,))  # backward: pretend round() is the identity
cg = jax.grad(lambda w: jnp.sum(round_st(3.0 * w)))(w)  # [3., 3., 3.]
# --8<-- [end:custom-gradient]
results["custom-gradient"] = cg


# --8<-- [start:remat]
def block(w):
    return jnp.sum(jnp.tanh(x @ w) ** 2)


rg = jax.grad(jax.checkpoint(block))(w)  # jax.remat is an alias
# --8<-- [end:remat]
results["remat"] = rg

# Transformations --------------------------------------------------------------------------

# --8<-- [start:jit]
f_fast = jax.jit(f)  # traces on the first call per input shape and dtype; XLA compiles
fast_value = f_fast(w)
# --8<-- [end:jit]
results["jit"] = fast_value

# --8<-- [start:vmap]
per_row = jax.vmap(lambda row: jnp.dot(row, w))(x)  # maps over axis 0
# --8<-- [end:vmap]
results["vmap"] = per_row

# --8<-- [start:cond]
branch = jax.lax.cond(x.sum() > 0, lambda v: v * 2.0, lambda v: -v, x)
# --8<-- [end:cond]
results["cond"] = branch  # outside jit a Python `if` works; inside, use cond or jnp.where


# --8<-- [start:scan]
def step(carry, x_t):
    carry = 0.5 * carry + x_t
    return carry, carry  # (next carry, output to stack)


carry, history = jax.lax.scan(step, jnp.zeros(3), x)
# --8<-- [end:scan]
results["scan"] = history

# Randomness -------------------------------------------------------------------------------

# --8<-- [start:random-normal]
key = jax.random.key(0)  # explicit state: every random call takes a key
noise = jax.random.normal(key, (2, 3))
# --8<-- [end:random-normal]
results["random-normal"] = list(noise.shape)  # the numbers differ across frameworks

# --8<-- [start:rng-seed]
key = jax.random.key(0)  # no global seed: the key is the seed
first = jax.random.uniform(key, (3,))
again = jax.random.uniform(key, (3,))  # same key, same numbers
# --8<-- [end:rng-seed]
results["rng-seed"] = bool(jnp.array_equal(first, again))  # True

# --8<-- [start:rng-split]
key, key_a, key_b = jax.random.split(key, 3)  # never reuse a key for new numbers
draw_a, draw_b = jax.random.uniform(key_a, (3,)), jax.random.uniform(key_b, (3,))
# --8<-- [end:rng-split]
results["rng-split"] = not bool(jnp.array_equal(draw_a, draw_b))

# --8<-- [start:permutation]
key, k1, k2 = jax.random.split(key, 3)
perm = jax.random.permutation(k1, 5)
shuffled = jax.random.permutation(k2, x, axis=1)  # shuffle columns
# --8<-- [end:permutation]
results["permutation"] = jnp.sort(perm)  # every framework: a shuffle of 0..4

# --8<-- [start:dropout]
key, k = jax.random.split(key)
keep = jax.random.bernoulli(k, 0.5, x.shape)  # or flax.nnx.Dropout
dropped = jnp.where(keep, x / 0.5, 0.0)  # survivors scaled by 1/(1-rate)
# --8<-- [end:dropout]
results["dropout"] = bool(jnp.all((dropped == 0) | (dropped == 2 * x)))  # True

# Models and training ----------------------------------------------------------------------

# --8<-- [start:dense-layer]
layer = nnx.Linear(3, 2, param_dtype=jnp.float64, rngs=nnx.Rngs(0))  # kernel (in, out)
layer.kernel[...] = kernel  # Flax NNX; core JAX has no layers
layer.bias[...] = jnp.zeros(2)
dense = layer(x)
# --8<-- [end:dense-layer]
results["dense-layer"] = dense

# --8<-- [start:eval-mode]
drop = nnx.Dropout(0.5, rngs=nnx.Rngs(0))
drop.eval()  # model.eval() / model.train() in Flax NNX
evaluated = drop(x)  # identity in eval mode
# --8<-- [end:eval-mode]
results["eval-mode"] = evaluated

# --8<-- [start:attention]
q, k, v = x[None, :, None], 2 * x[None, :, None], x[None, :, None] ** 2  # (batch, seq, heads, dim)
att = jax.nn.dot_product_attention(q, k, v, is_causal=True)  # softmax(q k^T / sqrt(dim)) v
# nnx.MultiHeadAttention adds the q, k, v and output projections
# --8<-- [end:attention]
results["attention"] = att[0, :, 0]  # (seq, dim)

# --8<-- [start:port-linear]
weight = kernel.T  # a PyTorch Linear weight is (out, in) = (2, 3)
linear = nnx.Linear(3, 2, param_dtype=jnp.float64, rngs=nnx.Rngs(0))
linear.kernel[...] = weight.T  # a Flax kernel is (in, out): transpose
linear.bias[...] = jnp.zeros(2)
ported = linear(x)
# --8<-- [end:port-linear]
results["port-linear"] = ported


# --8<-- [start:training-step]
def train_step(params, opt_state, opt):  # usually wrapped in jax.jit
    loss, grads = jax.value_and_grad(lambda p: jnp.mean((x @ p - y) ** 2))(params)
    updates, opt_state = opt.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss  # new values, no mutation


opt = optax.sgd(learning_rate=0.1)
params, opt_state = w, opt.init(w)
params, opt_state, loss = train_step(params, opt_state, opt)
# --8<-- [end:training-step]
results["training-step"] = params

# --8<-- [start:sgd-momentum]
opt = optax.sgd(learning_rate=0.1, momentum=0.9)
params, opt_state = w, opt.init(w)
for _ in range(3):
    params, opt_state, loss = train_step(params, opt_state, opt)
# --8<-- [end:sgd-momentum]
results["sgd-momentum"] = params

# --8<-- [start:adam]
opt = optax.adam(learning_rate=1e-3)  # eps=1e-8 by default; no default learning rate
params, opt_state = w, opt.init(w)
for _ in range(3):
    params, opt_state, loss = train_step(params, opt_state, opt)
# --8<-- [end:adam]
results["adam"] = params

# --8<-- [start:adamw]
opt = optax.adamw(learning_rate=1e-3, weight_decay=0.01)  # default 1e-4
params, opt_state = w, opt.init(w)
for _ in range(3):
    params, opt_state, loss = train_step(params, opt_state, opt)
# --8<-- [end:adamw]
results["adamw"] = params

# --8<-- [start:lr-schedule]
sched = optax.cosine_decay_schedule(0.1, decay_steps=4)
lrs = [float(sched(step)) for step in range(5)]  # pass as learning_rate=sched
# --8<-- [end:lr-schedule]
results["lr-schedule"] = lrs

# --8<-- [start:grad-clipping]
grads = jax.grad(lambda p: jnp.sum((x @ p - y) ** 2))(w)
clip = optax.clip_by_global_norm(1.0)  # usually optax.chain(clip, optax.adam(1e-3))
clipped_grads, _ = clip.update(grads, clip.init(grads))
# --8<-- [end:grad-clipping]
results["grad-clipping"] = clipped_grads

# --8<-- [start:mse-loss]
pred = x @ w
mse = optax.losses.squared_error(pred, y).mean()  # per element; optax.l2_loss halves it
# --8<-- [end:mse-loss]
results["mse-loss"] = mse

# --8<-- [start:cross-entropy]
ce = optax.losses.softmax_cross_entropy_with_integer_labels(x, labels).mean()  # per example
# --8<-- [end:cross-entropy]
results["cross-entropy"] = ce

# Saving, export, devices, interop ---------------------------------------------------------

tmp = Path(tempfile.mkdtemp())

# --8<-- [start:save-load]
checkpointer = ocp.StandardCheckpointer()
checkpointer.save(tmp / "layer", nnx.state(layer))  # any pytree of arrays
checkpointer.wait_until_finished()  # saving is asynchronous
abstract = nnx.eval_shape(lambda: nnx.Linear(3, 2, param_dtype=jnp.float64, rngs=nnx.Rngs(0)))
graphdef, abstract_state = nnx.split(abstract)  # structure, shapes and dtypes; no values
restored = nnx.merge(graphdef, checkpointer.restore(tmp / "layer", abstract_state))
# --8<-- [end:save-load]
results["save-load"] = restored(x)

# --8<-- [start:data-batches]
import grain  # noqa: E402

data = np.arange(10.0).reshape(5, 2)  # 5 examples of 2 features
ds = grain.MapDataset.source(data).batch(2)  # .shuffle(seed=0) before .batch to shuffle
batch_sums = [jnp.sum(batch) for batch in ds]  # NumPy batches of 2, 2, then 1
# --8<-- [end:data-batches]
results["data-batches"] = jnp.stack(batch_sums)

# --8<-- [start:checkpoint]
opt = optax.sgd(learning_rate=0.1, momentum=0.9)
params, opt_state, _ = train_step(w, opt.init(w), opt)
checkpointer = ocp.StandardCheckpointer()
checkpointer.save(tmp / "ckpt", {"params": params, "opt_state": opt_state})  # one pytree
checkpointer.wait_until_finished()

target = {"params": w, "opt_state": opt.init(w)}  # the structure to restore into
ckpt = checkpointer.restore(tmp / "ckpt", jax.tree.map(ocp.utils.to_shape_dtype_struct, target))
params, opt_state, _ = train_step(ckpt["params"], ckpt["opt_state"], opt)
# --8<-- [end:checkpoint]
results["checkpoint"] = params  # the same as two steps without the restart

# --8<-- [start:safetensors]
from safetensors.flax import load_file, save_file  # noqa: E402

save_file({"kernel": layer.kernel[...], "bias": layer.bias[...]},
          tmp / "layer.safetensors")  # flat name -> array, no pickle
tensors = load_file(tmp / "layer.safetensors")  # {"kernel": (3, 2), "bias": (2,)}
# --8<-- [end:safetensors]
results["safetensors"] = tensors["kernel"]  # (in, out)

# --8<-- [start:export]
exported = jax.export.export(jax.jit(layer))(jax.ShapeDtypeStruct(x.shape, x.dtype))
blob = exported.serialize()  # bytes: StableHLO plus metadata
loaded = jax.export.deserialize(blob)
# --8<-- [end:export]
results["export"] = loaded.call(x)

# --8<-- [start:device]
device = jax.devices()[0]  # the default backend: GPU or TPU if present, else CPU
x_dev = jax.device_put(x, device)
# --8<-- [end:device]
results["device"] = x_dev

# --8<-- [start:in-place]
buf = (x + 1.0) * 2.0  # arrays are immutable: new arrays, no in-place ops
# under jit, XLA reuses buffers; donate_argnums lets it reuse the inputs' memory
# --8<-- [end:in-place]
results["in-place"] = buf

# --8<-- [start:numpy]
arr = np.asarray(x)  # a read-only NumPy array; also jax.device_get(x)
# --8<-- [end:numpy]
results["numpy"] = arr

# --8<-- [start:dlpack]
shared = jnp.from_dlpack(a)  # zero-copy on CPU, from any __dlpack__ object (NumPy, PyTorch)
round_trip = np.from_dlpack(shared)  # and the other way
# --8<-- [end:dlpack]
results["dlpack"] = shared

# --8<-- [start:item]
total = x.sum().item()  # a Python float; float(x.sum()) also works
# --8<-- [end:item]
results["item"] = total

# Evidence for the page's notes (not shown as tabs) ----------------------------------------

# --8<-- [start:evidence-defaults]
with jax.enable_x64(False):  # the default: 32-bit even for float64 NumPy input
    assert jnp.asarray(a).dtype == jnp.float32 and jnp.arange(3).dtype == jnp.int32
assert jnp.argmax(x) == 3 and jnp.cumsum(x).shape == (6,)  # no axis: flattened
assert jnp.issubdtype(jnp.mean(jnp.array([1, 2])).dtype, jnp.floating)  # integer mean: float
assert jnp.issubdtype(jax.nn.one_hot(labels, 3).dtype, jnp.floating)
src = np.array([1.0, 2.0])
copy = jnp.asarray(src)
src[0] = 9.0
assert copy[0] == 1.0  # asarray copies
try:
    x[[0, 1]]  # a bare list as the whole index
    raise AssertionError("expected a TypeError")
except TypeError:
    pass
assert [p.shape for p in jnp.split(x, [1], axis=1)] == [(2, 1), (2, 2)]  # cut positions
key = jax.random.key(0)
assert jnp.array_equal(jax.random.normal(key, (2,)), jax.random.normal(key, (2,)))  # same key
# --8<-- [end:evidence-defaults]

# --8<-- [start:evidence-tracing]
traced = []


@jax.jit
def double(v):
    traced.append(1)  # a Python side effect: runs while tracing, not on later calls
    return 2 * v


double(w), double(w + 1.0)
assert len(traced) == 1  # two calls, one trace
# --8<-- [end:evidence-tracing]

# --8<-- [start:evidence-training]
import inspect  # noqa: E402

assert inspect.signature(optax.adamw).parameters["weight_decay"].default == 1e-4
assert inspect.signature(optax.adam).parameters["eps"].default == 1e-8
assert jnp.allclose(optax.l2_loss(x @ w, y), 0.5 * optax.squared_error(x @ w, y))  # half
assert optax.softmax_cross_entropy_with_integer_labels(x, labels).shape == (2,)  # per example
value_first, grad_second = jax.value_and_grad(f)(w)
assert value_first.shape == () and grad_second.shape == w.shape  # (value, grad)
# --8<-- [end:evidence-training]

# --8<-- [start:evidence-lifecycle]
import inspect  # noqa: E402

assert inspect.signature(grain.MapDataset.batch).parameters["drop_remainder"].default is False
assert [len(batch) for batch in ds] == [2, 2, 1]  # the last, short batch is kept
assert q.shape == (1, 2, 1, 3) and att.shape == (1, 2, 1, 3)  # (batch, seq, heads, dim)
assert linear.kernel.shape == (3, 2)  # (in, out)
# --8<-- [end:evidence-lifecycle]

# ------------------------------------------------------------------------------------------
assert jnp.array_equal(steps, jnp.array([0, 3, 6, 9]))
assert jnp.array_equal(xi, jnp.array([[0, -1, 2], [3, 0, 1]]))
assert batched.shape == (1, 2, 3) and unbatched.shape == (2, 3) and row_sums.shape == (2, 1)
assert jnp.array_equal(totals, jnp.array([4.0, 0.0, 2.0]))
assert jnp.array_equal(results["stop-gradient"], w)
assert jnp.array_equal(results["custom-gradient"], jnp.array([3.0, 3.0, 3.0]))
assert jnp.allclose(g, grad) and jnp.allclose(rg, grad)
assert jnp.array_equal(evaluated, x) and kept.shape == x.shape
assert len(results) >= 40
