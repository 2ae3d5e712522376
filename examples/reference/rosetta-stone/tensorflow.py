"""Rosetta stone, TensorFlow column (with Keras 3 for layers, losses and optimizers).

Every section name is shared with pytorch.py and jax.py, and every section stores its result
in `results` under that name, so the test suite checks that the three columns agree.
"""

import inspect
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras  # Keras 3; with TensorFlow installed its default backend is TensorFlow

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]])  # NumPy, float64, shape (2, 3)
x = tf.constant(a)  # float64 like `a`; a Python list of floats would give float32
w = tf.constant([1.5, 0.3, -0.7], dtype=tf.float64)
y = tf.constant([1.0, -1.0], dtype=tf.float64)  # regression targets
labels = tf.constant([2, 0])  # class indices (int32)
kernel = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]])  # dense weights, (in, out)


def f(w):  # a scalar function to differentiate
    return tf.reduce_sum(tf.tanh(tf.linalg.matvec(x, w)) ** 2)
# --8<-- [end:setup]


results = {}

# Tensor creation ---------------------------------------------------------------------------

# --8<-- [start:zeros]
zeros = tf.zeros((2, 3), dtype=tf.float64)
ones = tf.ones_like(x)  # same shape and dtype as x
# --8<-- [end:zeros]
results["zeros"] = zeros + ones

# --8<-- [start:full]
full = tf.fill((2, 3), 7.0)  # float32: a Python float becomes float32
# --8<-- [end:full]
results["full"] = full

# --8<-- [start:arange]
steps = tf.range(0, 10, 3)  # int32: [0, 3, 6, 9]
# --8<-- [end:arange]
results["arange"] = steps

# --8<-- [start:linspace]
grid = tf.linspace(0.0, 1.0, 5)  # endpoints included; float32 from Python floats
# --8<-- [end:linspace]
results["linspace"] = grid

# --8<-- [start:from-numpy]
t = tf.convert_to_tensor(a)  # copies; tf.constant(a) does the same
# --8<-- [end:from-numpy]
results["from-numpy"] = t

# --8<-- [start:eye]
identity = tf.eye(3, dtype=tf.float64)
# --8<-- [end:eye]
results["eye"] = identity

# Dtypes -----------------------------------------------------------------------------------

# --8<-- [start:cast]
x32 = tf.cast(x, tf.float32)
xi = tf.cast(x, tf.int32)  # truncates toward zero: -0.5 -> 0
# --8<-- [end:cast]
assert x32.dtype == tf.float32
results["cast"] = xi

# --8<-- [start:mixed-precision]
layer16 = keras.layers.Dense(2, dtype="mixed_bfloat16")  # per layer; or globally:
# keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
out16 = layer16(tf.cast(x, tf.float32))  # computes in bfloat16, keeps float32 weights
# --8<-- [end:mixed-precision]
assert out16.dtype == tf.bfloat16 and layer16.kernel.dtype == "float32"
results["mixed-precision"] = [out16.dtype.size, *out16.shape]

# --8<-- [start:default-dtype]
default_float = keras.config.floatx()  # "float32": Keras weights; set_floatx() changes it
from_python = tf.constant([1.0]).dtype  # float32; from float64 NumPy: float64
# --8<-- [end:default-dtype]
assert default_float == "float32" and from_python == tf.float32
assert tf.constant(a).dtype == tf.float64
results["default-dtype"] = from_python.size

# --8<-- [start:bfloat16]
x_bf16 = tf.cast(x / 3, tf.bfloat16)  # 8 significant bits, float32's exponent range
# --8<-- [end:bfloat16]
results["bfloat16"] = tf.cast(x_bf16, tf.float64)  # rounded the same way in all three

# Shapes -----------------------------------------------------------------------------------

# --8<-- [start:reshape]
r = tf.reshape(x, (3, 2))
# --8<-- [end:reshape]
results["reshape"] = r

# --8<-- [start:transpose]
xt = tf.transpose(x)  # reverses all dims by default
xt_perm = tf.transpose(x, perm=[1, 0])  # perm gives the full order
# --8<-- [end:transpose]
assert np.array_equal(xt, xt_perm)
results["transpose"] = xt

# --8<-- [start:expand-dims]
batched = tf.expand_dims(x, 0)  # shape (1, 2, 3); also x[None] or x[tf.newaxis]
unbatched = tf.squeeze(batched, 0)  # shape (2, 3)
# --8<-- [end:expand-dims]
results["expand-dims"] = batched

