"""Porting models, the Flax NNX side: the block as NNX modules, loaded from PyTorch's arrays."""

import jax
import jax.numpy as jnp
import numpy as np
import torch
from flax import nnx

# PyTorch's first rows, from pytorch.out: each tab checks itself against them.
PYTORCH_EVAL_ROW0 = [3.2744727, -0.7253102, -3.5726144, 1.9351249, 0.17595801]
PYTORCH_TRAIN_ROW0 = [3.2513838, -0.03175603, -3.4052465, 1.0257056, 0.3817638]

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


state = pytorch_checkpoint()  # from here on, NumPy arrays only: no torch below
x_nchw = np.random.default_rng(0).normal(size=(4, 3, 8, 8)).astype(np.float32)  # PyTorch layout
x_nhwc = x_nchw.transpose(0, 2, 3, 1)  # Flax (and Keras, and XLA) want channels last
print("input:", x_nchw.shape, "->", x_nhwc.shape)
# --8<-- [end:checkpoint]


# --8<-- [start:block]
class Block(nnx.Module):
    def __init__(self, dropout=0.25, *, rngs):
        self.conv = nnx.Conv(3, 8, kernel_size=(3, 3), rngs=rngs)  # padding="SAME" is the default
        # momentum is the weight of the *old* value, as in Keras: PyTorch's 0.1 is 0.9 here
        self.norm = nnx.BatchNorm(8, momentum=0.9, epsilon=1e-5, rngs=rngs)
        self.ln = nnx.LayerNorm(8, epsilon=1e-5, rngs=rngs)  # NNX's default is 1e-6
        self.attn = nnx.MultiHeadAttention(num_heads=2, in_features=8, decode=False, rngs=rngs)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        self.head = nnx.Linear(8, 5, rngs=rngs)

    def __call__(self, x):  # x: (batch, height, width, channels)
        h = nnx.relu(self.norm(self.conv(x)))
        tokens = h.reshape(x.shape[0], -1, 8)  # (batch, height * width, channels)
        tokens = tokens + self.dropout(self.attn(self.ln(tokens)))  # self-attention
        return self.head(tokens.mean(axis=1))


def split_heads(weight, heads=2):
    """PyTorch (out, in) -> Keras and Flax (in, heads, head_dim)."""
    return weight.T.reshape(weight.shape[1], heads, -1)


def load_pytorch_state(block, state):
    block.conv.kernel[...] = state["conv.weight"].transpose(2, 3, 1, 0)  # OIHW -> HWIO
    block.conv.bias[...] = state["conv.bias"]
    block.norm.scale[...], block.norm.bias[...] = state["norm.weight"], state["norm.bias"]
    block.norm.mean[...] = state["norm.running_mean"]  # nnx.BatchStat, not nnx.Param
    block.norm.var[...] = state["norm.running_var"]
    block.ln.scale[...], block.ln.bias[...] = state["ln.weight"], state["ln.bias"]
    weights = np.split(state["attn.in_proj_weight"], 3)  # one (3 * 8, 8) matrix in PyTorch
    biases = np.split(state["attn.in_proj_bias"], 3)
    for layer, weight, bias in zip((block.attn.query, block.attn.key, block.attn.value),
                                   weights, biases, strict=True):
        layer.kernel[...], layer.bias[...] = split_heads(weight), bias.reshape(2, 4)
    block.attn.out.kernel[...] = state["attn.out_proj.weight"].T.reshape(2, 4, 8)
    block.attn.out.bias[...] = state["attn.out_proj.bias"]
    block.head.kernel[...] = state["head.weight"].T  # (out, in) -> (in, out)
    block.head.bias[...] = state["head.bias"]


block = Block(rngs=nnx.Rngs(0, dropout=1))  # NNX's initialisers, then overwritten
load_pytorch_state(block, state)
x = jnp.asarray(x_nhwc)
print("parameters:", sum(p.size for p in jax.tree.leaves(nnx.state(block, nnx.Param))))
# --8<-- [end:block]

