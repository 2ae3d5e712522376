"""Custom kernels in JAX: Pallas kernels, jax.pure_callback under jit and vmap, jax.ffi."""

import functools
import os
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import pallas as pl

# --8<-- [start:setup]
INTERPRET = jax.default_backend() == "cpu"  # Pallas compiles for TPUs and GPUs only

rng = np.random.default_rng(0)
x = jnp.asarray(rng.standard_normal(1000, dtype=np.float32))
y = jnp.asarray(rng.standard_normal(1000, dtype=np.float32))
logits_np = 3 * rng.standard_normal((16, 100), dtype=np.float32)
logits_np[0] *= 40  # values up to about 300: exp() of them overflows float32
logits = jnp.asarray(logits_np)
# --8<-- [end:setup]


# --8<-- [start:add_kernel]
def add_kernel(x_ref, y_ref, o_ref):  # refs to one block of each array
    o_ref[...] = x_ref[...] + y_ref[...]


@functools.partial(jax.jit, static_argnames=("block", "interpret"))
def pallas_add(x, y, block=256, interpret=INTERPRET):
    spec = pl.BlockSpec((block,), lambda i: (i,))  # program i gets elements [256 i, 256 (i+1))
    return pl.pallas_call(
        add_kernel,
        out_shape=jax.ShapeDtypeStruct(x.shape, x.dtype),
        grid=(pl.cdiv(x.shape[0], block),),  # 4 programs; the last block is 232 in bounds
        in_specs=[spec, spec],
        out_specs=spec,  # out-of-bounds writes of the last block are dropped
        interpret=interpret,
    )(x, y)


added = pallas_add(x, y)
print("programs:", pl.cdiv(1000, 256), "| equal to x + y:", bool(jnp.array_equal(added, x + y)))
assert jnp.array_equal(added, x + y)
# --8<-- [end:add_kernel]


# --8<-- [start:softmax_kernel]
def softmax_kernel(x_ref, o_ref, *, n_cols, masked=True):
    x = x_ref[...]  # a block of 8 rows x 128 columns; columns 100-127 are padding
    if masked:  # padding holds unspecified values: replace them before max and sum
        cols = jax.lax.broadcasted_iota(jnp.int32, x.shape, 1)
        x = jnp.where(cols < n_cols, x, -jnp.inf)
    x = x - jnp.max(x, axis=1, keepdims=True)  # subtract the row max: exp() never overflows
    numerator = jnp.exp(x)
    o_ref[...] = numerator / jnp.sum(numerator, axis=1, keepdims=True)


@functools.partial(jax.jit, static_argnames=("masked", "interpret"))
def pallas_softmax(x, masked=True, rows=8, interpret=INTERPRET):
    block = (rows, pl.next_power_of_2(x.shape[1]))  # (8, 128): a TPU- and GPU-friendly tile
    spec = pl.BlockSpec(block, lambda i: (i, 0))
    return pl.pallas_call(
        functools.partial(softmax_kernel, n_cols=x.shape[1], masked=masked),
        out_shape=jax.ShapeDtypeStruct(x.shape, x.dtype),
        grid=(pl.cdiv(x.shape[0], rows),),
        in_specs=[spec],
        out_specs=spec,
        interpret=interpret,
    )(x)


softmax = pallas_softmax(logits)
naive = jnp.exp(logits) / jnp.exp(logits).sum(axis=1, keepdims=True)  # no max subtracted
print("block:", pl.next_power_of_2(100), "| matches jax.nn.softmax:",
      bool(jnp.allclose(softmax, jax.nn.softmax(logits), rtol=1e-5, atol=1e-6)))
print("naive formula, row 0 finite:", bool(jnp.isfinite(naive[0]).all()),
      "| kernel, row 0 finite:", bool(jnp.isfinite(softmax[0]).all()))
assert jnp.allclose(softmax, jax.nn.softmax(logits), rtol=1e-5, atol=1e-6)
assert jnp.isnan(naive[0]).any() and jnp.isfinite(softmax).all()
if INTERPRET:  # interpret mode pads with NaN: without the mask every row comes out NaN
    assert jnp.isnan(pallas_softmax(logits, masked=False)).all()
# --8<-- [end:softmax_kernel]


# --8<-- [start:compiled_targets]
def lower_for(platform, device_kind, kernel, *args):  # compile ahead of time for another chip
    device = jax.sharding.AbstractDevice(device_kind=device_kind, num_cores=1, platform=platform)
    with jax.sharding.use_abstract_mesh(jax.sharding.AbstractMesh((1,), ("x",),
                                                                  abstract_device=device)):
        return kernel.trace(*args, interpret=False).lower(lowering_platforms=(platform,))


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    lowered = {
        (chip, kernel.__name__): lower_for(platform, chip, kernel, *args).as_text()
        for platform, chip in (("tpu", "TPU v5 lite"), ("cuda", "NVIDIA A100"))
        for kernel, args in ((pallas_add, (x, y)), (pallas_softmax, (logits,)))
    }