# --8<-- [start:concat]
cat = tf.concat([x, x], axis=0)  # shape (4, 3)
# --8<-- [end:concat]
results["concat"] = cat

# --8<-- [start:stack]
stacked = tf.stack([x, x], axis=0)  # new axis: shape (2, 2, 3)
# --8<-- [end:stack]
results["stack"] = stacked

# --8<-- [start:split]
left, right = tf.split(x, [1, 2], axis=1)  # sizes; an int means that many equal pieces
# --8<-- [end:split]
results["split"] = right

# --8<-- [start:broadcast]
tiled = tf.broadcast_to(w, (2, 3))
# --8<-- [end:broadcast]
results["broadcast"] = tiled

# --8<-- [start:pad]
padded = tf.pad(x, [[0, 0], [1, 1]])  # one (before, after) pair per dim, first dim first
# --8<-- [end:pad]
results["pad"] = padded

# Indexing ---------------------------------------------------------------------------------

# --8<-- [start:slice]
part = x[:, 1:]  # basic slicing works; index lists do not
# --8<-- [end:slice]
results["slice"] = part

# --8<-- [start:gather]
cols = tf.gather(x, [2, 0], axis=1)  # x[:, [2, 0]] raises a TypeError
# --8<-- [end:gather]
results["gather"] = cols

# --8<-- [start:take-along-axis]
picked = tf.gather(x, labels, axis=1, batch_dims=1)  # x[i, labels[i]] for every row i
# --8<-- [end:take-along-axis]
results["take-along-axis"] = picked

# --8<-- [start:indexed-update]
updated = tf.tensor_scatter_nd_update(x, [[0, 1]], [10.0])  # a new tensor
# a tf.Variable can be updated in place: v[0, 1].assign(10.0)
# --8<-- [end:indexed-update]
results["indexed-update"] = updated

# --8<-- [start:scatter-add]
idx = tf.constant([[0], [2], [0]])  # one index tuple per row
vals = tf.constant([1.0, 2.0, 3.0], dtype=tf.float64)
totals = tf.tensor_scatter_nd_add(tf.zeros(3, tf.float64), idx, vals)  # [4, 0, 2]
# --8<-- [end:scatter-add]
results["scatter-add"] = totals

# --8<-- [start:boolean-mask]
positives = tf.boolean_mask(x, x > 0)  # 1-D; x[x > 0] also works in TF 2.21
# --8<-- [end:boolean-mask]
results["boolean-mask"] = positives

# --8<-- [start:where]
relu = tf.where(x > 0, x, 0.0)
# --8<-- [end:where]
results["where"] = relu

# Reductions -------------------------------------------------------------------------------

# --8<-- [start:sum]
col_sums = tf.reduce_sum(x, axis=0)
row_sums = tf.reduce_sum(x, axis=1, keepdims=True)  # shape (2, 1)
# --8<-- [end:sum]
results["sum"] = col_sums

# --8<-- [start:mean]
row_means = tf.reduce_mean(x, axis=1)  # integer input gives a truncated integer mean
# --8<-- [end:mean]
results["mean"] = row_means

# --8<-- [start:variance]
var = tf.math.reduce_variance(x, axis=1)  # divides by n (population variance)
# --8<-- [end:variance]
results["variance"] = var

# --8<-- [start:max]
row_max = tf.reduce_max(x, axis=1)
# --8<-- [end:max]
results["max"] = row_max

# --8<-- [start:argmax]
best = tf.argmax(x, axis=1)  # int64; without axis it reduces axis 0, not the flat tensor
# --8<-- [end:argmax]
results["argmax"] = best

# --8<-- [start:logsumexp]
lse = tf.reduce_logsumexp(x, axis=1)
# --8<-- [end:logsumexp]
results["logsumexp"] = lse

# --8<-- [start:cumsum]
running = tf.math.cumsum(x, axis=1)  # default axis=0
# --8<-- [end:cumsum]
results["cumsum"] = running

# Math -------------------------------------------------------------------------------------

# --8<-- [start:matmul]
gram = x @ tf.transpose(x)  # tf.matmul(x, x, transpose_b=True); both need rank >= 2
# --8<-- [end:matmul]
results["matmul"] = gram

# --8<-- [start:einsum]
scores = tf.einsum("ij,j->i", x, w)  # matrix @ vector: or tf.linalg.matvec(x, w)
# --8<-- [end:einsum]
results["einsum"] = scores

