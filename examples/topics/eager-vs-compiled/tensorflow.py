"""One training step of an MLP and of a Transformer block, eager and compiled, in TensorFlow:
the steps bench/eager_vs_compiled.py times. Eager, graph and XLA-compiled runs must agree."""

import itertools
import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
BATCH, FEATURES, HIDDEN, CLASSES = 128, 256, 512, 10  # the MLP
SEQUENCES, LENGTH, WIDTH, HEADS = 8, 64, 128, 4  # the Transformer block
LEARNING_RATE, STEPS = 1e-2, 3


def mlp_weights(seed=0):
    """The same float32 weights in every framework's file, kernels as (in, out): x @ kernel."""
    rng = np.random.default_rng(seed)
    sizes = [FEATURES, HIDDEN, HIDDEN, CLASSES]
    return [((rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32),
             np.zeros(n_out, np.float32)) for n_in, n_out in itertools.pairwise(sizes)]


data = np.random.default_rng(1)
features = data.normal(size=(BATCH, FEATURES)).astype(np.float32)
labels = data.integers(0, CLASSES, size=BATCH)
tokens = data.normal(size=(SEQUENCES, LENGTH, WIDTH)).astype(np.float32)
targets = data.normal(size=(SEQUENCES, LENGTH, WIDTH)).astype(np.float32)
# TensorFlow places tensors and operations on a GPU by itself when there is one.
x, y = tf.constant(features), tf.constant(labels)
tokens_in, tokens_out = tf.constant(tokens), tf.constant(targets)
# --8<-- [end:setup]


# --8<-- [start:mlp_step]
def make_mlp_step():
    params = [(tf.Variable(kernel), tf.Variable(bias)) for kernel, bias in mlp_weights()]
    variables = [v for pair in params for v in pair]

    def step(x, y):
        with tf.GradientTape() as tape:
            h = x
            for kernel, bias in params[:-1]:
                h = tf.nn.relu(h @ kernel + bias)
            logits = h @ params[-1][0] + params[-1][1]
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        for variable, grad in zip(variables, tape.gradient(loss, variables), strict=True):
            variable.assign_sub(LEARNING_RATE * grad)
        return loss

    return step


eager_mlp_step = make_mlp_step()
graph_mlp_step = tf.function(make_mlp_step())  # a TensorFlow graph, run by its executor
compiled_mlp_step = tf.function(make_mlp_step(), jit_compile=True)  # compiled by XLA
# --8<-- [end:mlp_step]


# --8<-- [start:block_step]
def make_block_step(seed=0):
    """A pre-norm encoder block: attention and a 4x MLP, each with a residual connection."""

    def dense(i, n_in, n_out):
        kernel = tf.random.stateless_normal((n_in, n_out), [seed, i]) / n_in**0.5
        return tf.Variable(kernel), tf.Variable(tf.zeros(n_out))

    p = {"query": dense(0, WIDTH, WIDTH), "key": dense(1, WIDTH, WIDTH),
         "value": dense(2, WIDTH, WIDTH), "out": dense(3, WIDTH, WIDTH),
         "mlp_in": dense(4, WIDTH, 4 * WIDTH), "mlp_out": dense(5, 4 * WIDTH, WIDTH),
         "norm1": (tf.Variable(tf.ones(WIDTH)), tf.Variable(tf.zeros(WIDTH))),
         "norm2": (tf.Variable(tf.ones(WIDTH)), tf.Variable(tf.zeros(WIDTH)))}
    variables = [v for pair in p.values() for v in pair]

    def norm(x, scale_bias):
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) / tf.sqrt(var + 1e-5) * scale_bias[0] + scale_bias[1]

    def dense(x, kernel_bias):
        return x @ kernel_bias[0] + kernel_bias[1]

    def heads(x):  # (batch, length, width) -> (batch, heads, length, head_dim)
        return tf.transpose(tf.reshape(x, [SEQUENCES, LENGTH, HEADS, -1]), [0, 2, 1, 3])

    def block(x):
        h = norm(x, p["norm1"])
        q, k, v = (heads(dense(h, p[name])) for name in ("query", "key", "value"))
        scores = tf.matmul(q, k, transpose_b=True) / (WIDTH // HEADS) ** 0.5
        attended = tf.transpose(tf.nn.softmax(scores) @ v, [0, 2, 1, 3])
        x = x + dense(tf.reshape(attended, [SEQUENCES, LENGTH, WIDTH]), p["out"])
        return x + dense(tf.nn.gelu(dense(norm(x, p["norm2"]), p["mlp_in"])), p["mlp_out"])

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((block(x) - y) ** 2)
        for variable, grad in zip(variables, tape.gradient(loss, variables), strict=True):
            variable.assign_sub(LEARNING_RATE * grad)
        return loss

    return step


eager_block_step = make_block_step()
graph_block_step = tf.function(make_block_step())
compiled_block_step = tf.function(make_block_step(), jit_compile=True)
# --8<-- [end:block_step]


# --8<-- [start:agree]
def run(step, x, y):
    return [float(step(x, y)) for _ in range(STEPS)]


mlp_eager, mlp_graph, mlp_compiled = (
    run(step, x, y) for step in (eager_mlp_step, graph_mlp_step, compiled_mlp_step))
block_eager, block_graph, block_compiled = (
    run(step, tokens_in, tokens_out)
    for step in (eager_block_step, graph_block_step, compiled_block_step))
mlp_agree = np.allclose(mlp_eager, mlp_compiled, rtol=1e-5)
block_agree = np.allclose(block_eager, block_compiled, rtol=1e-4)
graph_agree = np.allclose(mlp_eager, mlp_graph, rtol=1e-5) and np.allclose(
    block_eager, block_graph, rtol=1e-4)
print("MLP losses:", np.round(mlp_eager, 4), "compiled agrees:", mlp_agree)
print("block losses fall:", block_eager[-1] < block_eager[0], "compiled agrees:", block_agree)
print("graph without XLA agrees:", graph_agree)
traces = sum(step.experimental_get_tracing_count() for step in (
    graph_mlp_step, compiled_mlp_step, graph_block_step, compiled_block_step))
print("traces for the four tf.function steps:", traces)  # once each, then reused
assert mlp_agree and block_agree and graph_agree and block_eager[-1] < block_eager[0]
assert traces == 4
# --8<-- [end:agree]


def benchmarks():
    """What bench/eager_vs_compiled.py times: one step each, and a sync that waits for it."""
    def sync(loss):
        return loss.numpy()  # copies the loss to the host: waits for the step on any device

    return sync, {
        ("mlp", "eager"): lambda: eager_mlp_step(x, y),
        ("mlp", "graph"): lambda: graph_mlp_step(x, y),
        ("mlp", "compiled"): lambda: compiled_mlp_step(x, y),
        ("block", "eager"): lambda: eager_block_step(tokens_in, tokens_out),
        ("block", "graph"): lambda: graph_block_step(tokens_in, tokens_out),
        ("block", "compiled"): lambda: compiled_block_step(tokens_in, tokens_out),
    }


results = {"mlp_losses": np.array(mlp_eager), "mlp_compiled_agrees": mlp_agree,
           "block_compiled_agrees": block_agree}
