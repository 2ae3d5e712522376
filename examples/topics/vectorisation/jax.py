"""Vectorisation in JAX: jax.vmap over a function written for one example, and broadcasting."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

# --8<-- [start:setup]
rng = np.random.default_rng(0)  # NumPy makes the inputs, so every tab uses the same numbers
xs = jnp.asarray(rng.normal(size=(5, 3)))  # 5 points in 3-D
ys = jnp.asarray(rng.normal(size=(4, 3)))  # 4 more points


def distance(a, b):  # written for ONE pair of points, shape (3,) each
    return jnp.sqrt(jnp.sum((a - b) ** 2))
# --8<-- [end:setup]


# --8<-- [start:vmap]
one_to_many = jax.vmap(distance, in_axes=(None, 0))  # a fixed, b mapped over its axis 0
assert one_to_many(xs[0], ys).shape == (4,)
all_pairs = jax.vmap(one_to_many, in_axes=(0, None))  # now also map a over xs
distances = all_pairs(xs, ys)
assert distances.shape == (5, 4)
assert jnp.allclose(distances[2, 1], distance(xs[2], ys[1]))
print("distances:", tuple(distances.shape))
# --8<-- [end:vmap]

# --8<-- [start:broadcasting]
differences = xs[:, None, :] - ys[None, :, :]  # (5, 1, 3) - (1, 4, 3) -> (5, 4, 3)
broadcast = jnp.sqrt(jnp.sum(differences ** 2, axis=-1))
assert jnp.allclose(broadcast, distances)
# --8<-- [end:broadcasting]

# --8<-- [start:model]
params = {
    "w1": jnp.asarray(rng.normal(size=(3, 8))), "b1": jnp.zeros(8),
    "w2": jnp.asarray(rng.normal(size=(8,))), "b2": jnp.asarray(0.5),
}


def predict(params, x):  # one example x of shape (3,) -> one scalar
    hidden = jnp.tanh(x @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


predictions = jax.vmap(predict, in_axes=(None, 0))(params, xs)  # None: params shared
assert predictions.shape == (5,)
print("predictions:", predictions.round(4))
# --8<-- [end:model]

# --8<-- [start:ensemble]
members = jax.tree.map(lambda p: jnp.stack([p, 2 * p, -p]), params)  # 3 models, stacked
ensemble = jax.vmap(  # outer: over models (axis 0 of every leaf); inner: over examples
    jax.vmap(predict, in_axes=(None, 0)), in_axes=(0, None)
)(members, xs)
assert ensemble.shape == (3, 5)
assert jnp.allclose(ensemble[0], predictions)
print("ensemble:", tuple(ensemble.shape))
# --8<-- [end:ensemble]

# --8<-- [start:control_flow]
def flip_if_negative(x):  # one example; a Python `if` on its value
    return -x if jnp.sum(x) < 0 else x


try:
    jax.vmap(flip_if_negative)(xs)  # each x is a tracer standing for the whole batch
    raise AssertionError("expected a TracerBoolConversionError")
except jax.errors.TracerBoolConversionError:
    pass
flipped = jax.vmap(lambda x: jnp.where(jnp.sum(x) < 0, -x, x))(xs)  # select per example
assert jnp.all(jnp.sum(flipped, axis=1) >= 0)
# --8<-- [end:control_flow]

# --8<-- [start:limits]
in_pieces = jax.lax.map(lambda b: distance(xs[0], b), ys, batch_size=2)  # vmap over pieces
assert jnp.allclose(in_pieces, one_to_many(xs[0], ys))
assert jax.vmap(lambda x: x.sum(), out_axes=0)(xs).shape == (5,)


def host_sine(x):  # a callback to NumPy: JAX cannot know how to batch it
    return jax.pure_callback(np.sin, jax.ShapeDtypeStruct(x.shape, x.dtype), x)


try:
    jax.vmap(host_sine)(xs)  # no batching rule chosen: an error, not a slow fallback
    raise AssertionError("expected a NotImplementedError")
except NotImplementedError as err:
    assert "vmap_method" in str(err)
# --8<-- [end:limits]

results = {
    "distances": distances, "predictions": predictions, "ensemble": ensemble, "flipped": flipped
}
