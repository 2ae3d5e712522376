"""Timing, profiling and memory in TensorFlow: sync_devices, tf.profiler, recompute_grad."""

import inspect
import pathlib
import statistics
import tempfile
import time

import numpy as np
import tensorflow as tf
from tensorflow.compiler.xla.service import hlo_pb2

# Full float32 matmuls on GPUs too (TF32 is on there otherwise), to match the other tabs.
tf.config.experimental.enable_tensor_float_32_execution(False)

# --8<-- [start:setup]
rng = np.random.default_rng(0)
N = 1024  # a matmul big enough to time: 2 GFLOP
a_np = rng.integers(-3, 4, size=(N, N)).astype(np.float32)  # small integers: exact sums
B, D, H, L = 256, 128, 512, 4  # batch, width, hidden width, number of MLP blocks
x_np = rng.standard_normal((B, D), dtype=np.float32)
w1_np = (rng.standard_normal((L, D, H), dtype=np.float32) / np.sqrt(D)).astype(np.float32)
w2_np = (rng.standard_normal((L, H, D), dtype=np.float32) / np.sqrt(H)).astype(np.float32)

a = tf.constant(a_np)  # on the GPU if there is one
# --8<-- [end:setup]

# --8<-- [start:sync]
product = a @ a  # on a GPU the kernel may still be running when this returns
tf.test.experimental.sync_devices()  # waits for every device's pending work
print("first row starts:", product[0, :4].numpy().tolist())  # .numpy() copies, so it waits
assert tf.config.experimental.get_synchronous_execution()  # ops dispatch one at a time
# --8<-- [end:sync]


# --8<-- [start:benchmark]
def benchmark(fn, *args, warmup=1, repeats=10):
    """Time fn(*args): the first `warmup` calls apart, then the median of `repeats` calls."""
    first = []
    for _ in range(warmup):  # tracing, XLA compilation, autotuning happen here
        start = time.perf_counter()
        fn(*args)
        tf.test.experimental.sync_devices()  # wait for the result, not just for the launch
        first.append(time.perf_counter() - start)
    steady = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(*args)
        tf.test.experimental.sync_devices()
        steady.append(time.perf_counter() - start)
    return {"first": first, "median": statistics.median(steady), "repeats": len(steady),
            "out": out}


eager = benchmark(tf.matmul, a, a)
print("warm-up calls:", len(eager["first"]), "| steady-state repeats:", eager["repeats"])
assert eager["repeats"] == 10 and eager["out"].shape == (N, N)
# --8<-- [end:benchmark]

# --8<-- [start:compile_time]
traces = []


@tf.function(jit_compile=True)  # traced into a graph, compiled by XLA
def matmul(a):
    traces.append(a.shape)  # plain Python: runs while tracing, never in the graph
    return a @ a


compiled = benchmark(matmul, a, warmup=2, repeats=10)  # call 1 traces and compiles
print("calls:", 2 + compiled["repeats"], "| traced:", len(traces),
      "| tracing count:", matmul.experimental_get_tracing_count())
assert len(traces) == 1 and matmul.experimental_get_tracing_count() == 1
matmul.get_concrete_function(a)  # traces ahead of time, without running the function
assert np.array_equal(compiled["out"].numpy(), eager["out"].numpy())
# --8<-- [end:compile_time]

# --8<-- [start:profile]
with tempfile.TemporaryDirectory() as log_dir:  # removed afterwards
    tf.profiler.experimental.start(log_dir)  # or `with tf.profiler.experimental.Profile(...)`
    tf.matmul(a, a).numpy()  # inside the trace: wait for the device
    tf.profiler.experimental.stop()
    run = next(pathlib.Path(log_dir, "plugins", "profile").iterdir())  # one folder per run
    xplane = next(run.glob("*.xplane.pb"))  # for TensorBoard's profile plugin / XProf
    names_op = b"MatMul" in xplane.read_bytes()
    print("wrote *.xplane.pb:", xplane.exists(), "| names MatMul:", names_op)
    assert names_op
# --8<-- [end:profile]

# --8<-- [start:peak_memory]
if tf.config.list_physical_devices("GPU"):
    tf.config.experimental.reset_memory_stats("GPU:0")
    new_product = a @ a
    peak = tf.config.experimental.get_memory_info("GPU:0")["peak"]  # {"current", "peak"}
    assert peak >= new_product.shape.num_elements() * 4