# --8<-- [start:eval]
block.eval()  # sets use_running_average=True and deterministic=True on every layer below
y_eval = np.asarray(block(x))
assert block.norm.use_running_average and block.dropout.deterministic
assert np.allclose(y_eval[0], PYTORCH_EVAL_ROW0, rtol=1e-5, atol=1e-6)
print("eval, first row:", y_eval[0].round(5))
# --8<-- [end:eval]

# --8<-- [start:train]
block.train()  # batch statistics, which update nnx.BatchStat variables in place
block.dropout.rate = 0.0  # dropout masks come from each framework's own generator: switch it off
h = np.asarray(block.conv(x))  # what BatchNorm sees
y_train = np.asarray(block(x))
assert np.allclose(y_train[0], PYTORCH_TRAIN_ROW0, rtol=1e-5, atol=1e-6)
running_mean, running_var = np.asarray(block.norm.mean[...]), np.asarray(block.norm.var[...])
assert np.allclose(running_mean, 0.9 * state["norm.running_mean"] + 0.1 * h.mean((0, 1, 2)))
# the running variance takes the *biased* batch variance, unlike PyTorch's running_var
assert np.allclose(running_var, 0.9 * state["norm.running_var"] + 0.1 * h.var((0, 1, 2)))
print("train, first row:", y_train[0].round(5))
# --8<-- [end:train]

# --8<-- [start:defaults]
rngs = nnx.Rngs(0)
fresh = Block(rngs=rngs)
assert not fresh.norm.use_running_average and not fresh.dropout.deterministic  # training mode
default_norm = nnx.BatchNorm(8, rngs=rngs)
assert default_norm.momentum == 0.99 and default_norm.epsilon == 1e-5
assert nnx.LayerNorm(8, rngs=rngs).epsilon == 1e-6
assert nnx.Conv(3, 8, kernel_size=(3, 3), rngs=rngs).padding == "SAME"
wide = nnx.Linear(256, 16, rngs=rngs)  # kernel (in, out), LeCun normal; bias zeros
kernel, bias = np.asarray(wide.kernel[...]), np.asarray(wide.bias[...])
assert kernel.shape == (256, 16) and not bias.any()
lecun_std = 1 / np.sqrt(256)
assert abs(kernel.std() - lecun_std) < 0.1 * lecun_std
print("Linear(256, 16): weight std", kernel.std().round(3), "| bias all zero:", not bias.any())
# --8<-- [end:defaults]

# --8<-- [start:padding]
strided = nnx.Conv(3, 8, kernel_size=(3, 3), strides=2, use_bias=False, rngs=rngs)
strided.kernel[...] = state["conv.weight"].transpose(2, 3, 1, 0)
tf_same = np.asarray(strided(x))  # "SAME" pads 0 top and left, 1 bottom and right here
explicit = nnx.Conv(3, 8, kernel_size=(3, 3), strides=2, padding=((0, 1), (0, 1)),
                    use_bias=False, rngs=rngs)  # 0 before, 1 after, in each spatial dimension
explicit.kernel[...] = strided.kernel[...]
assert tf_same.shape == (4, 4, 4, 8)
assert np.allclose(tf_same, np.asarray(explicit(x)), rtol=1e-5, atol=1e-6)
print("stride 2, 'SAME' shape:", tf_same.shape, "| equals padding ((0, 1), (0, 1)):", True)
# --8<-- [end:padding]

# --8<-- [start:dropout]
drop = nnx.Dropout(rate=0.5, rngs=nnx.Rngs(dropout=0))  # rate: the probability of dropping
ones = jnp.ones(1000)
dropped = np.asarray(drop(ones))  # a new module is in training mode, so this drops
dropout_values = sorted(set(dropped.tolist()))
assert dropout_values == [0.0, 2.0]  # survivors scaled by 1 / (1 - rate)
drop.eval()
assert np.array_equal(np.asarray(drop(ones)), ones)  # the identity in evaluation mode
print("train values:", dropout_values, "| eval is the identity:", True)
# --8<-- [end:dropout]

results = {
    "eval_output": y_eval,
    "train_output": y_train,
    "running_mean": running_mean,
    "running_var": running_var,
    "strided_same": tf_same,
    "dropout_values": np.array(dropout_values),
}
