"""Timing, profiling and memory in JAX: block_until_ready, warm-up, jax.profiler, jax.checkpoint."""

import os
import pathlib
import statistics
import tempfile
import time
from unittest import mock

import jax
import jax.numpy as jnp
import numpy as np
from jaxlib import xla_client

# Full float32 matmuls on GPUs and TPUs too, so that results match the other tabs there.
jax.config.update("jax_default_matmul_precision", "highest")

# --8<-- [start:setup]
rng = np.random.default_rng(0)
N = 1024  # a matmul big enough to time: 2 GFLOP
a_np = rng.integers(-3, 4, size=(N, N)).astype(np.float32)  # small integers: exact sums
B, D, H, L = 256, 128, 512, 4  # batch, width, hidden width, number of MLP blocks
x_np = rng.standard_normal((B, D), dtype=np.float32)
w1_np = (rng.standard_normal((L, D, H), dtype=np.float32) / np.sqrt(D)).astype(np.float32)
w2_np = (rng.standard_normal((L, H, D), dtype=np.float32) / np.sqrt(H)).astype(np.float32)

a = jnp.asarray(a_np)  # on the default device: a GPU or TPU if there is one
# --8<-- [end:setup]

# --8<-- [start:sync]
product = a @ a  # returns at once: a future for a result the device may still be computing
same = product.block_until_ready()  # waits, then returns the array itself
assert same is product and product.is_ready()
pytree = {"p": a @ a, "q": [a + 1]}
jax.block_until_ready(pytree)  # waits for every array in a pytree
print("first row starts:", product[0, :4].tolist(), "| ready:", product.is_ready())
# --8<-- [end:sync]


# --8<-- [start:benchmark]
def benchmark(fn, *args, warmup=1, repeats=10):
    """Time fn(*args): the first `warmup` calls apart, then the median of `repeats` calls."""
    first = []
    for _ in range(warmup):  # the first call traces and compiles; keep it out of the median
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))  # wait for the result, not just for the dispatch
        first.append(time.perf_counter() - start)
    steady = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = jax.block_until_ready(fn(*args))
        steady.append(time.perf_counter() - start)
    return {"first": first, "median": statistics.median(steady), "repeats": len(steady),
            "out": out}


eager = benchmark(jnp.matmul, a, a)  # one op, dispatched op by op
print("warm-up calls:", len(eager["first"]), "| steady-state repeats:", eager["repeats"])
assert eager["repeats"] == 10 and eager["out"].is_ready()
# --8<-- [end:benchmark]

# --8<-- [start:compile_time]
traces = []


@jax.jit
def matmul_jit(a):
    traces.append(a.shape)  # plain Python: runs while tracing, never in the compiled code
    return a @ a


compiled = benchmark(matmul_jit, a, warmup=2, repeats=10)  # call 1 traces and compiles
print("calls:", 2 + compiled["repeats"], "| traced:", len(traces),
      "| cache entries:", matmul_jit._cache_size())
assert len(traces) == 1 and matmul_jit._cache_size() == 1  # compiled once, reused 11 times
matmul_aot = jax.jit(lambda a: a @ a).lower(a).compile()  # or compile ahead of time, apart
assert np.array_equal(matmul_aot(a), compiled["out"])
# --8<-- [end:compile_time]

# --8<-- [start:profile]
with tempfile.TemporaryDirectory() as log_dir:  # removed afterwards
    with jax.profiler.trace(log_dir):  # or jax.profiler.start_trace / stop_trace
        matmul_jit(a).block_until_ready()  # inside the trace: wait for the device
    run = next(pathlib.Path(log_dir, "plugins", "profile").iterdir())  # one folder per run
    xplane = next(run.glob("*.xplane.pb"))  # for TensorBoard's profile plugin / XProf
    perfetto = next(run.glob("*.trace.json.gz"))  # for ui.perfetto.dev
    names_op = b"dot" in xplane.read_bytes() and b"matmul_jit" in xplane.read_bytes()
    print("wrote *.xplane.pb and *.trace.json.gz:", xplane.exists() and perfetto.exists())
    print("the trace names the dot in matmul_jit:", names_op)
    assert names_op and perfetto.stat().st_size > 0
# --8<-- [end:profile]

# --8<-- [start:peak_memory]
device = jax.devices()[0]
stats = device.memory_stats()  # on GPU/TPU: bytes_in_use, peak_bytes_in_use, bytes_limit, ...
if device.platform == "cpu":
    assert stats is None  # the CPU backend keeps no allocator statistics
else:
    assert stats["peak_bytes_in_use"] >= stats["bytes_in_use"]
memory = matmul_jit.lower(a).compile().memory_analysis()  # XLA's plan for one call, any device
print(f"matmul: arguments {memory.argument_size_in_bytes / 2**20:.0f} MiB, "
      f"output {memory.output_size_in_bytes / 2**20:.0f} MiB")
assert memory.argument_size_in_bytes == memory.output_size_in_bytes == a.nbytes
# --8<-- [end:peak_memory]


# --8<-- [start:allocator]
def gpu_allocator_options(**env):
    """What jaxlib passes to the GPU plugin for these environment variables."""
    names = ["XLA_PYTHON_CLIENT_PREALLOCATE", "XLA_CLIENT_MEM_FRACTION",
             "XLA_PYTHON_CLIENT_MEM_FRACTION", "XLA_PYTHON_CLIENT_ALLOCATOR"]
    with mock.patch.dict(os.environ):
        for name in names:
            os.environ.pop(name, None)
        os.environ.update(env)
        options = xla_client.generate_pjrt_gpu_plugin_options()
    return {key: options[key] for key in ("allocator", "preallocate", "memory_fraction")
            if key in options}


