"""Debugging in TensorFlow: shapes, printing in tf.function, NaN checks, running eagerly."""

import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(4, 3)))  # a batch of 4 examples with 3 features
w = tf.constant(rng.normal(size=(3, 2)))


def layer(w, x):
    return tf.tanh(x @ w)
# --8<-- [end:setup]


# --8<-- [start:shapes]
out = layer(w, x)  # eager: a concrete tensor, inspect it freely
assert out.shape == (4, 2)
concrete = tf.function(layer).get_concrete_function(w, tf.TensorSpec([None, 3], tf.float64))
assert concrete.structured_outputs.shape.as_list() == [None, 2]  # traced, not run
tf.debugging.assert_shapes([(x, ("N", 3)), (w, (3, "K")), (out, ("N", "K"))])
# --8<-- [end:shapes]

# --8<-- [start:print]
@tf.function
def printing_layer(w, x):
    h = layer(w, x)
    print("print sees a symbolic tensor:", h)  # runs once, while tracing
    # An op in the graph, so it runs on every call; it writes to stderr unless told otherwise.
    tf.print("tf.print sees values:", tf.reduce_mean(h), output_stream=sys.stdout)
    return h


printing_layer(w, x)
printing_layer(w, x)
assert printing_layer.experimental_get_tracing_count() == 1  # print ran once, tf.print twice
# --8<-- [end:print]

# --8<-- [start:nans]
xs = tf.constant([0.0, 0.5, 2.0], tf.float64)


def log_or_zero(x):  # the output is fine, the gradient is not
    return tf.where(x > 0, tf.math.log(x), tf.zeros_like(x))


with tf.GradientTape() as tape:
    tape.watch(xs)
    total = tf.reduce_sum(log_or_zero(xs))
grad = tape.gradient(total, xs)
assert np.isnan(grad[0])  # where() passes a 0 gradient to log at x=0, and 0 * (1/0) is NaN

tf.debugging.enable_check_numerics()  # every op checks its outputs for NaN and Inf
try:
    log_or_zero(xs)  # log(0) = -inf in the branch where() later discards
    raise AssertionError("expected an InvalidArgumentError")
except tf.errors.InvalidArgumentError as err:
    assert "Infinity or NaN" in str(err) and '"Log"' in str(err)
finally:
    tf.debugging.disable_check_numerics()

try:  # a single check you place yourself
    tf.debugging.check_numerics(grad, "gradient of log_or_zero")
    raise AssertionError("expected an InvalidArgumentError")
except tf.errors.InvalidArgumentError as err:
    assert "gradient of log_or_zero" in str(err)


def log_or_zero_safe(x):  # keep the unused branch's input harmless too
    return tf.where(x > 0, tf.math.log(tf.where(x > 0, x, 1.0)), tf.zeros_like(x))


with tf.GradientTape() as tape:
    tape.watch(xs)
    total = tf.reduce_sum(log_or_zero_safe(xs))
grad_safe = tape.gradient(total, xs)
assert not np.any(np.isnan(grad_safe))
# --8<-- [end:nans]

# --8<-- [start:disable]
@tf.function
def to_numpy_inside(x):
    return x.numpy().sum()  # .numpy() exists only on eager tensors


try:
    to_numpy_inside(xs)
    raise AssertionError("expected an AttributeError")
except AttributeError:  # while tracing, x is a symbolic tensor
    pass

tf.config.run_functions_eagerly(True)  # every tf.function body now runs as plain Python
try:
    assert to_numpy_inside(xs) == 2.5  # works: a debugger or print sees numbers
finally:
    tf.config.run_functions_eagerly(False)
# --8<-- [end:disable]

# --8<-- [start:nan_modes]
def sqrt_or_zero(x):  # the where() trap with sqrt instead of log
    return tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x))


with tf.GradientTape() as tape:
    tape.watch(xs)
    total = tf.reduce_sum(sqrt_or_zero(xs))
assert not np.any(np.isnan(tape.gradient(total, xs)))  # no NaN in TensorFlow 2.21
# --8<-- [end:nan_modes]

# --8<-- [start:print_stream]
with tempfile.TemporaryFile() as captured:  # catch what reaches file descriptor 2
    sys.stderr.flush()
    saved_fd = os.dup(2)
    os.dup2(captured.fileno(), 2)
    try:
        tf.print("to stderr")  # no output_stream given
        sys.stderr.flush()
    finally:
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
    captured.seek(0)
    assert b"to stderr" in captured.read()
assert callable(tf.debugging.experimental.enable_dump_debug_info)
# --8<-- [end:print_stream]

results = {
    "out_shape": np.array(out.shape), "out": out, "nan_mask": np.isnan(grad),
    "grad_safe": grad_safe,
}