# --8<-- [start:solve]
A = gram + tf.eye(2, dtype=tf.float64)
sol = tf.linalg.solve(A, y[:, None])[:, 0]  # the right-hand side must be a matrix
# --8<-- [end:solve]
results["solve"] = sol

# --8<-- [start:elementwise]
e = tf.exp(-x**2) * tf.tanh(x) + tf.sqrt(tf.abs(x))  # also under tf.math.*
# --8<-- [end:elementwise]
results["elementwise"] = e

# --8<-- [start:softmax]
probs = tf.nn.softmax(x, axis=-1)  # also tf.nn.log_softmax
# --8<-- [end:softmax]
results["softmax"] = probs

# --8<-- [start:clip]
clipped = tf.clip_by_value(x, -1.0, 1.0)
# --8<-- [end:clip]
results["clip"] = clipped

# --8<-- [start:sort]
ordered = tf.sort(x, axis=1)  # values only; tf.argsort for indices
# --8<-- [end:sort]
results["sort"] = ordered

# --8<-- [start:topk]
top_vals, top_idx = tf.math.top_k(x, k=2)  # always the last axis, largest first
# --8<-- [end:topk]
results["topk"] = top_vals

# --8<-- [start:one-hot]
onehot = tf.one_hot(labels, depth=3)  # float32 by default; dtype= to change
# --8<-- [end:one-hot]
results["one-hot"] = onehot

# Gradients --------------------------------------------------------------------------------

# --8<-- [start:grad]
with tf.GradientTape() as tape:
    tape.watch(w)  # constants need watch(); tf.Variable is watched automatically
    value = f(w)
grad = tape.gradient(value, w)
# --8<-- [end:grad]
results["grad"] = grad

# --8<-- [start:value-and-grad]
with tf.GradientTape() as tape:  # the tape gives both: keep the value you computed
    tape.watch(w)
    value = f(w)
g = tape.gradient(value, w)
# --8<-- [end:value-and-grad]
results["value-and-grad"] = value


# --8<-- [start:higher-order]
def h(s):
    return tf.sin(s) * s**2


s = tf.constant(0.7, dtype=tf.float64)
with tf.GradientTape() as outer:
    outer.watch(s)
    with tf.GradientTape() as inner:
        inner.watch(s)
        value = h(s)
    dh = inner.gradient(value, s)
d2h = outer.gradient(dh, s)
# --8<-- [end:higher-order]
results["higher-order"] = d2h

# --8<-- [start:jacobian]
with tf.GradientTape() as tape:
    tape.watch(w)
    out = tf.tanh(tf.linalg.matvec(x, w))
jac = tape.jacobian(out, w)  # shape (2, 3)
# --8<-- [end:jacobian]
results["jacobian"] = jac

# --8<-- [start:stop-gradient]
with tf.GradientTape() as tape:
    tape.watch(w)
    value = tf.reduce_sum(w * tf.stop_gradient(w))  # treated as a constant
sg = tape.gradient(value, w)
# --8<-- [end:stop-gradient]
results["stop-gradient"] = sg  # = w, not 2 * w

# --8<-- [start:no-grad]
value = f(w)  # code outside a GradientTape is not recorded
with tf.GradientTape() as tape:
    with tape.stop_recording():  # a pause inside a tape
        paused = f(w)
# --8<-- [end:no-grad]
results["no-grad"] = value


# --8<-- [start:custom-gradient]
@tf.custom_gradient
def round_st(s):  # straight-through rounding
    return tf.round(s), lambda g: g  # pretend round() is the identity


with tf.GradientTape() as tape:
    tape.watch(w)
    value = tf.reduce_sum(round_st(3.0 * w))
cg = tape.gradient(value, w)  # [3., 3., 3.]
# --8<-- [end:custom-gradient]
results["custom-gradient"] = cg


# --8<-- [start:remat]
def block(w):
    return tf.reduce_sum(tf.tanh(tf.linalg.matvec(x, w)) ** 2)


block_remat = tf.recompute_grad(block)  # recomputes block in the backward pass
with tf.GradientTape() as tape:
    tape.watch(w)
    value = block_remat(w)
rg = tape.gradient(value, w)
# --8<-- [end:remat]
results["remat"] = rg

# Transformations --------------------------------------------------------------------------

# --8<-- [start:jit]
f_fast = tf.function(f, jit_compile=True)  # traces a graph; jit_compile: XLA
fast_value = f_fast(w)
# --8<-- [end:jit]
results["jit"] = fast_value

