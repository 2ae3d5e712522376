"""Porting models, the plain-JAX side: the block as a pure function of PyTorch's own arrays."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import torch
from jax import lax

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
print({name: state[name].shape for name in ("conv.weight", "attn.in_proj_weight", "head.weight")})
# --8<-- [end:checkpoint]

# --8<-- [start:block]
params = {name: jnp.asarray(value) for name, value in state.items()
          if not name.startswith("norm.running")}  # trained by gradients
stats = {"mean": jnp.asarray(state["norm.running_mean"]),  # not trained: passed in and out
         "var": jnp.asarray(state["norm.running_var"])}


def normalise(h, mean, var, eps=1e-5):
    return (h - mean) * lax.rsqrt(var + eps)


@partial(jax.jit, static_argnames=("train", "dropout_rate"))
def block(params, stats, x, *, train, dropout_rate=0.25, key=None):
    """x: (batch, channels, height, width). Returns the output and the new running statistics."""
    h = lax.conv_general_dilated(x, params["conv.weight"], window_strides=(1, 1), padding="SAME",
                                 dimension_numbers=("NCHW", "OIHW", "NCHW"))  # PyTorch's layouts
    h = h + params["conv.bias"][:, None, None]
    if train:  # a Python bool, fixed when jit traces: one compiled program per mode
        mean, var = h.mean((0, 2, 3)), h.var((0, 2, 3))  # biased, for normalising
        n = h.size // h.shape[1]
        stats = {"mean": 0.9 * stats["mean"] + 0.1 * mean,  # PyTorch's rule, unbiased variance
                 "var": 0.9 * stats["var"] + 0.1 * var * n / (n - 1)}
    else:
        mean, var = stats["mean"], stats["var"]
    h = normalise(h, mean[:, None, None], var[:, None, None])
    h = jax.nn.relu(h * params["norm.weight"][:, None, None] + params["norm.bias"][:, None, None])
    tokens = h.reshape(x.shape[0], 8, -1).transpose(0, 2, 1)  # (batch, height * width, channels)
    q = normalise(tokens, tokens.mean(-1, keepdims=True), tokens.var(-1, keepdims=True))
    q = q * params["ln.weight"] + params["ln.bias"]
    qkv = q @ params["attn.in_proj_weight"].T + params["attn.in_proj_bias"]  # Linear: x @ W.T + b
    heads = qkv.reshape(*qkv.shape[:2], 3, 2, 4)  # (batch, tokens, q/k/v, heads, head_dim)
    attended = jax.nn.dot_product_attention(heads[:, :, 0], heads[:, :, 1], heads[:, :, 2])
    attended = attended.reshape(*attended.shape[:2], 8)
    attended = attended @ params["attn.out_proj.weight"].T + params["attn.out_proj.bias"]
    if train and dropout_rate > 0:
        keep = jax.random.bernoulli(key, 1 - dropout_rate, attended.shape)
        attended = jnp.where(keep, attended / (1 - dropout_rate), 0)
    tokens = tokens + attended
    return tokens.mean(1) @ params["head.weight"].T + params["head.bias"], stats


x = jnp.asarray(x_nchw)  # plain JAX can keep PyTorch's layouts: no conversion at all
print("parameters:", sum(p.size for p in jax.tree.leaves(params)))
# --8<-- [end:block]

# --8<-- [start:eval]
y_eval, unchanged = block(params, stats, x, train=False)  # "mode" is an argument
y_eval = np.asarray(y_eval)
assert unchanged is not stats and all(jnp.array_equal(unchanged[k], stats[k]) for k in stats)
assert np.allclose(y_eval[0], PYTORCH_EVAL_ROW0, rtol=1e-5, atol=1e-6)
print("eval, first row:", y_eval[0].round(5))
# --8<-- [end:eval]

# --8<-- [start:train]
y_train, new_stats = block(params, stats, x, train=True, dropout_rate=0.0)  # masks differ: off
y_train = np.asarray(y_train)
assert np.allclose(y_train[0], PYTORCH_TRAIN_ROW0, rtol=1e-5, atol=1e-6)
running_mean = np.asarray(new_stats["mean"])
print("train, first row:", y_train[0].round(5))
# --8<-- [end:train]

# --8<-- [start:layouts]
x_nhwc = x.transpose(0, 2, 3, 1)
w_hwio = params["conv.weight"].transpose(2, 3, 1, 0)  # OIHW -> HWIO, as Keras and Flax store it
nhwc = lax.conv_general_dilated(x_nhwc, w_hwio, (1, 1), "SAME",
                                dimension_numbers=("NHWC", "HWIO", "NHWC"))
nchw = lax.conv_general_dilated(x, params["conv.weight"], (1, 1), "SAME",
                                dimension_numbers=("NCHW", "OIHW", "NCHW"))
assert jnp.allclose(nhwc, nchw.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-6)
print("same convolution in either layout:", True)
# --8<-- [end:layouts]

# --8<-- [start:padding]
assert lax.padtype_to_pads((8, 8), (3, 3), (2, 2), "SAME") == [(0, 1), (0, 1)]  # extra at the end
assert lax.padtype_to_pads((8, 8), (3, 3), (1, 1), "SAME") == [(1, 1), (1, 1)]
tf_same = lax.conv_general_dilated(x_nhwc, w_hwio, (2, 2), "SAME",
                                   dimension_numbers=("NHWC", "HWIO", "NHWC"))
tf_same = np.asarray(tf_same)
assert tf_same.shape == (4, 4, 4, 8)
print("stride 2, 'SAME' pads:", lax.padtype_to_pads((8, 8), (3, 3), (2, 2), "SAME"))
# --8<-- [end:padding]

# --8<-- [start:dropout]
ones = jnp.ones(1000)
rate = 0.5  # the probability of dropping, as in all three frameworks
keep = jax.random.bernoulli(jax.random.key(0), 1 - rate, ones.shape)
dropped = np.asarray(jnp.where(keep, ones / (1 - rate), 0))  # survivors scaled by 1 / (1 - rate)
dropout_values = sorted(set(dropped.tolist()))
assert dropout_values == [0.0, 2.0]
print("train values:", dropout_values)
# --8<-- [end:dropout]

results = {
    "eval_output": y_eval,
    "train_output": y_train,
    "running_mean": running_mean,
    "running_var_unbiased": np.asarray(new_stats["var"]),  # PyTorch's rule
    "strided_same": tf_same,
    "dropout_values": np.array(dropout_values),
}
