"""Automatic differentiation in JAX: first order, second order, per-example gradients."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402

# --8<-- [start:setup]
x = jnp.array([0.5, -1.0, 2.0])
w = jnp.array([1.5, 0.3, -0.7])


def loss(w, x):
    return jnp.sum(jnp.tanh(w * x) ** 2)
# --8<-- [end:setup]


# --8<-- [start:grad]
grad = jax.grad(loss)(w, x)  # differentiates with respect to the first argument
print("grad:", grad.round(4))
# --8<-- [end:grad]

# --8<-- [start:hessian]
hessian = jax.hessian(loss)(w, x)
print("diagonal:", hessian.diagonal().round(4))
# --8<-- [end:hessian]

# --8<-- [start:per_example]
xs = jnp.stack([x, 2 * x, -x, x / 3])  # a batch of 4 examples
per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0))(w, xs)
assert jnp.allclose(per_example[0], grad)  # row 0 is example x: its own gradient
print("per_example:", tuple(per_example.shape))
# --8<-- [end:per_example]

# --8<-- [start:func_transforms]
jacobian_of_grad = jax.jacfwd(jax.jacrev(loss))(w, x)  # forward over reverse
assert jnp.allclose(jacobian_of_grad, hessian)  # what jax.hessian computes
assert jnp.allclose(jax.grad(loss, argnums=1)(w, x), jax.grad(lambda x, w: loss(w, x))(x, w))
# --8<-- [end:func_transforms]

assert grad.shape == (3,) and hessian.shape == (3, 3) and per_example.shape == (4, 3)
results = {"grad": grad, "hessian": hessian, "per_example": per_example}
