"""Compilation in JAX: jax.jit, tracer errors, retracing, static arguments, inspecting jaxprs."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402

# --8<-- [start:setup]
x = jnp.linspace(-2, 2, 8)


def f(x):
    return jnp.sin(x) ** 2 + 0.5 * jnp.tanh(x) * x
# --8<-- [end:setup]


# --8<-- [start:compile]
compiled_f = jax.jit(f)  # traced to a jaxpr, lowered to StableHLO, compiled by XLA
eager = f(x)  # op by op (each jnp call dispatches its own small compiled kernel)
compiled = compiled_f(x)  # first call: trace with abstract values, compile, run
assert jnp.allclose(compiled, eager, rtol=1e-12)
print("same as eager:", bool(jnp.allclose(compiled, eager)))
# --8<-- [end:compile]


# --8<-- [start:graph_breaks]
def normalised(x):
    y = f(x)
    if y.sum() > 1:  # under jit, y.sum() is a tracer with no value: Python cannot branch
        y = y / y.sum()
    return y


try:
    jax.jit(normalised)(x)
    raise AssertionError("expected a ConcretizationTypeError")
except jax.errors.ConcretizationTypeError as err:  # here the TracerBoolConversionError subclass
    assert isinstance(err, jax.errors.TracerBoolConversionError)


def normalised_branchless(x):  # jnp.where (or jax.lax.cond) keeps the choice in the graph
    y = f(x)
    return jnp.where(y.sum() > 1, y / y.sum(), y)


normalised_x = jax.jit(normalised_branchless)(x)
assert jnp.allclose(normalised_x, normalised(x), rtol=1e-12)  # plain Python runs eagerly
# --8<-- [end:graph_breaks]

# --8<-- [start:recompile]
traces = []


def f_with_side_effect(x):
    traces.append(x.shape[0])  # plain Python: runs while tracing, never in the compiled code
    return f(x)


counted_f = jax.jit(f_with_side_effect)
for n in (8, 8, 16, 32):
    counted_f(jnp.ones(n))
assert traces == [8, 16, 32]  # the cache key is shape and dtype: every new shape retraces


def apply_n_times(x, n):
    for _ in range(n):  # Python loop over n: n must be a concrete Python int
        x = f(x)
    return x


try:
    jax.jit(apply_n_times)(x, 3)  # n becomes a tracer, and range(tracer) fails
    raise AssertionError("expected a TracerIntegerConversionError")
except jax.errors.TracerIntegerConversionError:
    pass
apply_n_jit = jax.jit(apply_n_times, static_argnums=1)  # n is part of the cache key
assert jnp.allclose(apply_n_jit(x, 3), f(f(f(x))))  # each new value of n compiles again
# --8<-- [end:recompile]

# --8<-- [start:inspect]
print(jax.make_jaxpr(f)(x))  # the traced program: sin, integer_pow, tanh, mul, mul, add
stablehlo = compiled_f.lower(x).as_text()  # what is handed to XLA
optimised = compiled_f.lower(x).compile().as_text()  # XLA's HLO after fusion
assert "stablehlo.sine" in stablehlo and "fusion" in optimised
# --8<-- [end:inspect]

# --8<-- [start:static_hashable]
try:
    apply_n_jit(x, [3])  # a list is not hashable, so it cannot be a cache key
    raise AssertionError("expected a ValueError")
except ValueError as err:
    assert "Non-hashable static arguments" in str(err)
# --8<-- [end:static_hashable]

assert eager.shape == compiled.shape == normalised_x.shape == (8,)
results = {"eager": eager, "compiled": compiled, "normalised": normalised_x}
