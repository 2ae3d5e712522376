"""Coming from another framework, JAX side: the habits that differ from PyTorch and TensorFlow."""

import numpy as np
import jax
import jax.numpy as jnp
from flax import nnx

# --8<-- [start:setup]
a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 1.5]], dtype=np.float32)  # 2 examples, 3 features
x = jnp.asarray(a)
w = jnp.array([1.0, 0.5, -1.0])
image = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)  # NHWC: batch, height, width, chan
conv_w = (np.arange(54, dtype=np.float32).reshape(3, 3, 2, 3) % 5) - 2  # HWIO, small integers
# --8<-- [end:setup]

results = {}

# --8<-- [start:dtypes]
print(jnp.array([1.0]).dtype, jnp.array([1]).dtype, jnp.asarray(a.astype(np.float64)).dtype)
# jax.config.update("jax_enable_x64", True) at startup turns on 64-bit types
# --8<-- [end:dtypes]
assert jnp.array([1.0]).dtype == jnp.float32 and jnp.array([1]).dtype == jnp.int32
assert jnp.asarray(a.astype(np.float64)).dtype == jnp.float32  # float64 NumPy input demoted
assert not jax.config.jax_enable_x64
results["python_float_bits"] = 32

# --8<-- [start:promotion]
mixed = jnp.array([1, 2]) + jnp.array([1.5, 1.5])  # int32 + float32: promoted
print(mixed.dtype, mixed.tolist())
# --8<-- [end:promotion]
assert mixed.dtype == jnp.float32
results["promoted"] = mixed

# --8<-- [start:immutable]
try:
    x[0, 1] = 10.0  # arrays are immutable
except TypeError:
    print("item assignment raised TypeError")
updated = x.at[0, 1].set(10.0)  # a new array; under jax.jit XLA usually updates in place
print(updated[0].tolist())
# --8<-- [end:immutable]
try:
    x[0, 1] = 10.0
    raise AssertionError("expected a TypeError")
except TypeError:
    pass
results["updated"] = updated


# --8<-- [start:gradients]
def loss_fn(w):
    return jnp.sum((x @ w) ** 2)


grad = jax.grad(loss_fn)(w)  # differentiates with respect to the first argument
again = jax.grad(loss_fn)(w)  # a pure function: nothing accumulates
print("same both times:", bool(jnp.array_equal(grad, again)))
# --8<-- [end:gradients]
assert jnp.array_equal(grad, again)
results["grad"] = grad

# --8<-- [start:training_flag]
drop = nnx.Dropout(0.5, rngs=nnx.Rngs(0))  # Flax NNX modules start in training mode
called = drop(jnp.ones((100,)))
print("dropped anything:", bool(jnp.any(called == 0)))
drop.eval()  # model.eval() / model.train(), as in PyTorch
eval_output = drop(x)
# core JAX has no modules: dropout is a function you call with a key, or not
# --8<-- [end:training_flag]
assert jnp.any(called == 0) and jnp.array_equal(eval_output, x)
results["eval_output"] = eval_output

# --8<-- [start:batchnorm]
bn = nnx.BatchNorm(3, rngs=nnx.Rngs(0))  # momentum=0.99 (as Keras), epsilon=1e-5 (as PyTorch)
bn(x)  # training mode: updates the running statistics
print("running mean:", np.asarray(bn.mean[...]).round(4), "eps:", bn.epsilon)
# --8<-- [end:batchnorm]
assert bn.momentum == 0.99 and bn.epsilon == 1e-5
biased = jnp.var(x, axis=0)  # the running variance uses n
assert jnp.allclose(bn.var[...], 0.99 + 0.01 * biased)
results["running_mean"] = bn.mean[...]
results["running_var"] = bn.var[...]

# --8<-- [start:conv_layout]
conv = nnx.Conv(2, 3, kernel_size=(3, 3), padding="VALID", use_bias=False, rngs=nnx.Rngs(0))
conv.kernel[...] = conv_w  # kernel is HWIO: (3, 3, in=2, out=3); inputs are NHWC
out = conv(image)  # padding="SAME" unless told: the output would stay 4 x 4
print("weight", conv.kernel.shape, "output NHWC", out.shape)
# --8<-- [end:conv_layout]
same = nnx.Conv(2, 3, kernel_size=(3, 3), use_bias=False, rngs=nnx.Rngs(0))
assert same(image).shape == (1, 4, 4, 3) and out.shape == (1, 2, 2, 3)
results["conv"] = out


# --8<-- [start:dynamic_shapes]
@jax.jit
def masked_sum(v):
    # v[v > 0] would raise NonConcreteBooleanIndexError: shapes must be known when tracing
    return jnp.sum(jnp.where(v > 0, v, 0.0))  # keep the shape, zero out the rest


total = masked_sum(x)
print(float(total))
# --8<-- [end:dynamic_shapes]
try:
    jax.jit(lambda v: v[v > 0].sum())(x)
    raise AssertionError("expected an error")
except jax.errors.NonConcreteBooleanIndexError:
    pass
results["masked_sum"] = total

# --8<-- [start:out_of_bounds]
column = x[:, jnp.array([5])]  # column 5 of 3: no error, the index is clamped to 2
print(column.ravel().tolist())
dropped = x.at[0, jnp.array(5)].set(99.0)  # an out-of-bounds update is dropped
print("update dropped:", bool(jnp.array_equal(dropped, x)))
# --8<-- [end:out_of_bounds]
assert jnp.array_equal(column[:, 0], x[:, 2]) and jnp.array_equal(dropped, x)

# Evidence for the page's statements (not shown as tabs) -----------------------------------

# --8<-- [start:evidence]
assert not jax.config.jax_enable_x64  # 32-bit unless turned on
assert jnp.array([1.0]).dtype == jnp.float32 and jnp.array([1]).dtype == jnp.int32
assert jnp.asarray(a.astype(np.float64)).dtype == jnp.float32  # float64 NumPy input demoted
assert mixed.dtype == jnp.float32  # int32 + float32 promotes
try:
    x[0, 1] = 10.0  # arrays are immutable
    raise AssertionError("expected a TypeError")
except TypeError:
    pass
assert jnp.array_equal(grad, again)  # nothing accumulates
assert jnp.any(called == 0)  # a Flax NNX module starts in training mode
assert bn.momentum == 0.99 and bn.epsilon == 1e-5
assert jnp.allclose(bn.var[...], 0.99 + 0.01 * biased)  # running var uses n
assert same(image).shape == (1, 4, 4, 3)  # nnx.Conv pads "SAME" unless told
try:
    jax.jit(lambda v: v[v > 0].sum())(x)  # boolean indexing under jit
    raise AssertionError("expected an error")
except jax.errors.NonConcreteBooleanIndexError:
    pass
assert jnp.array_equal(column[:, 0], x[:, 2]) and jnp.array_equal(dropped, x)  # clamp, drop
# --8<-- [end:evidence]
