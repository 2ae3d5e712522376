"""Timing, profiling and memory in PyTorch: synchronize, warm-up, torch.profiler, checkpoint."""

import functools
import pathlib
import statistics
import tempfile
import time

import numpy as np
import torch
import torch._dynamo
import torch.nn.functional as F
import torch.utils.benchmark
from torch.profiler import ProfilerActivity
from torch.utils.checkpoint import (
    CheckpointPolicy,
    checkpoint,
    create_selective_checkpoint_contexts,
)
from torch.utils.flop_counter import FlopCounterMode

# --8<-- [start:setup]
rng = np.random.default_rng(0)
N = 1024  # a matmul big enough to time: 2 GFLOP
a_np = rng.integers(-3, 4, size=(N, N)).astype(np.float32)  # small integers: exact sums
B, D, H, L = 256, 128, 512, 4  # batch, width, hidden width, number of MLP blocks
x_np = rng.standard_normal((B, D), dtype=np.float32)
w1_np = (rng.standard_normal((L, D, H), dtype=np.float32) / np.sqrt(D)).astype(np.float32)
w2_np = (rng.standard_normal((L, H, D), dtype=np.float32) / np.sqrt(H)).astype(np.float32)

# The accelerator (CUDA, ROCm, XPU, MPS, ...) if there is one, else the CPU.
device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")
a = torch.from_numpy(a_np).to(device)
# --8<-- [end:setup]


# --8<-- [start:sync]
def synchronize():
    """Wait for the accelerator's queued work; a CPU operation has finished when it returns."""
    if torch.accelerator.is_available():
        torch.accelerator.synchronize()  # torch.cuda.synchronize() in CUDA-only code


product = a @ a  # on a GPU: queued, and the call returns at once
synchronize()  # now the result exists
print("first row starts:", product[0, :4].tolist())  # .tolist() and .item() also wait
if not torch.accelerator.is_available() and torch.accelerator.current_accelerator():
    try:  # a CUDA build on a machine without a GPU: an unguarded synchronize() fails
        torch.accelerator.synchronize()
        raise AssertionError("expected a RuntimeError")
    except RuntimeError as err:
        assert "NVIDIA driver" in str(err)
# --8<-- [end:sync]


# --8<-- [start:benchmark]
def benchmark(fn, *args, warmup=1, repeats=10):
    """Time fn(*args): the first `warmup` calls apart, then the median of `repeats` calls."""
    first = []
    for _ in range(warmup):  # compilation, autotuning, allocator warm-up happen here
        start = time.perf_counter()
        fn(*args)
        synchronize()  # wait for the result, not just for the launch
        first.append(time.perf_counter() - start)
    steady = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(*args)
        synchronize()
        steady.append(time.perf_counter() - start)
    return {"first": first, "median": statistics.median(steady), "repeats": len(steady),
            "out": out}


eager = benchmark(torch.matmul, a, a)
print("warm-up calls:", len(eager["first"]), "| steady-state repeats:", eager["repeats"])
assert eager["repeats"] == 10 and eager["out"].shape == (N, N)

# PyTorch's own tool synchronises the accelerator, warms up and reports a median too.
measurement = torch.utils.benchmark.Timer("a @ a", globals={"a": a}).blocked_autorange()
print("torch.utils.benchmark threads:", measurement.task_spec.num_threads)  # unless told
assert measurement.task_spec.num_threads == 1 and isinstance(measurement.median, float)
# --8<-- [end:benchmark]


# --8<-- [start:compile_time]
def matmul(a):
    return a @ a


torch._dynamo.utils.counters.clear()
matmul_compiled = torch.compile(matmul)
compiled = benchmark(matmul_compiled, a, warmup=2, repeats=10)  # call 1 captures, compiles
graphs = torch._dynamo.utils.counters["stats"]["unique_graphs"]
print("calls:", 2 + compiled["repeats"], "| graphs compiled:", graphs)
assert graphs == 1  # compiled once, reused 11 times
with torch.compiler.set_stance("fail_on_recompile"):  # a recompile now would raise
    benchmark(matmul_compiled, a, warmup=0, repeats=3)
assert torch.equal(compiled["out"], eager["out"])
# --8<-- [end:compile_time]

# --8<-- [start:profile]
activities = [ProfilerActivity.CPU]  # plus the device's own activity on an accelerator
if device.type != "cpu" and hasattr(ProfilerActivity, device.type.upper()):
    activities.append(getattr(ProfilerActivity, device.type.upper()))  # CUDA, XPU, ...
with tempfile.TemporaryDirectory() as log_dir:  # removed afterwards
    with torch.profiler.profile(activities=activities, record_shapes=True) as prof:
        matmul(a)
        synchronize()  # inside the profile: wait for the device
    trace = pathlib.Path(log_dir, "trace.json")
    prof.export_chrome_trace(str(trace))  # Chrome trace format: open in ui.perfetto.dev
    text = trace.read_text()
    names_op = "aten::matmul" in text and "aten::mm" in text
    print("the trace names aten::matmul and aten::mm:", names_op)
    assert names_op
calls = {event.key: event.count for event in prof.key_averages()}
print("calls per op:", {op: calls[op] for op in ("aten::matmul", "aten::mm")})
# prof.key_averages().table(sort_by="cpu_time_total") prints the usual summary table
# --8<-- [end:profile]

