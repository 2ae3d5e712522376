"""Numerics in JAX: default dtypes, weak types, 64-bit mode, matmul precision, bfloat16."""

import warnings

import jax
import jax.numpy as jnp
import numpy as np

# --8<-- [start:setup]
# Dtype names as small integers, so that results can be compared across frameworks.
CODES = {"float16": 1, "bfloat16": 2, "float32": 3, "float64": 4, "int32": 5, "int64": 6}


def code(dtype):
    return CODES[jnp.dtype(dtype).name]


x16 = jnp.array([1.0, 2048.0, 0.5], dtype=jnp.float16)
ints = jnp.array([1, 2, 3])
# --8<-- [end:setup]

# --8<-- [start:defaults]
print("float literal:", jnp.array(1.0).dtype, "| int literal:", jnp.array(1).dtype)
print("from NumPy float64:", jnp.asarray(np.ones(2)).dtype)
assert jax.config.jax_enable_x64 is False  # 64-bit types are off unless enabled
assert jnp.array(1.0).dtype == jnp.float32
assert jnp.array(1).dtype == jnp.int32  # 32-bit integers, as in TensorFlow
assert jnp.asarray(np.ones(2)).dtype == jnp.float32  # NumPy's float64 is narrowed
# --8<-- [end:defaults]

# --8<-- [start:promotion]
half_plus_one = x16 + 1.0  # a Python scalar is "weakly typed": it takes the array's dtype
print("float16 + 1.0:", half_plus_one.dtype, half_plus_one.tolist())
assert half_plus_one.dtype == jnp.float16
assert half_plus_one.tolist() == [2.0, 2048.0, 1.5]  # 2049 is not a float16: rounds to 2048

promoted = {
    "int + 1.0": ints + 1.0,
    "int + float32": ints + jnp.ones(3),
    "bfloat16 + float16": jnp.ones(3, jnp.bfloat16) + jnp.ones(3, jnp.float16),
    "int / int": ints / 2,
}
for name, value in promoted.items():
    print(f"{name}: {value.dtype}")
assert all(value.dtype == jnp.float32 for value in promoted.values())
assert jnp.promote_types(jnp.int32, jnp.float16) == jnp.float16  # the JAX lattice, not NumPy's
# --8<-- [end:promotion]

# --8<-- [start:x64]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    narrowed = jnp.array([1.0], dtype=jnp.float64)  # asked for float64, got float32
print("float64 requested, x64 off:", narrowed.dtype)
assert narrowed.dtype == jnp.float32 and "truncated to dtype float32" in str(caught[0].message)

with jax.enable_x64(True):  # a context manager; or jax.config.update("jax_enable_x64", True)
    wide = [jnp.array(1.0), jnp.array(1), jnp.ones(3, jnp.float32) + jnp.ones(3, jnp.float64)]
    weak = jnp.ones(3, jnp.float32) + 1.0
print("with x64:", [str(t.dtype) for t in wide], "| float32 + 1.0:", weak.dtype)
assert [t.dtype for t in wide] == [jnp.float64, jnp.int64, jnp.float64]
assert weak.dtype == jnp.float32  # weak typing still keeps float32 + 1.0 in float32
# --8<-- [end:x64]

# --8<-- [start:matmul_precision]
assert jax.config.jax_default_matmul_precision is None  # backend default (TF32/bf16 on GPU/TPU)
a = jnp.full((1, 4), 1 + 2.0**-12)  # 13 significant bits: exact in float32, not in TF32
matmul_f32 = a @ jnp.ones((4, 1))
value = float(matmul_f32[0, 0])
print("float32 matmul on CPU:", value, "== 4 + 2**-10:", value == 4 + 2**-10)
assert value == 4 + 2**-10  # full float32 on CPU
with jax.default_matmul_precision("float32"):  # ask for full float32 on every backend
    assert float((a @ jnp.ones((4, 1)))[0, 0]) == value
assert float(jnp.dot(a, jnp.ones((4, 1)), precision="highest")[0, 0]) == value  # per op
# --8<-- [end:matmul_precision]

# --8<-- [start:mixed]
x = jnp.arange(6, dtype=jnp.float32).reshape(2, 3) / 4
params = {"w": jnp.arange(-3, 3, dtype=jnp.float32).reshape(3, 2) / 8}  # float32 master copy


def forward(params, x):
    p = jax.tree.map(lambda v: v.astype(jnp.bfloat16), params)  # compute copies
    return x.astype(jnp.bfloat16) @ p["w"]


