"""Compilation in PyTorch: torch.compile, graph breaks, recompilation, inspecting graphs."""

import contextlib
import inspect
import io
import logging

import torch
import torch._dynamo  # explain() and the Unsupported error live here
import torch._inductor.config
from torch._dynamo.backends.registry import get_default_backend
from torch._inductor.utils import run_and_get_code

# --8<-- [start:setup]
x = torch.linspace(-2, 2, 8, dtype=torch.float64)


def f(x):
    return torch.sin(x) ** 2 + 0.5 * torch.tanh(x) * x
# --8<-- [end:setup]


# --8<-- [start:compile]
compiled_f = torch.compile(f)  # default backend: TorchInductor (C++ on CPU, Triton on GPU)
eager = f(x)
compiled = compiled_f(x)  # first call: Dynamo captures a graph, Inductor compiles it
assert torch.allclose(compiled, eager, rtol=1e-12)
print("same as eager:", torch.allclose(compiled, eager))
# --8<-- [end:compile]


# --8<-- [start:graph_breaks]
def normalised(x):
    y = f(x)
    if y.sum() > 1:  # a Python `if` on a tensor's value: Dynamo cannot put it in a graph
        y = y / y.sum()
    return y


explanation = torch._dynamo.explain(normalised)(x)
assert explanation.graph_break_count == 1  # one break: graph, Python `if`, graph
assert explanation.graph_count == 2

try:
    torch.compile(normalised, fullgraph=True)(x)  # fullgraph=True: a break is an error
    raise AssertionError("expected an Unsupported error")
except torch._dynamo.exc.Unsupported as err:
    assert "Data-dependent branching" in str(err)


def normalised_branchless(x):  # compute both sides, select with torch.where: one graph
    y = f(x)
    return torch.where(y.sum() > 1, y / y.sum(), y)


normalised_x = torch.compile(normalised_branchless, fullgraph=True)(x)
assert torch.allclose(normalised_x, normalised(x), rtol=1e-12)
# --8<-- [end:graph_breaks]

# --8<-- [start:print_break]
def logging_f(x):
    y = f(x)
    print("computing")  # no tensor argument, and still a graph break in PyTorch 2.15
    return y / 2


def appending_f(x, log):
    y = f(x)
    log.append("computing")  # a list append is not a break: Dynamo replays it
    return y / 2


with contextlib.redirect_stdout(io.StringIO()):  # explain() really runs the function
    explanation = torch._dynamo.explain(logging_f)(x)
    appended = torch._dynamo.explain(appending_f)(x, [])
    with torch._dynamo.config.patch(reorderable_logging_functions={print}):
        reordered = torch._dynamo.explain(logging_f)(x)  # print now runs after the graph
print("print:", explanation.graph_break_count, "break,", explanation.graph_count, "graphs")
assert explanation.graph_break_count == 1 and explanation.graph_count == 2
assert explanation.break_reasons[0].reason.startswith("Failed to trace builtin operator")
assert appended.graph_break_count == 0 and reordered.graph_break_count == 0
# --8<-- [end:print_break]

# --8<-- [start:break_causes]
def with_item(x):
    y = f(x)
    return y * y.sum().item()  # a Python float from a tensor: a break


def with_tolist(x):
    y = f(x)
    return y * y.tolist()[0]  # a Python list from a tensor: a break


def with_numpy(x):
    y = f(x)
    return y * y.numpy().sum()  # NumPy on a tensor is traced (torch._numpy): no break


assert torch._dynamo.explain(with_item)(x).graph_break_count == 1
assert torch._dynamo.explain(with_tolist)(x).graph_break_count == 1
assert torch._dynamo.explain(with_numpy)(x).graph_break_count == 0
assert "prototype" in torch.cond.__doc__  # torch.cond's own warning, in PyTorch 2.15
# --8<-- [end:break_causes]

# --8<-- [start:recompile]
graphs = []


def recording_backend(graph_module, example_inputs):  # a backend is any callable
    graphs.append(graph_module)  # keep the captured FX graph to look at
    return graph_module.forward  # and run it as it is, without optimising


counted_f = torch.compile(f, backend=recording_backend)
for n in (8, 8, 16, 32):
    counted_f(torch.ones(n, dtype=torch.float64))
# 8: first graph, sizes fixed. 8 again: guards pass, reused. 16: a guard on the size
# fails, Dynamo recompiles with a symbolic size. 32: the symbolic graph covers it.
assert len(graphs) == 2

calls = []


def f_with_side_effect(x):
    calls.append(x.shape[0])  # Python side effect inside the compiled function
    return f(x)


counted = torch.compile(f_with_side_effect, backend=recording_backend)
for n in (8, 8, 8):
    counted(torch.ones(n, dtype=torch.float64))
assert calls == [8, 8, 8]  # Dynamo replays the side effect on every call, not only once

torch.compiler.set_stance("fail_on_recompile")  # make any further recompile an error
try:
    counted_f(torch.ones(8, dtype=torch.float32))  # a new dtype fails a guard
    raise AssertionError("expected a recompile error")
except RuntimeError as err:
    assert "recompile" in str(err)
torch.compiler.set_stance("default")
# --8<-- [end:recompile]

# --8<-- [start:inspect]
print(graphs[0].code)  # the captured graph as Python: sin, pow, tanh, mul, mul, add
ops = [node.target for node in graphs[0].graph.nodes if node.op == "call_function"]
assert torch.sin in ops and torch.tanh in ops
# Outside a script: TORCH_LOGS="graph_breaks,recompiles" python train.py
# or TORCH_LOGS="output_code" to print the code Inductor generated.
# --8<-- [end:inspect]

# --8<-- [start:recompile_limit]
warnings_logged = []


class ListHandler(logging.Handler):
    def emit(self, record):
        warnings_logged.append(record.getMessage())


logging.getLogger("torch._dynamo").addHandler(ListHandler())
graphs.clear()


def scaled(x, name):  # a guard on the string's value: each new name recompiles
    return x * len(name)


scaled_f = torch.compile(scaled, backend=recording_backend)
for n in range(1, 13):
    scaled_f(x, "n" * n)
assert torch._dynamo.config.recompile_limit == 8  # the default in PyTorch 2.15
assert len(graphs) == 8  # 12 names, 8 graphs: the last 4 calls ran eagerly
assert any("hit config.recompile_limit (8)" in message for message in warnings_logged)
# --8<-- [end:recompile_limit]

# --8<-- [start:defaults]
assert get_default_backend() == "inductor"  # what torch.compile(f) uses, in PyTorch 2.15
assert inspect.signature(torch.compile).parameters["dynamic"].default is None
assert torch._inductor.config.fx_graph_cache  # compiled graphs cached on disk by default
_, (generated,) = run_and_get_code(torch.compile(f), x)  # the code Inductor wrote for f
assert 'extern "C"' in generated  # on CPU: C++ kernels, built with the system compiler
log_options = inspect.signature(torch._logging.set_logs).parameters  # TORCH_LOGS names
assert {"graph_breaks", "recompiles", "graph_code", "output_code"} <= set(log_options)
# --8<-- [end:defaults]

assert eager.shape == compiled.shape == normalised_x.shape == (8,)
results = {"eager": eager, "compiled": compiled, "normalised": normalised_x}
