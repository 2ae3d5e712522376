"""Porting models, the PyTorch side: the block, its seeded weights, and PyTorch's layer defaults."""

import numpy as np
import torch
from torch import nn

# --8<-- [start:checkpoint]
SHAPES = {  # the block's state_dict: PyTorch names and layouts (conv OIHW, linear out x in)
    "conv.weight": (8, 3, 3, 3), "conv.bias": (8,),
    "norm.weight": (8,), "norm.bias": (8,), "norm.running_mean": (8,), "norm.running_var": (8,),
    "ln.weight": (8,), "ln.bias": (8,),
    "attn.in_proj_weight": (24, 8), "attn.in_proj_bias": (24,),  # query, key, value stacked
    "attn.out_proj.weight": (8, 8), "attn.out_proj.bias": (8,),
    "head.weight": (5, 8), "head.bias": (5,),
}


def pytorch_checkpoint():
    """Seeded PyTorch draws standing in for trained weights, handed over as NumPy arrays.

    Every tensor is random (no zeros or ones), so a swapped or untransposed one cannot hide."""
    generator = torch.Generator().manual_seed(0)
    state = {}
    for name, shape in SHAPES.items():
        value = 0.5 * torch.randn(shape, generator=generator)
        state[name] = (value.abs() + 0.5 if name.endswith("running_var") else value).numpy()
    return state


state = pytorch_checkpoint()  # the same function, word for word, opens the other tabs
x_nchw = np.random.default_rng(0).normal(size=(4, 3, 8, 8)).astype(np.float32)  # PyTorch layout
print({name: state[name].shape for name in ("conv.weight", "attn.in_proj_weight", "head.weight")})
# --8<-- [end:checkpoint]


# --8<-- [start:block]
class Block(nn.Module):
    def __init__(self, dropout=0.25):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding="same")  # the default is padding=0 ("valid")
        self.norm = nn.BatchNorm2d(8)  # momentum=0.1, eps=1e-5
        self.ln = nn.LayerNorm(8)  # eps=1e-5
        self.attn = nn.MultiheadAttention(8, num_heads=2, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(8, 5)

    def forward(self, x):  # x: (batch, channels, height, width)
        h = torch.relu(self.norm(self.conv(x)))
        tokens = h.flatten(2).transpose(1, 2)  # (batch, height * width, channels)
        q = self.ln(tokens)
        attended, _ = self.attn(q, q, q, need_weights=False)
        tokens = tokens + self.dropout(attended)
        return self.head(tokens.mean(dim=1))


block = Block()
block.load_state_dict({name: torch.from_numpy(value) for name, value in state.items()})
assert int(block.norm.num_batches_tracked) == 0  # the one entry the checkpoint lacked
x = torch.from_numpy(x_nchw)
print("parameters:", sum(p.numel() for p in block.parameters()))
# --8<-- [end:block]

# --8<-- [start:eval]
block.eval()  # BatchNorm uses its running statistics; dropout is the identity
with torch.no_grad():
    y_eval = block(x).numpy()
assert block.training is False and y_eval.shape == (4, 5)
print("eval, first row:", y_eval[0].round(5))
# --8<-- [end:eval]

# --8<-- [start:train]
block.train()  # BatchNorm normalises with batch statistics and updates its running ones
block.dropout.p = 0.0  # dropout masks come from each framework's own generator: switch it off
with torch.no_grad():
    y_train = block(x).numpy()
    h = block.conv(x)  # what BatchNorm saw
batch_mean = h.mean(dim=(0, 2, 3)).numpy()
biased_var = h.var(dim=(0, 2, 3), unbiased=False).numpy()
unbiased_var = h.var(dim=(0, 2, 3), unbiased=True).numpy()
running_mean = block.norm.running_mean.numpy()
running_var = block.norm.running_var.numpy()
# momentum=0.1 is the weight of the new batch: running = 0.9 * running + 0.1 * batch ...
assert np.allclose(running_mean, 0.9 * state["norm.running_mean"] + 0.1 * batch_mean)
# ... and the running variance takes the *unbiased* batch variance (times n / (n - 1))
assert np.allclose(running_var, 0.9 * state["norm.running_var"] + 0.1 * unbiased_var)
assert not np.allclose(running_var, 0.9 * state["norm.running_var"] + 0.1 * biased_var,
                       rtol=1e-5, atol=1e-6)
print("train, first row:", y_train[0].round(5))
# --8<-- [end:train]

# --8<-- [start:defaults]
fresh = Block()
assert fresh.training  # a new module starts in training mode
assert fresh.norm.momentum == 0.1 and fresh.norm.eps == 1e-5  # BatchNorm
assert fresh.ln.eps == 1e-5  # LayerNorm
assert nn.Conv2d(3, 8, 3).padding == (0, 0)  # no padding unless asked
assert nn.Linear(8, 5).weight.shape == (5, 8)  # (out, in): Keras and Flax store (in, out)
torch.manual_seed(0)
wide = nn.Linear(256, 16)  # weights and bias uniform on +-1/sqrt(fan_in): the bias is not zero
bound = 1 / np.sqrt(256)
assert wide.weight.abs().max() <= bound and wide.bias.abs().max() <= bound
assert bool((wide.bias != 0).all())
weight_std = float(wide.weight.detach().std())
assert abs(weight_std - bound / np.sqrt(3)) < 0.1 * bound / np.sqrt(3)
print("Linear(256, 16): weight std", round(weight_std, 3), "| bias all zero:",
      bool((wide.bias == 0).all()))
# --8<-- [end:defaults]

# --8<-- [start:padding]
kernel = torch.from_numpy(state["conv.weight"])
try:
    nn.Conv2d(3, 8, 3, stride=2, padding="same")
    raise AssertionError("expected a ValueError")
except ValueError as error:  # "same" is refused for strided convolutions
    assert "strided" in str(error)
symmetric = nn.functional.conv2d(x, kernel, stride=2, padding=1)  # one pixel all round
# TensorFlow's and XLA's "SAME" puts an odd total at the end: 0 top and left, 1 bottom and right
tf_same = nn.functional.conv2d(nn.functional.pad(x, (0, 1, 0, 1)), kernel, stride=2)
assert tf_same.shape == symmetric.shape == (4, 8, 4, 4)
assert not torch.allclose(tf_same, symmetric, rtol=1e-3)
print("stride 2, 'SAME' shape:", tuple(tf_same.shape), "| equals padding=1:",
      bool(torch.allclose(tf_same, symmetric)))
# --8<-- [end:padding]

# --8<-- [start:dropout]
drop = nn.Dropout(p=0.5)  # p: the probability of dropping; survivors are scaled by 1 / (1 - p)
ones = torch.ones(1000)
dropped = drop(ones)  # a new module is in training mode, so this drops
dropout_values = sorted(set(dropped.unique().tolist()))
assert dropout_values == [0.0, 2.0]
assert torch.equal(drop.eval()(ones), ones)  # the identity in evaluation mode
print("train values:", dropout_values, "| eval is the identity:", True)
# --8<-- [end:dropout]

results = {
    "eval_output": y_eval,
    "train_output": y_train,
    "running_mean": running_mean,
    "running_var_unbiased": running_var,  # PyTorch's rule
    "strided_same": tf_same.permute(0, 2, 3, 1).numpy(),  # NHWC, as the other tabs hold it
    "dropout_values": np.array(dropout_values),
}
