"""One training step of an MLP and of a Transformer block, eager and compiled, in PyTorch:
the steps bench/eager_vs_compiled.py times. Eager and compiled runs must agree."""

import itertools
import numpy as np
import torch
import torch._dynamo
import torch.nn.functional as F
from torch import nn

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
device = torch.accelerator.current_accelerator(check_available=True) or torch.device("cpu")
x, y = torch.from_numpy(features).to(device), torch.from_numpy(labels).to(device)
tokens_in, tokens_out = torch.from_numpy(tokens).to(device), torch.from_numpy(targets).to(device)
# --8<-- [end:setup]


# --8<-- [start:mlp_step]
def make_mlp_step(compile=False):
    layers = []
    for kernel, bias in mlp_weights():
        linear = nn.Linear(*kernel.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(kernel.T))  # PyTorch stores (out, in)
            linear.bias.copy_(torch.from_numpy(bias))
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1]).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    forward, update = model, optimizer.step
    if compile:  # forward and backward as one compiled graph pair, the update as another
        forward, update = torch.compile(model), torch.compile(optimizer.step)

    def step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        update()
        return loss.detach()

    return step


eager_mlp_step = make_mlp_step()
compiled_mlp_step = make_mlp_step(compile=True)
# --8<-- [end:mlp_step]


# --8<-- [start:block_step]
def make_block_step(compile=False, seed=0):
    torch.manual_seed(seed)  # the same initial weights for the eager and the compiled copy
    block = nn.TransformerEncoderLayer(WIDTH, HEADS, dim_feedforward=4 * WIDTH, dropout=0.0,
                                       batch_first=True, norm_first=True).to(device)
    optimizer = torch.optim.SGD(block.parameters(), lr=LEARNING_RATE)
    forward, update = block, optimizer.step
    if compile:
        forward, update = torch.compile(block), torch.compile(optimizer.step)

    def step(x, y):
        optimizer.zero_grad()
        loss = F.mse_loss(forward(x), y)
        loss.backward()
        update()
        return loss.detach()

    return step


eager_block_step = make_block_step()
compiled_block_step = make_block_step(compile=True)
# --8<-- [end:block_step]


# --8<-- [start:agree]
torch._dynamo.utils.counters.clear()
mlp_eager = [eager_mlp_step(x, y).item() for _ in range(STEPS)]
mlp_compiled = [compiled_mlp_step(x, y).item() for _ in range(STEPS)]
block_eager = [eager_block_step(tokens_in, tokens_out).item() for _ in range(STEPS)]
block_compiled = [compiled_block_step(tokens_in, tokens_out).item() for _ in range(STEPS)]
mlp_agree = np.allclose(mlp_eager, mlp_compiled, rtol=1e-5)
block_agree = np.allclose(block_eager, block_compiled, rtol=1e-4)
print("MLP losses:", np.round(mlp_eager, 4), "compiled agrees:", mlp_agree)
print("block losses fall:", block_eager[-1] < block_eager[0], "compiled agrees:", block_agree)
# Per step: one graph for the forward (AOTAutograd derives its backward) and one for the update.
graphs = torch._dynamo.utils.counters["stats"]["unique_graphs"]
print("graphs compiled for the two steps:", graphs)
assert mlp_agree and block_agree and block_eager[-1] < block_eager[0]
assert graphs == 4
# --8<-- [end:agree]


def benchmarks():
    """What bench/eager_vs_compiled.py times: one step each, and a sync that waits for it."""
    def sync(loss):
        return loss.item()  # copies the loss to the host: waits for the step on any device

    return sync, {
        ("mlp", "eager"): lambda: eager_mlp_step(x, y),
        ("mlp", "compiled"): lambda: compiled_mlp_step(x, y),
        ("block", "eager"): lambda: eager_block_step(tokens_in, tokens_out),
        ("block", "compiled"): lambda: compiled_block_step(tokens_in, tokens_out),
    }


results = {"mlp_losses": np.array(mlp_eager), "mlp_compiled_agrees": mlp_agree,
           "block_compiled_agrees": block_agree}
