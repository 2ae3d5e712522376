"""Numerics in TensorFlow: default dtypes, (no) promotion, TF32, manual mixed precision."""

import ml_dtypes  # NumPy's bfloat16; TensorFlow depends on it
import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
# Dtype names as small integers, so that results can be compared across frameworks.
CODES = {"float16": 1, "bfloat16": 2, "float32": 3, "float64": 4, "int32": 5, "int64": 6}


def code(dtype):
    return CODES[tf.as_dtype(dtype).name]


x16 = tf.constant([1.0, 2048.0, 0.5], dtype=tf.float16)
ints = tf.constant([1, 2, 3])
# --8<-- [end:setup]

# --8<-- [start:defaults]
print("float literal:", tf.constant(1.0).dtype.name, "| int literal:", tf.constant(1).dtype.name)
print("from NumPy float64:", tf.constant(np.ones(2)).dtype.name)
assert tf.constant(1.0).dtype == tf.float32
assert tf.constant(1).dtype == tf.int32  # TensorFlow integers are 32-bit
assert tf.constant(np.ones(2)).dtype == tf.float64  # NumPy's dtype is kept
# --8<-- [end:defaults]

# --8<-- [start:promotion]
half_plus_one = x16 + 1.0  # the Python float is converted to the tensor's dtype
print("float16 + 1.0:", half_plus_one.dtype.name, half_plus_one.numpy().tolist())
assert half_plus_one.dtype == tf.float16
assert half_plus_one.numpy().tolist() == [2.0, 2048.0, 1.5]  # 2049 rounds to 2048

mixed_pairs = {
    "int + 1.0": lambda: ints + 1.0,
    "int + float32": lambda: ints + tf.ones(3),
    "bfloat16 + float16": lambda: tf.ones(3, tf.bfloat16) + tf.ones(3, tf.float16),
    "float32 + float64": lambda: tf.ones(3) + tf.ones(3, tf.float64),
}
for name, add in mixed_pairs.items():
    try:
        add()
        raise AssertionError(f"{name}: expected an error")
    except tf.errors.InvalidArgumentError as err:  # no implicit promotion
        print(f"{name}: {type(err).__name__}")
int_divided = ints / 2  # true division of int32 gives float64 (NumPy's rule)
print("int / int:", int_divided.dtype.name)
assert int_divided.dtype == tf.float64
print("int + 1.0, cast first:", (tf.cast(ints, tf.float32) + 1.0).dtype.name)
# --8<-- [end:promotion]

# --8<-- [start:matmul_precision]
assert tf.config.experimental.tensor_float_32_execution_enabled()  # TF32 allowed: the default
tf.config.experimental.enable_tensor_float_32_execution(False)  # full float32 on Ampere+ too
assert not tf.config.experimental.tensor_float_32_execution_enabled()
tf.config.experimental.enable_tensor_float_32_execution(True)

a = tf.fill((1, 4), 1 + 2.0**-12)  # 13 significant bits: exact in float32, not in TF32
matmul_f32 = tf.matmul(a, tf.ones((4, 1)))
value = float(matmul_f32[0, 0])
print("float32 matmul on CPU:", value, "== 4 + 2**-10:", value == 4 + 2**-10)
assert value == 4 + 2**-10  # full float32 on CPU, although TF32 is enabled
# --8<-- [end:matmul_precision]

# --8<-- [start:mixed]
x = tf.reshape(tf.range(6, dtype=tf.float32), (2, 3)) / 4
w = tf.Variable(tf.reshape(tf.range(-3, 3, dtype=tf.float32), (3, 2)) / 8)  # float32 master
# TensorFlow's own ops have no autocast: cast by hand (or use Keras policies, keras.py).
mixed_output = tf.matmul(tf.cast(x, tf.bfloat16), tf.cast(w, tf.bfloat16))
loss = tf.reduce_mean(tf.square(tf.cast(mixed_output, tf.float32)))  # reduce in float32
print("output:", mixed_output.dtype.name, "| weight:", w.dtype.name, "| loss:", loss.dtype.name)
assert mixed_output.dtype == tf.bfloat16 and w.dtype == tf.float32 and loss.dtype == tf.float32
# --8<-- [end:mixed]

