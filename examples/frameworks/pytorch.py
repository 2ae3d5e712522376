"""One training step in PyTorch's own idiom: an nn.Module, a loss module, an optimizer object."""

import torch

# --8<-- [start:train_step]
x = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]],
                 dtype=torch.float64)  # 4 examples, 3 features
y = torch.tensor([[1.0], [-0.5], [2.0], [0.0]], dtype=torch.float64)
w0 = torch.tensor([[0.5], [-0.3], [0.8]], dtype=torch.float64)  # (in, out): kernel layout
b0 = torch.tensor([0.1], dtype=torch.float64)
learning_rate = 0.1

model = torch.nn.Linear(3, 1, dtype=torch.float64)
with torch.no_grad():  # load the fixed starting weights without recording them
    model.weight.copy_(w0.T)  # nn.Linear stores its weight as (out, in)
    model.bias.copy_(b0)

loss_fn = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

model.train()
optimizer.zero_grad()  # gradients accumulate in .grad until cleared
loss = loss_fn(model(x), y)  # eager: this line computes the value now
loss.backward()  # autograd fills model.weight.grad and model.bias.grad
optimizer.step()  # updates the parameters in place
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

new_w = model.weight.detach().T  # back to (in, out) to compare with the other frameworks
new_b = model.bias.detach()
assert new_w.shape == (3, 1) and new_b.shape == (1,)
assert loss.item() > 0 and not torch.equal(new_w, w0)  # the step moved the weights
results = {"loss": loss.detach(), "new_w": new_w, "new_b": new_b}

# Evidence for statements on docs/frameworks/pytorch.md (PyTorch 2.15); sections print nothing.

# --8<-- [start:linear_layout]
assert torch.nn.Linear(3, 1).weight.shape == (1, 3)  # (out, in), the transpose of a Keras kernel
# --8<-- [end:linear_layout]

# --8<-- [start:functional_call]
# torch.func.grad differentiates a function, so a module's parameters are passed in explicitly.
params = {"weight": w0.T.clone(), "bias": b0.clone()}


def functional_loss(params):
    return loss_fn(torch.func.functional_call(model, params, (x,)), y)


grads = torch.func.grad(functional_loss)(params)
reference = torch.nn.Linear(3, 1, dtype=torch.float64)
with torch.no_grad():
    reference.weight.copy_(w0.T)
    reference.bias.copy_(b0)
loss_fn(reference(x), y).backward()
assert torch.allclose(grads["weight"], reference.weight.grad)  # the same gradient as autograd
assert torch.allclose(grads["bias"], reference.bias.grad)
# --8<-- [end:functional_call]

# --8<-- [start:compile_default]
assert "inductor" in torch._dynamo.list_backends()
assert '"inductor" is the default backend' in torch.compile.__doc__
# --8<-- [end:compile_default]

# --8<-- [start:load_weights_only]
import io  # noqa: E402
import pickle  # noqa: E402

buffer = io.BytesIO()
torch.save(torch.nn.Linear(3, 1), buffer)  # a whole pickled module, not a state_dict
buffer.seek(0)
try:
    torch.load(buffer)  # the default is weights_only=True
    raise AssertionError("a pickled module loaded without weights_only=False")
except pickle.UnpicklingError:
    pass
buffer.seek(0)
assert isinstance(torch.load(buffer, weights_only=False), torch.nn.Linear)  # trusted file only
# --8<-- [end:load_weights_only]

# --8<-- [start:backends_in_main_build]
import importlib.util  # noqa: E402

assert hasattr(torch, "cuda") and hasattr(torch.backends, "mps") and hasattr(torch, "xpu")
try:  # no "tpu" device type in the main package: TPUs need a separate one (torch_xla, torch_tpu)
    torch.device("tpu")
    raise AssertionError("expected the main package to have no tpu device type")
except RuntimeError as error:
    assert "device type at start of device string: tpu" in str(error)
assert importlib.util.find_spec("torch_xla") is None  # and this site installs neither
# --8<-- [end:backends_in_main_build]

# --8<-- [start:two_apis]
from torch.distributed.fsdp import FullyShardedDataParallel, fully_shard  # noqa: E402

assert callable(fully_shard) and isinstance(FullyShardedDataParallel, type)  # FSDP2 and FSDP1
assert callable(torch.jit.script) and callable(torch.export.export)
import torch.distributed.pipelining  # noqa: E402
import torch.distributed.tensor  # noqa: E402
import torch._inductor  # noqa: E402

assert callable(torch._inductor.aoti_compile_and_package)
# --8<-- [end:two_apis]

# --8<-- [start:python_versions]
import importlib.metadata  # noqa: E402

classifiers = importlib.metadata.metadata("torch").get_all("Classifier")
assert "Programming Language :: Python :: 3.14" in classifiers
# --8<-- [end:python_versions]
