"""Compilation in TensorFlow: tf.function, XLA with jit_compile, retracing, inspecting graphs."""

import inspect
import logging

import tensorflow as tf

# --8<-- [start:setup]
x = tf.linspace(tf.constant(-2.0, tf.float64), 2.0, 8)


def f(x):
    return tf.sin(x) ** 2 + 0.5 * tf.tanh(x) * x
# --8<-- [end:setup]


# --8<-- [start:compile]
compiled_f = tf.function(f)  # traced into a TensorFlow graph, run by the graph executor
xla_f = tf.function(f, jit_compile=True)  # the same graph, compiled as a whole by XLA
eager = f(x)
compiled = compiled_f(x)  # first call: trace f with symbolic tensors, then run the graph
assert float(tf.reduce_max(tf.abs(compiled - eager))) < 1e-12
assert float(tf.reduce_max(tf.abs(xla_f(x) - eager))) < 1e-12  # XLA may fuse and reorder
print("same as eager:", bool(tf.reduce_all(tf.abs(compiled - eager) < 1e-12)))
# --8<-- [end:compile]


# --8<-- [start:graph_breaks]
def normalised(x):
    y = f(x)
    if tf.reduce_sum(y) > 1:  # AutoGraph rewrites an `if` on a tensor into tf.cond
        y = y / tf.reduce_sum(y)
    return y


normalised_f = tf.function(normalised)
normalised_x = normalised_f(x)  # the whole function is one graph; no fallback to Python
op_types = {op.type for op in normalised_f.get_concrete_function(x).graph.get_operations()}
assert "StatelessIf" in op_types  # the Python `if` became a graph conditional


def normalised_branchless(x):  # tf.where works too, with or without tf.function
    y = f(x)
    return tf.where(tf.reduce_sum(y) > 1, y / tf.reduce_sum(y), y)


assert float(tf.reduce_max(tf.abs(normalised_branchless(x) - normalised_x))) < 1e-12
# --8<-- [end:graph_breaks]

# --8<-- [start:recompile]
traces = []


def f_with_side_effect(x):
    traces.append(x.shape[0])  # plain Python: runs while tracing, never in the graph
    return f(x)


counted_f = tf.function(f_with_side_effect)
for n in (8, 8, 16, 32):
    counted_f(tf.ones(n, tf.float64))
assert traces == [8, 16, 32]  # every new shape is a new trace; a repeated one is reused
assert counted_f.experimental_get_tracing_count() == 3

relaxed_f = tf.function(f, reduce_retracing=True)  # after a retrace, generalise shapes
for n in (8, 8, 16, 32):
    relaxed_f(tf.ones(n, tf.float64))
assert relaxed_f.experimental_get_tracing_count() == 2  # 8, then (None,) for 16 and 32

any_length_f = tf.function(f, input_signature=[tf.TensorSpec([None], tf.float64)])
for n in (8, 16, 32):
    any_length_f(tf.ones(n, tf.float64))
assert any_length_f.experimental_get_tracing_count() == 1  # one trace for every length
# --8<-- [end:recompile]

# --8<-- [start:inspect]
concrete = compiled_f.get_concrete_function(x)  # the traced graph for this input signature
print(sorted({op.type for op in concrete.graph.get_operations()}))  # Sin, Tanh, Pow, ...
hlo = xla_f.experimental_get_compiler_ir(x)(stage="hlo")  # what XLA receives, as text
assert "sine" in hlo and "tanh" in hlo
# --8<-- [end:inspect]

# --8<-- [start:defaults]
assert tf.executing_eagerly()  # TensorFlow 2.21 runs op by op outside tf.function
parameters = inspect.signature(tf.function).parameters
assert parameters["autograph"].default is True  # AutoGraph is on unless switched off
assert parameters["reduce_retracing"].default is False  # in TensorFlow 2.21

retrace_warnings = []


class ListHandler(logging.Handler):
    def emit(self, record):
        retrace_warnings.append(record.getMessage())


tf.get_logger().addHandler(ListHandler())
doubled = tf.function(lambda v: 2 * v)
for n in range(1, 7):
    doubled(tf.ones(n))  # six shapes, six traces in a row
assert any("triggered tf.function retracing" in message for message in retrace_warnings)

optimised_hlo = xla_f.experimental_get_compiler_ir(x)(stage="optimized_hlo")
assert optimised_hlo.startswith("HloModule")

as_text = tf.function(tf.strings.as_string, jit_compile=True)  # no XLA kernel for AsString
try:
    as_text(x)
    raise AssertionError("expected an InvalidArgumentError")
except tf.errors.InvalidArgumentError as err:
    assert "unsupported operations" in str(err)
# --8<-- [end:defaults]

assert eager.shape == compiled.shape == normalised_x.shape == (8,)
results = {"eager": eager, "compiled": compiled, "normalised": normalised_x}