else:  # its docstring says a CPU raises; TensorFlow 2.21 answers, for large buffers only
    def current():
        return tf.config.experimental.get_memory_info("CPU:0")["current"]

    before = current()
    small = tf.ones((64, 64))  # 16 KiB
    after_small = current()
    new_product = a @ a  # 4 MiB
    after_product = current()
    print("CPU 'current' grew by:", after_small - before, "for 16 KiB,",
          (after_product - after_small) // 2**20, "MiB for 4 MiB")
    assert after_small == before and after_product - after_small >= 4 * 2**20


def xla_buffer_bytes(fn, *args):
    """XLA's plan for one call of a jit_compile=True function, on the CPU: bytes by kind."""
    ir = fn.experimental_get_compiler_ir(*args)
    proto = hlo_pb2.HloProto.FromString(
        ir(stage="optimized_hlo_proto_serialized", platform_name="CPU"))
    sizes = {"arguments": 0, "outputs": 0, "temp": 0}
    for buffer in proto.buffer_assignment.buffer_allocations:
        if buffer.is_entry_computation_parameter:
            sizes["arguments"] += buffer.size
        elif buffer.maybe_live_out:
            sizes["outputs"] += buffer.size
        elif not (buffer.is_thread_local or buffer.is_constant):
            sizes["temp"] += buffer.size
    return sizes, ir(stage="optimized_hlo", platform_name="CPU")


sizes, _ = xla_buffer_bytes(matmul, a)
print(f"matmul: arguments {sizes['arguments'] / 2**20:.0f} MiB, "
      f"output {sizes['outputs'] / 2**20:.0f} MiB")
assert sizes["arguments"] == sizes["outputs"] == N * N * 4
# --8<-- [end:peak_memory]

# --8<-- [start:remat]
x = tf.constant(x_np)
params = ([tf.Variable(w) for w in w1_np], [tf.Variable(w) for w in w2_np])
variables = params[0] + params[1]
evaluations = []


def block(h, w1, w2):  # an MLP block with a residual connection
    evaluations.append(1)  # eager Python: runs on every evaluation, recomputation included
    return h + tf.nn.gelu(h @ w1, approximate=True) @ w2


def loss_fn(block_fn):
    h = x
    for w1, w2 in zip(*params, strict=True):
        h = block_fn(h, w1, w2)
    return tf.reduce_mean(h**2)


def measure(block_fn):
    """Loss and gradients in eager mode; what XLA plans for the same step, compiled."""
    evaluations.clear()
    with tf.GradientTape() as tape:
        loss = loss_fn(block_fn)
    grads = tape.gradient(loss, variables)
    gelu_evaluations = len(evaluations)

    @tf.function(jit_compile=True)
    def grad_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(block_fn)
        return tape.gradient(loss, variables)

    sizes, hlo = xla_buffer_bytes(grad_step)
    return {"loss": loss, "grads": grads, "temp_bytes": sizes["temp"],
            "matmuls": hlo.count(" dot("), "gelu_evaluations": gelu_evaluations}


plain = measure(block)
remat = measure(tf.recompute_grad(block))  # keep the inputs, recompute the block in backward
for name, m in {"no checkpointing": plain, "tf.recompute_grad": remat}.items():
    print(f"{name:17} XLA temp {m['temp_bytes'] / 2**20:5.2f} MiB | matmuls {m['matmuls']} | "
          f"GELU evaluations {m['gelu_evaluations']}")
same = all(np.array_equal(g.numpy(), h.numpy()) for g, h in
           zip(plain["grads"], remat["grads"], strict=True))
print("identical gradients:", same)
assert same and float(plain["loss"]) == float(remat["loss"])
assert remat["temp_bytes"] < plain["temp_bytes"]
assert (plain["gelu_evaluations"], remat["gelu_evaluations"]) == (L, 2 * L)  # forward twice
assert (plain["matmuls"], remat["matmuls"]) == (23, 27)  # XLA drops what backward never uses
assert list(inspect.signature(tf.recompute_grad).parameters) == ["f"]  # no policy argument
# --8<-- [end:remat]

results = {
    "matmul_corner": compiled["out"][:8, :8].numpy(),
    "matmul_sum": np.asarray(compiled["out"].numpy(), dtype=np.float64).sum(),
    "loss": plain["loss"].numpy(),
    "grad_w1": np.stack([g.numpy() for g in remat["grads"][:L]]),
    "grad_w2": np.stack([g.numpy() for g in remat["grads"][L:]]),
    "matmul_count": np.array([plain["matmuls"], remat["matmuls"]]),
    "forward_evaluations": np.array([plain["gelu_evaluations"], remat["gelu_evaluations"]]),
}
