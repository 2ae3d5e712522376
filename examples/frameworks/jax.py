"""One training step in JAX's own idiom: parameters as a pytree, a pure jitted step, Optax."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

# --8<-- [start:train_step]
x = jnp.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]])
y = jnp.array([[1.0], [-0.5], [2.0], [0.0]])  # 4 examples, 3 features (float64: x64 is on)
w0 = jnp.array([[0.5], [-0.3], [0.8]])  # (in, out): kernel layout
b0 = jnp.array([0.1])
learning_rate = 0.1

params = {"w": w0, "b": b0}  # parameters are a plain pytree (here a dict of arrays)
optimizer = optax.sgd(learning_rate)
opt_state = optimizer.init(params)  # optimizer state is data too, not hidden in an object


def loss_fn(params, x, y):
    return jnp.mean((x @ params["w"] + params["b"] - y) ** 2)


@jax.jit  # a pure function: new state out, nothing changed in place
def train_step(params, opt_state, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss


new_params, opt_state, loss = train_step(params, opt_state, x, y)
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

assert new_params["w"].shape == (3, 1) and new_params["b"].shape == (1,)
assert params["w"] is w0  # the old parameters are untouched: nothing was updated in place
assert loss > 0 and not jnp.array_equal(new_params["w"], w0)
results = {"loss": loss, "new_w": new_params["w"], "new_b": new_params["b"]}
