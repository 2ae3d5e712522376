"""Coming from another framework, TensorFlow side: the habits that differ from PyTorch and JAX."""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"  # Keras 3 picks its backend at import
import numpy as np
import tensorflow as tf
import keras

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]], dtype=np.float32)  # 2 examples, 3 features
x = tf.constant(a)
w = tf.constant([1.0, 0.5, -1.0])
image = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)  # NHWC: batch, height, width, chan
conv_w = (np.arange(54, dtype=np.float32).reshape(3, 3, 2, 3) % 5) - 2  # HWIO, small integers
# --8<-- [end:setup]

results = {}

# --8<-- [start:dtypes]
print(tf.constant([1.0]).dtype.name, tf.constant([1]).dtype.name,
      tf.constant(a.astype(np.float64)).dtype.name)
# --8<-- [end:dtypes]
assert tf.constant([1.0]).dtype == tf.float32 and tf.constant([1]).dtype == tf.int32
assert tf.constant(a.astype(np.float64)).dtype == tf.float64  # NumPy's float64 is kept
results["python_float_bits"] = 32

# --8<-- [start:promotion]
ints, floats = tf.constant([1, 2]), tf.constant([1.5, 1.5])
try:
    ints + floats  # int32 + float32: no automatic promotion
except tf.errors.InvalidArgumentError:
    print("int32 + float32 raised InvalidArgumentError")
mixed = tf.cast(ints, tf.float32) + floats  # cast explicitly
print(mixed.dtype.name, mixed.numpy().tolist())
# --8<-- [end:promotion]
try:
    ints + floats
    raise AssertionError("expected an error")
except tf.errors.InvalidArgumentError:
    pass
results["promoted"] = mixed

# --8<-- [start:immutable]
try:
    x[0, 1] = 10.0  # tensors are immutable
except TypeError:
    print("item assignment raised TypeError")
updated = tf.tensor_scatter_nd_update(x, [[0, 1]], [10.0])  # a new tensor
# or keep state in a tf.Variable: v[0, 1].assign(10.0)
print(updated[0].numpy().tolist())
# --8<-- [end:immutable]
try:
    x[0, 1] = 10.0
    raise AssertionError("expected a TypeError")
except TypeError:
    pass
results["updated"] = updated


# --8<-- [start:gradients]
def loss_fn(w):
    return tf.reduce_sum(tf.linalg.matvec(x, w) ** 2)


with tf.GradientTape() as tape:  # records only what it watches: tf.Variables
    loss = loss_fn(w)
print("gradient for a constant:", tape.gradient(loss, w))  # None: not watched
with tf.GradientTape() as tape:
    tape.watch(w)  # or make w a tf.Variable
    loss = loss_fn(w)
grad = tape.gradient(loss, w)  # a fresh result each time: nothing accumulates
# --8<-- [end:gradients]
results["grad"] = grad

# --8<-- [start:training_flag]
drop = keras.layers.Dropout(0.5)
called = drop(tf.ones((100,)))  # called directly: training=False, nothing is dropped
print("dropped anything:", bool(tf.reduce_any(called == 0)))
eval_output = drop(x, training=False)  # fit() passes training=True; pass it in your own loop
# --8<-- [end:training_flag]
assert not tf.reduce_any(called == 0) and tf.reduce_any(drop(tf.ones((100,)), training=True) == 0)
results["eval_output"] = eval_output

# --8<-- [start:batchnorm]
bn = keras.layers.BatchNormalization()  # momentum=0.99: the weight of the *old* value
bn(x, training=True)  # update the moving statistics
print("moving mean:", bn.moving_mean.numpy().round(4), "eps:", bn.epsilon)
# --8<-- [end:batchnorm]
assert bn.momentum == 0.99 and bn.epsilon == 1e-3
biased = tf.math.reduce_variance(x, axis=0)  # the moving variance uses n
assert np.allclose(bn.moving_variance.numpy(), 0.99 + 0.01 * biased.numpy())
results["running_mean"] = bn.moving_mean.numpy()
results["running_var"] = bn.moving_variance.numpy()

# --8<-- [start:conv_layout]
conv = keras.layers.Conv2D(3, 3, use_bias=False)  # padding="valid"; channels last (NHWC)
conv.build((None, 4, 4, 2))
conv.set_weights([conv_w])  # kernel is HWIO: (3, 3, in=2, out=3)
out = conv(image)
print("weight", tuple(conv.kernel.shape), "output NHWC", tuple(out.shape))
# --8<-- [end:conv_layout]
assert conv.padding == "valid" and keras.config.image_data_format() == "channels_last"
results["conv"] = out


# --8<-- [start:dynamic_shapes]
@tf.function
def masked_sum(v):
    positive = tf.boolean_mask(v, v > 0)  # length unknown while tracing: shape (None,)
    print("traced shape:", positive.shape)  # a Python print runs once, while tracing
    return tf.reduce_sum(positive)


total = masked_sum(x)
print(float(total))
# --8<-- [end:dynamic_shapes]
results["masked_sum"] = total

# --8<-- [start:out_of_bounds]
try:
    tf.gather(x, [5], axis=1)  # column 5 of 3; checked on CPU only, not on a GPU
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:", err.message.split("}} ")[-1])
# --8<-- [end:out_of_bounds]
try:
    tf.gather(x, [5], axis=1)
    raise AssertionError("expected an error")
except tf.errors.InvalidArgumentError:
    pass
assert "Indices are always validated on CPU and never validated on GPU" in tf.gather.__doc__

# Evidence for the page's statements (not shown as tabs) -----------------------------------

# --8<-- [start:evidence]
assert tf.constant([1.0]).dtype == tf.float32 and tf.constant([1]).dtype == tf.int32
assert tf.constant(a.astype(np.float64)).dtype == tf.float64  # NumPy's float64 is kept
for bad in (lambda: ints + floats, lambda: tf.gather(x, [5], axis=1)):
    try:
        bad()  # int32 + float32 is refused; an out-of-range gather raises on CPU
        raise AssertionError("expected an error")
    except tf.errors.InvalidArgumentError:
        pass
try:
    x[0, 1] = 10.0  # tensors are immutable
    raise AssertionError("expected a TypeError")
except TypeError:
    pass
with tf.GradientTape() as tape:
    loss = loss_fn(w)
assert tape.gradient(loss, w) is None  # a constant is not watched
assert not tf.reduce_any(called == 0)  # a layer called directly runs in inference mode
assert tf.reduce_any(drop(tf.ones((100,)), training=True) == 0)
assert bn.momentum == 0.99 and bn.epsilon == 1e-3  # weight of the old value
assert np.allclose(bn.moving_variance.numpy(), 0.99 + 0.01 * biased.numpy())  # uses n
assert conv.padding == "valid" and keras.config.image_data_format() == "channels_last"
assert tuple(conv.kernel.shape) == (3, 3, 2, 3)  # HWIO
assert "Indices are always validated on CPU and never validated on GPU" in tf.gather.__doc__
# --8<-- [end:evidence]