# --8<-- [start:peak_memory]
with torch.profiler.profile(activities=activities, profile_memory=True) as prof:
    product = a @ a  # a new 4 MiB tensor
    synchronize()
mm = next(event for event in prof.key_averages() if event.key == "aten::mm")
allocated = mm.self_cpu_memory_usage if device.type == "cpu" else mm.self_device_memory_usage
print(f"aten::mm allocated {allocated / 2**20:.0f} MiB (profile_memory=True)")
assert allocated == product.nbytes
if torch.accelerator.is_available():
    torch.accelerator.reset_peak_memory_stats()
    product = a @ a
    synchronize()
    assert torch.accelerator.max_memory_allocated() >= a.nbytes + product.nbytes
else:  # the caching allocator's statistics cover accelerator memory only
    assert torch.accelerator.max_memory_allocated() == 0
    assert torch.accelerator.memory_stats() == {}
# --8<-- [end:peak_memory]

# --8<-- [start:remat]
x = torch.from_numpy(x_np)
params = ([torch.tensor(w, requires_grad=True) for w in w1_np],
          [torch.tensor(w, requires_grad=True) for w in w2_np])
evaluations = []


def block(h, w1, w2):  # an MLP block with a residual connection
    evaluations.append(1)  # eager Python: runs on every evaluation, recomputation included
    return h + F.gelu(h @ w1, approximate="tanh") @ w2


def checkpointed(h, w1, w2):  # keep the block's inputs, recompute the rest in backward
    return checkpoint(block, h, w1, w2, use_reentrant=False)


def measure(block_fn):
    """Loss, gradients and what one gradient step keeps, computes and needs."""
    evaluations.clear()
    inputs = {t.untyped_storage().data_ptr() for t in [x, *params[0], *params[1]]}
    kept = {}

    def pack(tensor):  # called for every tensor autograd saves for backward
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in inputs:
            kept[storage.data_ptr()] = storage.nbytes()
        return tensor

    with FlopCounterMode(display=False) as flops:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            h = x
            for w1, w2 in zip(*params, strict=True):
                h = block_fn(h, w1, w2)
            loss = (h**2).mean()
        grads = torch.autograd.grad(loss, [*params[0], *params[1]])
    matmul_flops = flops.get_flop_counts()["Global"][torch.ops.aten.mm]
    return {"loss": loss.detach(), "grads": grads, "kept_bytes": sum(kept.values()),
            "matmuls": matmul_flops // (2 * B * D * H),  # every matmul here is B x D x H
            "gelu_evaluations": len(evaluations)}


plain = measure(block)
remat = measure(checkpointed)
for name, m in {"no checkpointing": plain, "checkpoint": remat}.items():
    print(f"{name:17} kept {m['kept_bytes'] / 2**20:5.2f} MiB | matmuls {m['matmuls']} | "
          f"GELU evaluations {m['gelu_evaluations']}")
same = all(torch.equal(g, h) for g, h in zip(plain["grads"], remat["grads"], strict=True))
print("identical gradients:", same)  # eager recomputation repeats the same kernels
assert same and torch.equal(plain["loss"], remat["loss"])
assert remat["kept_bytes"] < plain["kept_bytes"]
assert (plain["gelu_evaluations"], remat["gelu_evaluations"]) == (L, 2 * L)  # forward twice
assert (plain["matmuls"], remat["matmuls"]) == (23, 27)  # stops once backward has its inputs
with torch.utils.checkpoint.set_checkpoint_early_stop(False):  # recompute whole blocks
    assert measure(checkpointed)["matmuls"] == 31
# --8<-- [end:remat]


# --8<-- [start:remat_policy]
# Selective activation checkpointing: save the matmul outputs, recompute GELU in backward.
def save_matmuls(ctx, op, *args, **kwargs):
    if op == torch.ops.aten.mm.default:
        return CheckpointPolicy.MUST_SAVE
    return CheckpointPolicy.PREFER_RECOMPUTE


def selective_checkpointed(h, w1, w2):
    contexts = functools.partial(create_selective_checkpoint_contexts, save_matmuls)
    return checkpoint(block, h, w1, w2, use_reentrant=False, context_fn=contexts,
                      respect_saved_tensors_hooks=True)  # let `pack` see what it saves


selective = measure(selective_checkpointed)
print(f"save matmuls      kept {selective['kept_bytes'] / 2**20:5.2f} MiB | matmuls "
      f"{selective['matmuls']} | GELU evaluations {selective['gelu_evaluations']}")
assert remat["kept_bytes"] < selective["kept_bytes"]
assert (selective["matmuls"], selective["gelu_evaluations"]) == (23, 2 * L)  # no extra matmul
assert all(torch.equal(g, h) for g, h in zip(plain["grads"], selective["grads"], strict=True))
# --8<-- [end:remat_policy]

results = {
    "matmul_corner": compiled["out"][:8, :8].cpu(),
    "matmul_sum": np.asarray(compiled["out"].cpu(), dtype=np.float64).sum(),
    "loss": remat["loss"],
    "grad_w1": torch.stack(remat["grads"][:L]),
    "grad_w2": torch.stack(remat["grads"][L:]),
    "matmul_count": np.array([plain["matmuls"], remat["matmuls"]]),
    "forward_evaluations": np.array([plain["gelu_evaluations"], remat["gelu_evaluations"]]),
    "policy_counts": np.array([selective["matmuls"], selective["gelu_evaluations"]]),
}
