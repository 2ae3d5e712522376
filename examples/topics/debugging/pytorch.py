"""Debugging in PyTorch: shapes, printing under torch.compile, NaN checks, turning compile off."""

import logging
import warnings

import numpy as np
import torch
import torch._dynamo  # explain() lives here

# --8<-- [start:setup]
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(4, 3)))  # a batch of 4 examples with 3 features
w = torch.tensor(rng.normal(size=(3, 2)))


def layer(w, x):
    return torch.tanh(x @ w)
# --8<-- [end:setup]


# --8<-- [start:shapes]
out = layer(w, x)  # eager: a concrete tensor, inspect it freely
assert out.shape == (4, 2)
meta_x = torch.empty(1000, 3, dtype=torch.float64, device="meta")  # shape, no storage
abstract = layer(w.to("meta"), meta_x)
assert abstract.shape == (1000, 2) and abstract.device.type == "meta"  # nothing computed
# --8<-- [end:shapes]

# --8<-- [start:print]
def printing_layer(w, x):
    h = layer(w, x)
    print("print sees values:", h.mean())  # any print is a graph break in PyTorch 2.15
    return h


explanation = torch._dynamo.explain(printing_layer)(w, x)
(reason,) = explanation.break_reasons  # one graph break: the print runs in plain Python
assert "print" in reason.reason
# --8<-- [end:print]

# --8<-- [start:nans]
xs = torch.tensor([0.0, 0.5, 2.0], dtype=torch.float64)


def log_or_zero(x):  # the output is fine, the gradient is not
    return torch.where(x > 0, torch.log(x), 0.0)


xs_ = xs.clone().requires_grad_()
log_or_zero(xs_).sum().backward()
grad = xs_.grad
assert torch.isnan(grad[0])  # where() passes a 0 gradient to log at x=0, and 0 / 0 is NaN

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anomaly mode warns that it is slow, and prints
        with torch.autograd.detect_anomaly():  # the forward line that made the bad op
            xs_ = xs.clone().requires_grad_()
            log_or_zero(xs_).sum().backward()
    raise AssertionError("expected a RuntimeError")
except RuntimeError as err:  # names the backward function that returned NaN
    assert "LogBackward0" in str(err) and "nan" in str(err)


def log_or_zero_safe(x):  # keep the unused branch's input harmless too
    return torch.where(x > 0, torch.log(torch.where(x > 0, x, 1.0)), 0.0)


xs_ = xs.clone().requires_grad_()
log_or_zero_safe(xs_).sum().backward()
grad_safe = xs_.grad
assert not torch.any(torch.isnan(grad_safe))
# --8<-- [end:nans]

# --8<-- [start:disable]
graphs = []


def recording_backend(graph_module, example_inputs):  # counts what Dynamo compiles
    graphs.append(graph_module)
    return graph_module.forward


@torch.compiler.disable  # never compiled: a graph break around each call
def flip_if_negative(h):
    return -h if torch.sum(h) < 0 else h


def model(w, x):
    return flip_if_negative(layer(w, x)) + 1


compiled = torch.compile(model, backend=recording_backend)
with torch.compiler.set_stance("force_eager"):  # ignore torch.compile everywhere
    compiled(w, x)
assert graphs == []  # nothing was compiled
compiled(w, x)
assert len(graphs) == 2  # one graph before the disabled function, one after
# --8<-- [end:disable]

# --8<-- [start:nan_modes]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with torch.autograd.detect_anomaly():  # checks backward outputs only:
        forward_nan = torch.log(torch.tensor(-1.0))  # a NaN made in the forward pass passes
assert torch.isnan(forward_nan)


def sqrt_or_zero(x):  # the same trap with sqrt: 0 * (1 / (2 * sqrt(0))) is NaN here
    return torch.where(x > 0, torch.sqrt(x), 0.0)


xs_ = xs.clone().requires_grad_()
sqrt_or_zero(xs_).sum().backward()
assert torch.isnan(xs_.grad[0])
# --8<-- [end:nan_modes]

# --8<-- [start:suppress_errors]
def failing_backend(graph_module, example_inputs):  # stands for a compiler bug
    raise RuntimeError("backend failed")


try:
    torch.compile(layer, backend=failing_backend)(w, x)
    raise AssertionError("expected a BackendCompilerFailed error")
except torch._dynamo.exc.BackendCompilerFailed:
    pass
assert torch._dynamo.config.suppress_errors is False  # the default in PyTorch 2.15
logging.getLogger("torch._dynamo").setLevel(logging.CRITICAL)  # it logs the error it hides
torch._dynamo.reset()
with torch._dynamo.config.patch(suppress_errors=True):
    fallback = torch.compile(layer, backend=failing_backend)(w, x)  # runs eagerly instead
assert torch.allclose(fallback, out)
# --8<-- [end:suppress_errors]

results = {
    "out_shape": np.array(out.shape), "out": out, "nan_mask": torch.isnan(grad),
    "grad_safe": grad_safe,
}