# --8<-- [start:vmap]
per_row = tf.vectorized_map(lambda row: tf.tensordot(row, w, 1), x)  # maps over axis 0
# --8<-- [end:vmap]
results["vmap"] = per_row

# --8<-- [start:cond]
branch = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)
# --8<-- [end:cond]
results["cond"] = branch  # in tf.function, AutoGraph turns a Python `if` on tensors into this

# --8<-- [start:scan]
history = tf.scan(lambda carry, x_t: 0.5 * carry + x_t, x,
                  initializer=tf.zeros(3, tf.float64))  # every carry, stacked
# --8<-- [end:scan]
results["scan"] = history

# Randomness -------------------------------------------------------------------------------

# --8<-- [start:random-normal]
gen = tf.random.Generator.from_seed(0)  # or stateless: tf.random.stateless_normal(seed=[0, 0])
noise = gen.normal((2, 3), dtype=tf.float64)
# --8<-- [end:random-normal]
results["random-normal"] = list(noise.shape)  # the numbers differ across frameworks

# --8<-- [start:rng-seed]
tf.random.set_seed(0)  # global seed; keras.utils.set_random_seed(0) also seeds Python, NumPy
first = tf.random.uniform((3,))
tf.random.set_seed(0)
again = tf.random.uniform((3,))
# --8<-- [end:rng-seed]
results["rng-seed"] = bool(tf.reduce_all(first == again))  # True: same seed, same numbers

# --8<-- [start:rng-split]
gen_a, gen_b = tf.random.Generator.from_seed(1).split(2)  # independent streams
draw_a, draw_b = gen_a.uniform((3,)), gen_b.uniform((3,))
# --8<-- [end:rng-split]
results["rng-split"] = not bool(tf.reduce_all(draw_a == draw_b))

# --8<-- [start:permutation]
perm = tf.random.experimental.stateless_shuffle(tf.range(5), seed=[0, 0])
shuffled = tf.gather(x, tf.random.shuffle(tf.range(3)), axis=1)  # shuffle columns
# --8<-- [end:permutation]
results["permutation"] = tf.sort(perm)  # every framework: a shuffle of 0..4

# --8<-- [start:dropout]
dropped = tf.nn.dropout(x, rate=0.5)  # survivors scaled by 1/(1-rate)
# --8<-- [end:dropout]
results["dropout"] = bool(tf.reduce_all((dropped == 0) | (dropped == 2 * x)))  # True

# Models and training ----------------------------------------------------------------------

# --8<-- [start:dense-layer]
layer = keras.layers.Dense(2, dtype="float64")  # kernel shape (in, out) = (3, 2)
layer.build((None, 3))  # or let the first call build it
layer.set_weights([kernel, np.zeros(2)])
dense = layer(x)
# --8<-- [end:dense-layer]
results["dense-layer"] = dense

# --8<-- [start:eval-mode]
drop = keras.layers.Dropout(0.5)
evaluated = drop(x, training=False)  # fit() passes training=True, predict() False
# --8<-- [end:eval-mode]
results["eval-mode"] = evaluated

# --8<-- [start:attention]
q, k, v = x[None, :, None], 2 * x[None, :, None], x[None, :, None] ** 2  # (batch, seq, heads, dim)
att = keras.ops.dot_product_attention(q, k, v, is_causal=True)  # softmax(q k^T / sqrt(dim)) v
# keras.layers.MultiHeadAttention adds the q, k, v and output projections
# --8<-- [end:attention]
results["attention"] = att[0, :, 0]  # (seq, dim)

# --8<-- [start:port-linear]
weight = kernel.T  # a PyTorch Linear weight is (out, in) = (2, 3)
dense_port = keras.layers.Dense(2, dtype="float64")
dense_port.build((None, 3))
dense_port.set_weights([weight.T, np.zeros(2)])  # a Keras kernel is (in, out): transpose
ported = dense_port(x)
# --8<-- [end:port-linear]
results["port-linear"] = ported


# --8<-- [start:training-step]
def train_step(params, opt):  # wrap in @tf.function for speed
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((tf.linalg.matvec(x, params) - y) ** 2)
    grads = tape.gradient(loss, [params])
    opt.apply_gradients(zip(grads, [params], strict=True))  # updates the variables
    return loss


params = tf.Variable(w)
opt = keras.optimizers.SGD(learning_rate=0.1)
train_step(params, opt)
# --8<-- [end:training-step]
results["training-step"] = params