tpu_ok = all("@tpu_custom_call" in text for (chip, _), text in lowered.items() if "TPU" in chip)
gpu_ok = all("@__gpu$xla.gpu.triton" in text for (chip, _), text in lowered.items()
             if "NVIDIA" in chip)
print("TPU v5e: Mosaic kernels", tpu_ok, "| A100: Triton kernels", gpu_ok)
assert tpu_ok and gpu_ok  # both kernels lower for both chips; neither was run here
deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
assert any("Pallas Triton backend is deprecated" in m for m in deprecations)  # in JAX 0.12

try:  # lowering for a CPU fails on every machine: Pallas has no CPU code generator
    pallas_add.trace(x, y, interpret=False).lower(lowering_platforms=("cpu",))
    raise AssertionError("expected Pallas to refuse the CPU")
except ValueError as err:
    assert "Only interpret mode is supported on CPU" in str(err)
# --8<-- [end:compiled_targets]


# --8<-- [start:register_op]
host_calls = []


def numpy_softmax(z):  # plain NumPy: runs in the Python interpreter, on the host
    host_calls.append(z.shape)
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(z.dtype)


def callback_softmax(z, vmap_method="broadcast_all"):
    shape = jax.ShapeDtypeStruct(z.shape, z.dtype)  # the compiler needs the result's shape
    return jax.pure_callback(numpy_softmax, shape, z, vmap_method=vmap_method)


softmax_compiled = jax.jit(callback_softmax)(logits)
jaxpr = jax.make_jaxpr(callback_softmax)(logits)
assert [eqn.primitive.name for eqn in jaxpr.eqns] == ["pure_callback"]
assert host_calls == [(16, 100)]  # once, with the whole array

batch = logits.reshape(4, 4, 100)
host_calls.clear()
jax.jit(jax.vmap(callback_softmax))(batch)  # broadcast_all: one call, batch axis included
calls_broadcast = list(host_calls)
host_calls.clear()
jax.jit(jax.vmap(functools.partial(callback_softmax, vmap_method="sequential")))(batch)
print("vmap over 4: broadcast_all", calls_broadcast, "| sequential", host_calls)
assert calls_broadcast == [(4, 4, 100)] and host_calls == [(4, 100)] * 4

try:
    jax.vmap(functools.partial(callback_softmax, vmap_method=None))(batch)
    raise AssertionError("expected vmap to refuse a callback without vmap_method")
except NotImplementedError as err:
    assert "vmap_method" in str(err)
try:
    jax.grad(lambda z: (callback_softmax(z) ** 2).sum())(logits)
    raise AssertionError("expected grad to refuse the callback")
except ValueError as err:
    print("grad:", str(err).split(".")[0])
    assert "Pure callbacks do not support JVP" in str(err)
assert jnp.allclose(softmax_compiled, jax.nn.softmax(logits), rtol=1e-5, atol=1e-6)
# --8<-- [end:register_op]


# --8<-- [start:gradient]
@jax.custom_vjp
def host_softmax(z):
    return callback_softmax(z)


def host_softmax_fwd(z):
    out = callback_softmax(z)
    return out, out  # the output is all the backward pass needs


def host_softmax_bwd(out, grad):  # d softmax: y * (g - sum(g * y)), in jax.numpy
    return (out * (grad - (grad * out).sum(axis=1, keepdims=True)),)


host_softmax.defvjp(host_softmax_fwd, host_softmax_bwd)
softmax_grad = jax.jit(jax.grad(lambda z: (host_softmax(z) ** 2).sum()))(logits)
reference = jax.grad(lambda z: (jax.nn.softmax(z) ** 2).sum())(logits)
print("gradient matches jax.nn.softmax's:",
      bool(jnp.allclose(softmax_grad, reference, rtol=1e-5, atol=1e-6)))
assert jnp.allclose(softmax_grad, reference, rtol=1e-5, atol=1e-6)
# --8<-- [end:gradient]

# --8<-- [start:native_op]
# jax.ffi: a C++ or CUDA handler built against XLA's FFI headers, which ship in jaxlib,
# registered with jax.ffi.register_ffi_target and called with jax.ffi.ffi_call.
header = os.path.join(jax.ffi.include_dir(), "xla", "ffi", "api", "ffi.h")
assert os.path.isfile(header)
assert callable(jax.ffi.register_ffi_target) and callable(jax.ffi.ffi_call)
# --8<-- [end:native_op]

assert added.shape == (1000,) and softmax.shape == softmax_grad.shape == (16, 100)
results = {
    "added": added,
    "softmax": softmax,
    "softmax_compiled": softmax_compiled,
    "softmax_grad": softmax_grad,
}
