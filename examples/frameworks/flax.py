"""One training step in Flax NNX's own idiom: a stateful module, nnx.Optimizer, nnx.jit."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402
from flax import nnx  # noqa: E402

# --8<-- [start:train_step]
x = jnp.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]])
y = jnp.array([[1.0], [-0.5], [2.0], [0.0]])  # 4 examples, 3 features (float64: x64 is on)
w0 = jnp.array([[0.5], [-0.3], [0.8]])  # (in, out): nnx.Linear stores its kernel this way
b0 = jnp.array([0.1])
learning_rate = 0.1

model = nnx.Linear(3, 1, param_dtype=jnp.float64, rngs=nnx.Rngs(0))
model.kernel[...] = w0  # NNX modules hold their parameters as attributes, like PyTorch
model.bias[...] = b0  # `param[...]` reads or writes the array (`.value` is deprecated)
optimizer = nnx.Optimizer(model, optax.sgd(learning_rate), wrt=nnx.Param)


def loss_fn(model, x, y):
    return jnp.mean((model(x) - y) ** 2)


@nnx.jit  # like jax.jit, but carries the module's state in and out of the compiled function
def train_step(model, optimizer, x, y):
    loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
    optimizer.update(model, grads)  # looks in place; NNX writes the new state back
    return loss


loss = train_step(model, optimizer, x, y)
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

assert model.kernel[...].shape == (3, 1) and model.bias[...].shape == (1,)
assert loss > 0 and not jnp.array_equal(model.kernel[...], w0)
results = {"loss": loss, "new_w": model.kernel[...], "new_b": model.bias[...]}

# Evidence for statements on docs/frameworks/jax.md (Flax 0.12); these sections print nothing.

# --8<-- [start:nnx_api_changes]
import warnings  # noqa: E402

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.kernel.value  # noqa: B018
assert any(
    issubclass(w.category, DeprecationWarning) and ".value" in str(w.message) for w in caught
)
try:
    nnx.Optimizer(model, optax.sgd(learning_rate))  # without wrt=
    raise AssertionError("nnx.Optimizer accepted no wrt=")
except TypeError as error:
    assert "wrt" in str(error)
import flax.linen  # noqa: E402, F401  (the older Linen API still ships)
# --8<-- [end:nnx_api_changes]