def loss_fn(params, x):
    p = jax.tree.map(lambda v: v.astype(jnp.bfloat16), params)
    y = jnp.dot(x.astype(jnp.bfloat16), p["w"], preferred_element_type=jnp.float32)
    return jnp.mean(jnp.square(y))  # bfloat16 inputs, float32 accumulation and reduction


mixed_output = forward(params, x)
loss, grads = jax.value_and_grad(loss_fn)(params, x)
print("output:", mixed_output.dtype, "| weight:", params["w"].dtype, "| loss:", loss.dtype,
      "| grad:", grads["w"].dtype)
assert mixed_output.dtype == jnp.bfloat16 and loss.dtype == jnp.float32
assert grads["w"].dtype == jnp.float32  # the gradient of a cast is cast back
assert jnp.sum(mixed_output).dtype == jnp.bfloat16  # a reduction keeps its input dtype ...
assert jnp.sum(mixed_output, dtype=jnp.float32).dtype == jnp.float32  # ... unless told
# --8<-- [end:mixed]

# --8<-- [start:loss_scaling]
w_small = jnp.zeros((4, 1))
x_small = jnp.full((1, 4), 2.0**-10, dtype=jnp.float16)


def small_loss(w, scale):
    y = x_small @ w.astype(jnp.float16)  # float16 forward and backward
    return jnp.sum(y.astype(jnp.float32)) * 2.0**-16 * scale  # tiny gradients, then scaled


def small_gradient(scale):
    return jax.grad(small_loss)(w_small, scale) / scale  # unscale in float32


unscaled_grad = float(small_gradient(1.0)[0, 0])  # 2**-26 underflows float16
scaled_grad = float(small_gradient(2.0**16)[0, 0])
print("gradient without scaling:", unscaled_grad, "| with:", scaled_grad == 2**-26)
assert unscaled_grad == 0.0 and scaled_grad == 2**-26
# --8<-- [end:loss_scaling]

# --8<-- [start:ranges]
for dtype in (jnp.float16, jnp.bfloat16):
    info = jnp.finfo(dtype)
    print(f"{jnp.dtype(dtype).name}: max {float(info.max):.4g}, eps {float(info.eps)}, "
          f"smallest normal {float(info.tiny):.4g}")
finfo_float16 = [float(v) for v in (jnp.finfo(jnp.float16).max, jnp.finfo(jnp.float16).eps,
                                    jnp.finfo(jnp.float16).tiny)]
finfo_bfloat16 = [float(v) for v in (jnp.finfo(jnp.bfloat16).max, jnp.finfo(jnp.bfloat16).eps,
                                     jnp.finfo(jnp.bfloat16).tiny)]
assert finfo_float16 == [65504.0, 2.0**-10, 2.0**-14]
assert finfo_bfloat16 == [(2 - 2.0**-7) * 2.0**127, 2.0**-7, 2.0**-126]  # float32's range

values = jnp.array([70000.0, 257.0, 2.0**-26])
rounded_float16 = values.astype(jnp.float16).astype(jnp.float32)
rounded_bfloat16 = values.astype(jnp.bfloat16).astype(jnp.float32)
print("float16: ", rounded_float16.tolist())
print("bfloat16:", rounded_bfloat16.tolist())
assert rounded_float16.tolist() == [float("inf"), 257.0, 0.0]
assert rounded_bfloat16.tolist() == [70144.0, 256.0, 2.0**-26]
# --8<-- [end:ranges]

results = {
    "default_float_code": np.array(code(jnp.array(1.0).dtype)),
    "half_plus_one": np.asarray(half_plus_one, dtype=np.float64),
    "half_plus_one_code": np.array(code(half_plus_one.dtype)),
    "int_float_codes": np.array([code(v.dtype) for v in list(promoted.values())[:3]]),
    "matmul_f32": np.asarray(matmul_f32),
    "mixed_output": np.asarray(mixed_output, dtype=np.float32),
    "mixed_codes": np.array([code(mixed_output.dtype), code(params["w"].dtype)]),
    "grad_underflow": np.array([unscaled_grad, scaled_grad]),
    "finfo_float16": np.array(finfo_float16),
    "finfo_bfloat16": np.array(finfo_bfloat16),
    "rounded_float16": np.asarray(rounded_float16),
    "rounded_bfloat16": np.asarray(rounded_bfloat16),
}