print(gpu_allocator_options())  # nothing set: the plugin's own default (preallocate 75%)
print(gpu_allocator_options(XLA_PYTHON_CLIENT_PREALLOCATE="false"))
print(gpu_allocator_options(XLA_CLIENT_MEM_FRACTION=".5"))
print(gpu_allocator_options(XLA_PYTHON_CLIENT_MEM_FRACTION=".5"))  # the older name, still read
print(gpu_allocator_options(XLA_PYTHON_CLIENT_ALLOCATOR="platform"))
assert gpu_allocator_options(XLA_PYTHON_CLIENT_MEM_FRACTION=".5")["memory_fraction"] == 0.5
try:
    gpu_allocator_options(XLA_CLIENT_MEM_FRACTION=".5", XLA_PYTHON_CLIENT_MEM_FRACTION=".5")
    raise AssertionError("expected a ValueError")
except ValueError as err:
    assert "deprecated" in str(err)
# --8<-- [end:allocator]

# --8<-- [start:remat]
x = jnp.asarray(x_np)
params = ([jnp.asarray(w) for w in w1_np], [jnp.asarray(w) for w in w2_np])


def block(h, w1, w2):  # an MLP block with a residual connection
    return h + jax.nn.gelu(h @ w1, approximate=True) @ w2


def make_loss(block_fn):
    def loss_fn(params, x):
        h = x
        for w1, w2 in zip(*params, strict=True):
            h = block_fn(h, w1, w2)
        return jnp.mean(h**2)
    return loss_fn


def measure(block_fn):
    """Loss, gradients and what one gradient step keeps, computes and needs."""
    loss_fn = make_loss(block_fn)
    loss, grads = jax.jit(jax.value_and_grad(loss_fn))(params, x)
    _, vjp_fn = jax.vjp(loss_fn, params, x)  # the leaves of vjp_fn are what backward keeps
    inputs = [x, *params[0], *params[1]]
    kept = [r for r in jax.tree.leaves(vjp_fn) if not any(r is i for i in inputs)]
    lowered = jax.jit(jax.grad(loss_fn)).lower(params, x)
    program = lowered.as_text()  # StableHLO, before XLA's optimisations
    return {"loss": loss, "grads": grads,
            "kept_bytes": sum(r.nbytes for r in kept),  # activations saved for backward
            "temp_bytes": lowered.compile().memory_analysis().temp_size_in_bytes,
            "matmuls": program.count("stablehlo.dot_general"),
            "gelu_evaluations": program.count("stablehlo.tanh")}  # one tanh per GELU


plain = measure(block)
remat = measure(jax.checkpoint(block))  # jax.remat is an alias of jax.checkpoint
for name, m in {"no checkpointing": plain, "jax.checkpoint": remat}.items():
    print(f"{name:17} kept {m['kept_bytes'] / 2**20:5.2f} MiB | XLA temp "
          f"{m['temp_bytes'] / 2**20:5.2f} MiB | matmuls {m['matmuls']} | "
          f"GELU evaluations {m['gelu_evaluations']}")
same = all(np.allclose(g, h, rtol=1e-6, atol=1e-7) for g, h in
           zip(jax.tree.leaves(plain["grads"]), jax.tree.leaves(remat["grads"]), strict=True))
print("same gradients (within 1e-6):", same)
assert same and np.allclose(plain["loss"], remat["loss"], rtol=1e-6)
assert remat["kept_bytes"] < plain["kept_bytes"] and remat["temp_bytes"] < plain["temp_bytes"]
assert (plain["gelu_evaluations"], remat["gelu_evaluations"]) == (L, 2 * L)  # forward twice
assert (plain["matmuls"], remat["matmuls"]) == (23, 27)  # 8 forward + 15 backward, + 4 again
# --8<-- [end:remat]

# --8<-- [start:remat_policy]
# Save the matmul outputs, recompute only the cheap elementwise work (GELU) in backward.
policy = jax.checkpoint_policies.dots_with_no_batch_dims_saveable
selective = measure(jax.checkpoint(block, policy=policy))
print(f"dots saveable     kept {selective['kept_bytes'] / 2**20:5.2f} MiB | XLA temp "
      f"{selective['temp_bytes'] / 2**20:5.2f} MiB | matmuls {selective['matmuls']} | "
      f"GELU evaluations {selective['gelu_evaluations']}")
assert remat["kept_bytes"] < selective["kept_bytes"] < plain["kept_bytes"]
assert (selective["matmuls"], selective["gelu_evaluations"]) == (23, 2 * L)  # no extra matmul
assert np.allclose(selective["grads"][0][0], plain["grads"][0][0], rtol=1e-6, atol=1e-7)
assert jax.config.jax_compiler_enable_remat_pass  # XLA may also rematerialise on its own
# --8<-- [end:remat_policy]

results = {
    "matmul_corner": np.asarray(compiled["out"][:8, :8]),
    "matmul_sum": np.asarray(compiled["out"], dtype=np.float64).sum(),
    "loss": np.asarray(remat["loss"]),
    "grad_w1": np.stack([np.asarray(g) for g in remat["grads"][0]]),
    "grad_w2": np.stack([np.asarray(g) for g in remat["grads"][1]]),
    "matmul_count": np.array([plain["matmuls"], remat["matmuls"]]),
    "forward_evaluations": np.array([plain["gelu_evaluations"], remat["gelu_evaluations"]]),
    "policy_counts": np.array([selective["matmuls"], selective["gelu_evaluations"]]),
}
