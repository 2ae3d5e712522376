"""Automatic differentiation in TensorFlow: first order, second order, per-example gradients."""

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
x = tf.constant([0.5, -1.0, 2.0], dtype=tf.float64)
w = tf.constant([1.5, 0.3, -0.7], dtype=tf.float64)


def loss(w, x):
    return tf.reduce_sum(tf.tanh(w * x) ** 2)
# --8<-- [end:setup]


# --8<-- [start:grad]
with tf.GradientTape() as tape:
    tape.watch(w)  # constants are not watched automatically; tf.Variable is
    value = loss(w, x)
grad = tape.gradient(value, w)
print("grad:", grad.numpy().round(4))
# --8<-- [end:grad]

# --8<-- [start:hessian]
with tf.GradientTape() as outer:
    outer.watch(w)
    with tf.GradientTape() as inner:
        inner.watch(w)
        value = loss(w, x)
    g = inner.gradient(value, w)
hessian = outer.jacobian(g, w)  # nested tapes: differentiate the gradient again
print("diagonal:", tf.linalg.diag_part(hessian).numpy().round(4))
# --8<-- [end:hessian]

# --8<-- [start:per_example]
xs = tf.stack([x, 2 * x, -x, x / 3])  # a batch of 4 examples
with tf.GradientTape() as tape:
    tape.watch(w)
    losses = tf.reduce_sum(tf.tanh(w * xs) ** 2, axis=1)  # one loss per example
per_example = tape.jacobian(losses, w)  # d(loss_i)/dw for every example i
assert np.allclose(per_example[0], grad)  # row 0 is example x: its own gradient
print("per_example:", tuple(per_example.shape))
# --8<-- [end:per_example]

# --8<-- [start:watch]
w_variable = tf.Variable(w)
with tf.GradientTape() as tape:  # no tape.watch call
    value = loss(w, x) + loss(w_variable, x)
from_constant, from_variable = tape.gradient(value, [w, w_variable])
assert from_constant is None  # a constant is not recorded unless watched
assert from_variable is not None  # a tf.Variable is watched automatically
# --8<-- [end:watch]

assert grad.shape == (3,) and hessian.shape == (3, 3) and per_example.shape == (4, 3)
results = {"grad": grad, "hessian": hessian, "per_example": per_example}
