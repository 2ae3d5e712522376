"""Debugging in JAX: shapes, printing under jit, NaN checks, turning jit off."""

import contextlib
import io

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
from jax.experimental import checkify  # noqa: E402
import numpy as np  # noqa: E402

# --8<-- [start:setup]
rng = np.random.default_rng(0)
x = jnp.asarray(rng.normal(size=(4, 3)))  # a batch of 4 examples with 3 features
w = jnp.asarray(rng.normal(size=(3, 2)))


def layer(w, x):
    return jnp.tanh(x @ w)
# --8<-- [end:setup]


# --8<-- [start:shapes]
out = layer(w, x)  # eager: a concrete array, inspect it freely
assert out.shape == (4, 2)
abstract = jax.eval_shape(layer, w, jax.ShapeDtypeStruct((1000, 3), jnp.float64))
assert abstract.shape == (1000, 2)  # shape and dtype only: nothing is computed
# --8<-- [end:shapes]

# --8<-- [start:print]
def traced_layer(w, x):
    h = layer(w, x)
    print("print sees a tracer:", h)  # runs once, while tracing
    jax.debug.print("debug.print sees values: {m:.3f}", m=h.mean())  # runs on every call
    return h


captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    compiled = jax.jit(traced_layer)
    compiled(w, x)
    compiled(w, x)
    jax.effects_barrier()  # wait for pending debug callbacks before reading the output
lines = captured.getvalue().splitlines()
assert sum("tracer" in line for line in lines) == 1
assert sum("values" in line for line in lines) == 2
# --8<-- [end:print]

# --8<-- [start:nans]
xs = jnp.array([0.0, 0.5, 2.0])


def log_or_zero(x):  # the output is fine, the gradient is not
    return jnp.where(x > 0, jnp.log(x), 0.0)


grad = jax.grad(lambda x: jnp.sum(log_or_zero(x)))(xs)
assert jnp.isnan(grad[0])  # where() passes a 0 gradient to log at x=0, and 0 * (1/0) is NaN

try:
    with jax.debug_nans(True):  # or jax.config.update("jax_debug_nans", True)
        jax.grad(lambda x: jnp.sum(log_or_zero(x)))(xs)
    raise AssertionError("expected a FloatingPointError")
except FloatingPointError as err:  # raised at the first primitive that produced a NaN
    assert "nan" in str(err)


def log_or_zero_safe(x):  # keep the unused branch's input harmless too
    return jnp.where(x > 0, jnp.log(jnp.where(x > 0, x, 1.0)), 0.0)


grad_safe = jax.grad(lambda x: jnp.sum(log_or_zero_safe(x)))(xs)
assert not jnp.any(jnp.isnan(grad_safe))
# --8<-- [end:nans]

# --8<-- [start:disable]
def flip_if_negative(x):
    return -x if jnp.sum(x) < 0 else x  # a Python `if` on a value: fails under jit


with jax.disable_jit():  # every jit inside runs op by op, with concrete values
    flipped = jax.jit(flip_if_negative)(-xs)  # works: a debugger or print sees numbers
assert jnp.array_equal(flipped, xs)
# --8<-- [end:disable]

# --8<-- [start:nan_modes]
def sqrt_or_zero(x):  # the where() trap with sqrt instead of log
    return jnp.where(x > 0, jnp.sqrt(x), 0.0)


assert jnp.isnan(jax.grad(lambda x: jnp.sum(sqrt_or_zero(x)))(xs)[0])
assert jax.config.jax_debug_infs is False  # off unless asked for
try:
    with jax.debug_infs(True), contextlib.redirect_stdout(io.StringIO()):  # it also prints
        jax.jit(jnp.log)(0.0)  # log(0) = -inf
    raise AssertionError("expected a FloatingPointError")
except FloatingPointError as err:
    assert "inf" in str(err)


def positive_log(x):
    checkify.check(jnp.all(x > 0), "log of a non-positive number")  # runs inside jit
    return jnp.log(x)


error, _ = checkify.checkify(jax.jit(positive_log))(xs)  # an error value next to the result
assert "non-positive" in error.get()
# --8<-- [end:nan_modes]

# --8<-- [start:debug_tools]
captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    jax.vmap(lambda v: jax.debug.print("v = {v}", v=v))(xs)  # once per example
    jax.effects_barrier()
assert captured.getvalue().count("v = ") == 3

seen = []
jax.jit(lambda v: jax.debug.callback(lambda a: seen.append(a.shape), v))(xs)
jax.effects_barrier()
assert seen == [(3,)]  # any Python function, called with concrete values
assert callable(jax.debug.breakpoint)
# --8<-- [end:debug_tools]

results = {
    "out_shape": np.array(out.shape), "out": out, "nan_mask": jnp.isnan(grad),
    "grad_safe": grad_safe,
}