# --8<-- [start:sgd-momentum]
params = tf.Variable(w)
opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:sgd-momentum]
results["sgd-momentum"] = params

# --8<-- [start:adam]
params = tf.Variable(w)
opt = keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-8)  # default epsilon=1e-7
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:adam]
results["adam"] = params

# --8<-- [start:adamw]
params = tf.Variable(w)
opt = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=0.01,  # default 0.004
                             epsilon=1e-8)
for _ in range(3):
    train_step(params, opt)
# --8<-- [end:adamw]
results["adamw"] = params

# --8<-- [start:lr-schedule]
sched = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=4)
lrs = [float(sched(step)) for step in range(5)]  # pass as learning_rate=sched
# --8<-- [end:lr-schedule]
results["lr-schedule"] = lrs

# --8<-- [start:grad-clipping]
with tf.GradientTape() as tape:
    tape.watch(w)
    loss = tf.reduce_sum((tf.linalg.matvec(x, w) - y) ** 2)
grads = tape.gradient(loss, [w])
clipped_grads, norm = tf.clip_by_global_norm(grads, 1.0)  # or Adam(global_clipnorm=1.0)
# --8<-- [end:grad-clipping]
results["grad-clipping"] = clipped_grads[0]

# --8<-- [start:mse-loss]
pred = tf.linalg.matvec(x, w)
mse = keras.losses.MeanSquaredError()(y, pred)  # (y_true, y_pred); result is float32
# --8<-- [end:mse-loss]
results["mse-loss"] = mse

# --8<-- [start:cross-entropy]
ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, x)
# --8<-- [end:cross-entropy]
results["cross-entropy"] = ce  # from_logits defaults to False: probabilities expected

# Saving, export, devices, interop ---------------------------------------------------------

tmp = Path(tempfile.mkdtemp())


def make_model():
    return keras.Sequential([keras.Input((3,), dtype="float64"),
                             keras.layers.Dense(2, dtype="float64")])


model = make_model()
model.layers[0].set_weights(layer.get_weights())

# --8<-- [start:save-load]
model.save_weights(tmp / "model.weights.h5")  # the name must end in .weights.h5
restored = make_model()  # rebuild the model in code
restored.load_weights(tmp / "model.weights.h5")
# model.save("model.keras") also stores the architecture: keras.saving.load_model()
# --8<-- [end:save-load]
results["save-load"] = restored(x)

# --8<-- [start:data-batches]
data = np.arange(10.0).reshape(5, 2)  # 5 examples of 2 features
ds = tf.data.Dataset.from_tensor_slices(data).batch(2)  # .shuffle(5) before .batch to shuffle
batch_sums = [tf.reduce_sum(batch) for batch in ds]  # batches of 2, 2, then 1
# --8<-- [end:data-batches]
results["data-batches"] = tf.stack(batch_sums)

# --8<-- [start:checkpoint]
params = tf.Variable(w)
opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
train_step(params, opt)
path = tf.train.Checkpoint(params=params, opt=opt).save(tmp / "ckpt")  # variables only

params = tf.Variable(tf.zeros_like(w))  # a new process would rebuild params and opt first
opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
opt.build([params])  # create the momentum slots, then restore into them
tf.train.Checkpoint(params=params, opt=opt).restore(path).assert_consumed()
train_step(params, opt)
# --8<-- [end:checkpoint]
results["checkpoint"] = params  # the same as two steps without the restart

# --8<-- [start:safetensors]
from safetensors.tensorflow import load_file, save_file  # noqa: E402

save_file({"kernel": tf.constant(layer.kernel), "bias": tf.constant(layer.bias)},
          tmp / "layer.safetensors")  # flat name -> tensor, no pickle
tensors = load_file(tmp / "layer.safetensors")  # {"kernel": (3, 2), "bias": (2,)}
# --8<-- [end:safetensors]
results["safetensors"] = tensors["kernel"]  # (in, out)

# --8<-- [start:export]
model.export(tmp / "saved_model", verbose=False)  # a SavedModel for TF Serving
serving = tf.saved_model.load(tmp / "saved_model")
# --8<-- [end:export]
results["export"] = serving.serve(x)

# --8<-- [start:device]
with tf.device("/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"):
    x_dev = tf.identity(x)  # ops in the block run (and place results) there
# --8<-- [end:device]
results["device"] = x_dev