# --8<-- [start:loss_scaling]
w_small = tf.Variable(tf.zeros((4, 1)))
x_small = tf.fill((1, 4), tf.constant(2.0**-10, tf.float16))


def small_gradient(scale):
    with tf.GradientTape() as tape:
        y = tf.matmul(x_small, tf.cast(w_small, tf.float16))  # float16 forward and backward
        loss = tf.reduce_sum(tf.cast(y, tf.float32)) * 2.0**-16  # tiny gradients
        scaled_loss = loss * scale
    return tape.gradient(scaled_loss, w_small) / scale  # unscale in float32


unscaled_grad = float(small_gradient(1.0)[0, 0])  # 2**-26 underflows float16
scaled_grad = float(small_gradient(2.0**16)[0, 0])
print("gradient without scaling:", unscaled_grad, "| with:", scaled_grad == 2**-26)
assert unscaled_grad == 0.0 and scaled_grad == 2**-26
# --8<-- [end:loss_scaling]

# --8<-- [start:ranges]
assert tf.bfloat16.as_numpy_dtype is ml_dtypes.bfloat16
for dtype in (tf.float16, tf.bfloat16):
    info = ml_dtypes.finfo(dtype.as_numpy_dtype)  # tf.DType has .max and .min, not eps
    print(f"{dtype.name}: max {info.max:.4g}, eps {info.eps}, smallest normal {info.tiny:.4g}")
finfo_float16 = [tf.float16.max, float(ml_dtypes.finfo(np.float16).eps),
                 float(ml_dtypes.finfo(np.float16).tiny)]
finfo_bfloat16 = [float(tf.bfloat16.max), float(ml_dtypes.finfo(ml_dtypes.bfloat16).eps),
                  float(ml_dtypes.finfo(ml_dtypes.bfloat16).tiny)]
assert finfo_float16 == [65504.0, 2.0**-10, 2.0**-14]
assert finfo_bfloat16 == [(2 - 2.0**-7) * 2.0**127, 2.0**-7, 2.0**-126]  # float32's range

values = tf.constant([70000.0, 257.0, 2.0**-26])
rounded_float16 = tf.cast(tf.cast(values, tf.float16), tf.float32)
rounded_bfloat16 = tf.cast(tf.cast(values, tf.bfloat16), tf.float32)
print("float16: ", rounded_float16.numpy().tolist())
print("bfloat16:", rounded_bfloat16.numpy().tolist())
assert rounded_float16.numpy().tolist() == [float("inf"), 257.0, 0.0]
assert rounded_bfloat16.numpy().tolist() == [70144.0, 256.0, 2.0**-26]
# --8<-- [end:ranges]

# --8<-- [start:numpy_behavior]
# Opt in to NumPy-style promotion (global, and cannot be switched off in this process).
tf.experimental.numpy.experimental_enable_numpy_behavior(dtype_conversion_mode="all")
now_promoted = {
    "int + 1.0": ints + 1.0,  # float64, where PyTorch and JAX give float32
    "int + float32": ints + tf.ones(3),
    "bfloat16 + float16": tf.ones(3, tf.bfloat16) + tf.ones(3, tf.float16),
    "float32 + float64": tf.ones(3) + tf.ones(3, tf.float64),
}
for name, value in now_promoted.items():
    print(f"{name}: {value.dtype.name}")
assert [t.dtype for t in now_promoted.values()] == [tf.float64, tf.float32, tf.float32, tf.float64]
# --8<-- [end:numpy_behavior]

results = {
    "default_float_code": np.array(code(tf.constant(1.0).dtype)),
    "half_plus_one": half_plus_one.numpy().astype(np.float64),
    "half_plus_one_code": np.array(code(half_plus_one.dtype)),
    "matmul_f32": matmul_f32.numpy(),
    "mixed_output": tf.cast(mixed_output, tf.float32).numpy(),
    "mixed_codes": np.array([code(mixed_output.dtype), code(w.dtype)]),
    "grad_underflow": np.array([unscaled_grad, scaled_grad]),
    "finfo_float16": np.array(finfo_float16),
    "finfo_bfloat16": np.array(finfo_bfloat16),
    "rounded_float16": rounded_float16.numpy(),
    "rounded_bfloat16": rounded_bfloat16.numpy(),
}
