"""Custom operations in TensorFlow: tf.numpy_function and tf.py_function, and what they cost."""

import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal(1000, dtype=np.float32))
y = tf.constant(rng.standard_normal(1000, dtype=np.float32))
logits_np = 3 * rng.standard_normal((16, 100), dtype=np.float32)
logits_np[0] *= 40  # values up to about 300: exp() of them overflows float32
logits = tf.constant(logits_np)
# --8<-- [end:setup]

# --8<-- [start:add_kernel]
# TensorFlow has no Python kernel language: a new kernel is C++ (see native_op below); from
# Python you compose built-in ops, each of which already runs a CPU or GPU kernel.
added = tf.add(x, y)
print("tf.add:", added.shape, added.dtype.name)
assert added.shape == (1000,) and np.array_equal(added, x.numpy() + y.numpy())
# --8<-- [end:add_kernel]

# --8<-- [start:softmax_kernel]
softmax = tf.nn.softmax(logits, axis=1)
naive = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keepdims=True)
print("naive formula, row 0 finite:", bool(tf.reduce_all(tf.math.is_finite(naive[0]))),
      "| tf.nn.softmax, row 0 finite:", bool(tf.reduce_all(tf.math.is_finite(softmax[0]))))
assert bool(tf.reduce_any(tf.math.is_nan(naive[0])))
assert bool(tf.reduce_all(tf.math.is_finite(softmax)))
# --8<-- [end:softmax_kernel]


# --8<-- [start:register_op]
host_calls = []


def numpy_softmax(z):  # plain NumPy: runs in the Python interpreter, holding the GIL
    host_calls.append(z.shape)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(z.dtype)


@tf.function
def graph_softmax(z):
    return tf.numpy_function(numpy_softmax, [z], tf.float32, stateful=False)


@tf.function
def graph_add(a, b):
    return tf.numpy_function(np.add, [a, b], tf.float32, stateful=False)


softmax_compiled = graph_softmax(logits)
graph_softmax(logits)
graph_def = graph_softmax.get_concrete_function(logits).graph.as_graph_def()
ops = [node.op for node in graph_def.node]
print("graph ops:", ops, "| host calls:", len(host_calls))
assert ops == ["Placeholder", "PyFuncStateless", "Identity"]  # one opaque node in the graph
assert len(host_calls) == 2  # the graph calls back into Python on every run
token = next(n for n in graph_def.node if n.op == "PyFuncStateless").attr["token"].s
assert token.startswith(b"pyfunc_")  # the graph stores a key into this process's registry
assert np.array_equal(graph_add(x, y), added)
assert np.allclose(softmax_compiled, softmax, rtol=1e-5, atol=1e-6)
# --8<-- [end:register_op]

# --8<-- [start:gradient]
leaf = tf.Variable(logits)
with tf.GradientTape() as tape:  # py_function hands the body eager tensors: TF ops are taped
    out = tf.py_function(lambda z: tf.nn.softmax(z, axis=1), [leaf], tf.float32)
    loss = tf.reduce_sum(out**2)
softmax_grad = tape.gradient(loss, leaf)

with tf.GradientTape() as tape:  # numpy_function's body is NumPy: no gradient flows
    tape.watch(logits)
    loss = tf.reduce_sum(tf.numpy_function(numpy_softmax, [logits], tf.float32) ** 2)
numpy_grad = tape.gradient(loss, logits)
print("gradient through py_function:", softmax_grad is not None,
      "| through numpy_function:", numpy_grad is not None)
assert softmax_grad is not None and numpy_grad is None

with tf.GradientTape() as tape:
    tape.watch(logits)
    loss = tf.reduce_sum(tf.nn.softmax(logits, axis=1) ** 2)
assert np.allclose(softmax_grad, tape.gradient(loss, logits), rtol=1e-5, atol=1e-6)
# --8<-- [end:gradient]

# --8<-- [start:limits]
xla_softmax = tf.function(graph_softmax.python_function, jit_compile=True)
try:
    xla_softmax(logits)
    raise AssertionError("expected XLA to refuse the Python callback")
except tf.errors.InvalidArgumentError as err:
    print("jit_compile=True:", type(err).__name__)
    assert "Detected unsupported operations" in str(err) and "PyFunc" in str(err)

module = tf.Module()
module.softmax = tf.function(  # same callback, now exported
    lambda z: tf.numpy_function(numpy_softmax, [z], tf.float32, stateful=False),
    input_signature=[tf.TensorSpec((16, 100), tf.float32)],
)
LOAD_AND_CALL = """
import sys
import numpy as np
import tensorflow as tf
try:
    tf.saved_model.load(sys.argv[1]).softmax(np.zeros((16, 100), np.float32))
except tf.errors.InvalidArgumentError as err:
    print("Could not find callback" in str(err))
"""
with tempfile.TemporaryDirectory() as export_dir:
    tf.saved_model.save(module, export_dir)  # saving raises no error ...
    fresh = subprocess.run(  # ... loading and calling in a new Python process fails
        [sys.executable, "-c", LOAD_AND_CALL, export_dir], capture_output=True, text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=True,
    )
print("fresh process cannot find the Python function:", fresh.stdout.strip())
assert fresh.stdout.strip() == "True"
# --8<-- [end:limits]

# --8<-- [start:native_op]
# A real TensorFlow kernel is C++ (CUDA for GPUs): REGISTER_OP plus an OpKernel, compiled
# against the headers that ship in the wheel, then loaded with tf.load_op_library("op.so").
header = os.path.join(tf.sysconfig.get_include(), "tensorflow", "core", "framework", "op.h")
assert os.path.isfile(header) and callable(tf.load_op_library)
assert any(flag.startswith("-I") for flag in tf.sysconfig.get_compile_flags())
# --8<-- [end:native_op]

assert added.shape == (1000,) and softmax.shape == softmax_grad.shape == (16, 100)
results = {
    "added": added.numpy(),
    "softmax": softmax.numpy(),
    "softmax_compiled": softmax_compiled.numpy(),
    "softmax_grad": softmax_grad.numpy(),
}