# --8<-- [start:in-place]
buf = tf.Variable(x)  # tensors are immutable; variables are not
buf.assign_add(tf.ones_like(x))
buf.assign(buf * 2.0)
# --8<-- [end:in-place]
results["in-place"] = buf

# --8<-- [start:numpy]
arr = x.numpy()  # eager tensors only; not inside tf.function
# --8<-- [end:numpy]
results["numpy"] = arr

# --8<-- [start:dlpack]
shared = tf.experimental.dlpack.from_dlpack(a.__dlpack__())  # takes a DLPack capsule
capsule = tf.experimental.dlpack.to_dlpack(shared)  # for torch.from_dlpack, jnp.from_dlpack
# --8<-- [end:dlpack]
results["dlpack"] = shared

# --8<-- [start:item]
total = float(tf.reduce_sum(x))  # or .numpy().item()
# --8<-- [end:item]
results["item"] = total

# Evidence for the page's notes (not shown as tabs) ----------------------------------------

# --8<-- [start:evidence-defaults]
assert tf.executing_eagerly()  # eager outside tf.function
mean_int = tf.reduce_mean(tf.constant([1, 2]))
assert mean_int.dtype == tf.int32 and int(mean_int) == 1  # integer mean truncates
assert np.array_equal(tf.argmax(x), [1, 1, 0]) and tf.argmax(x).dtype == tf.int64  # axis 0
assert np.array_equal(tf.math.cumsum(x), np.cumsum(a, axis=0))  # no axis: axis 0
assert tf.one_hot(labels, 3).dtype == tf.float32 and tf.range(3).dtype == tf.int32
src = np.array([1.0, 2.0])
copy = tf.convert_to_tensor(src)
src[0] = 9.0
assert copy[0] == 1.0  # convert_to_tensor copies
assert "axis" not in inspect.signature(tf.math.top_k).parameters
for call, error in [
    (lambda: x[:, [2, 0]], TypeError),  # no list indices inside []
    (lambda: x @ w, tf.errors.InvalidArgumentError),  # @ needs rank 2 or more
    (lambda: tf.linalg.solve(x[:, :2], y), tf.errors.InvalidArgumentError),  # vector rhs
]:
    try:
        call()
        raise AssertionError("expected an error")
    except error:
        pass
# --8<-- [end:evidence-defaults]

# --8<-- [start:evidence-tracing]
traced = []


@tf.function
def double(v):
    traced.append(1)  # a Python side effect: runs while tracing, not on later calls
    return 2 * v


double(w), double(w + 1.0)
assert len(traced) == 1  # two calls, one trace
# --8<-- [end:evidence-tracing]

# --8<-- [start:evidence-training]
assert keras.optimizers.Adam().epsilon == 1e-7
assert keras.optimizers.AdamW().weight_decay == 0.004
try:
    make_model().save_weights(str(tmp / "m.h5"))  # Keras 3 wants the .weights.h5 suffix
    raise AssertionError("expected a ValueError")
except ValueError:
    pass
assert keras.losses.MeanSquaredError()(y, 0.5 * y).dtype == tf.float32  # float64 in, float32 out
# --8<-- [end:evidence-training]

# --8<-- [start:evidence-lifecycle]
assert keras.config.floatx() == "float32" and tf.constant([1.0]).dtype == tf.float32
assert inspect.signature(tf.data.Dataset.batch).parameters["drop_remainder"].default is False
assert [int(batch.shape[0]) for batch in ds] == [2, 2, 1]  # the last, short batch is kept
assert q.shape == (1, 2, 1, 3) and att.shape == (1, 2, 1, 3)  # (batch, seq, heads, dim)
assert tuple(dense_port.kernel.shape) == (3, 2)  # (in, out)
# --8<-- [end:evidence-lifecycle]

# ------------------------------------------------------------------------------------------
assert np.array_equal(steps, [0, 3, 6, 9])
assert np.array_equal(xi, [[0, -1, 2], [3, 0, 1]])
assert batched.shape == (1, 2, 3) and unbatched.shape == (2, 3) and row_sums.shape == (2, 1)
assert np.array_equal(totals, [4.0, 0.0, 2.0])
assert np.array_equal(results["stop-gradient"], w)
assert np.array_equal(results["custom-gradient"], [3.0, 3.0, 3.0])
assert np.allclose(g, grad) and np.allclose(rg, grad)
assert np.array_equal(paused, value) and np.array_equal(evaluated, x)
assert len(results) >= 40
