"""Vectorisation in TensorFlow: tf.vectorized_map over a function written for one example."""

import inspect
import logging

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
rng = np.random.default_rng(0)  # NumPy makes the inputs, so every tab uses the same numbers
xs = tf.constant(rng.normal(size=(5, 3)))  # 5 points in 3-D (float64, from NumPy)
ys = tf.constant(rng.normal(size=(4, 3)))  # 4 more points


def distance(a, b):  # written for ONE pair of points, shape (3,) each
    return tf.sqrt(tf.reduce_sum((a - b) ** 2))
# --8<-- [end:setup]


# --8<-- [start:vmap]
# tf.vectorized_map maps over axis 0 of its elems; unmapped arguments come from the closure.
def one_to_many(a, ys):
    return tf.vectorized_map(lambda b: distance(a, b), ys)


assert one_to_many(xs[0], ys).shape == (4,)
distances = tf.vectorized_map(lambda a: one_to_many(a, ys), xs)  # now also map over xs
assert distances.shape == (5, 4)
assert abs(float(distances[2, 1] - distance(xs[2], ys[1]))) < 1e-12
print("distances:", tuple(distances.shape))
# --8<-- [end:vmap]

# --8<-- [start:broadcasting]
differences = xs[:, None, :] - ys[None, :, :]  # (5, 1, 3) - (1, 4, 3) -> (5, 4, 3)
broadcast = tf.sqrt(tf.reduce_sum(differences ** 2, axis=-1))
assert float(tf.reduce_max(tf.abs(broadcast - distances))) < 1e-12
# --8<-- [end:broadcasting]

# --8<-- [start:model]
params = {
    "w1": tf.constant(rng.normal(size=(3, 8))), "b1": tf.zeros(8, tf.float64),
    "w2": tf.constant(rng.normal(size=(8,))), "b2": tf.constant(0.5, tf.float64),
}


def predict(params, x):  # one example x of shape (3,) -> one scalar
    # tf.matmul (and @) needs rank >= 2, so a vector times a matrix is written with matvec
    hidden = tf.tanh(tf.linalg.matvec(params["w1"], x, transpose_a=True) + params["b1"])
    return tf.tensordot(hidden, params["w2"], 1) + params["b2"]


predictions = tf.vectorized_map(lambda x: predict(params, x), xs)  # params from the closure
assert predictions.shape == (5,)
print("predictions:", predictions.numpy().round(4))
# --8<-- [end:model]

# --8<-- [start:ensemble]
members = {name: tf.stack([p, 2 * p, -p]) for name, p in params.items()}  # 3 models
ensemble = tf.vectorized_map(  # elems may be a nested structure: mapped over axis 0 of each
    lambda member: tf.vectorized_map(lambda x: predict(member, x), xs), members
)
assert ensemble.shape == (3, 5)
assert float(tf.reduce_max(tf.abs(ensemble[0] - predictions))) < 1e-12
print("ensemble:", tuple(ensemble.shape))
# --8<-- [end:ensemble]

# --8<-- [start:control_flow]
def flip_if_negative(x):  # one example; a Python `if` on its value
    return -x if tf.reduce_sum(x) < 0 else x


try:
    tf.vectorized_map(flip_if_negative, xs)  # traced into a graph, without AutoGraph
    raise AssertionError("expected an OperatorNotAllowedInGraphError")
except tf.errors.OperatorNotAllowedInGraphError:
    pass
flipped = tf.vectorized_map(lambda x: tf.where(tf.reduce_sum(x) < 0, -x, x), xs)
assert bool(tf.reduce_all(tf.reduce_sum(flipped, axis=1) >= 0))
# --8<-- [end:control_flow]

# --8<-- [start:limits]
assert "experimental feature" in tf.vectorized_map.__doc__  # its own docstring, TF 2.21
assert inspect.signature(tf.vectorized_map).parameters["fallback_to_while_loop"].default

traces = []


def traced_distance(b):
    traces.append(1)  # Python: runs once per trace
    return distance(xs[0], b)


tf.vectorized_map(traced_distance, ys)
tf.vectorized_map(traced_distance, ys)
assert len(traces) == 2  # called eagerly, each call traces again

logged = []


class ListHandler(logging.Handler):
    def emit(self, record):
        logged.append(record.getMessage())


tf.get_logger().addHandler(ListHandler())
tf.vectorized_map(lambda x: tf.strings.length(tf.strings.as_string(x)), xs)  # no pfor rule
assert any("Using a while_loop for converting AsString" in m for m in logged)
# --8<-- [end:limits]

results = {
    "distances": distances, "predictions": predictions, "ensemble": ensemble, "flipped": flipped
}
