"""A pre-norm Transformer encoder block in PyTorch: F.scaled_dot_product_attention, shared
NumPy weights, five Adam steps, masks, and torch.compile."""

import inspect

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# --8<-- [start:setup]
BATCH, LENGTH, WIDTH, HEADS, HIDDEN = 4, 6, 16, 2, 32
HEAD_DIM = WIDTH // HEADS
STEPS, LEARNING_RATE, ADAM_EPSILON, NORM_EPSILON = 5, 1e-2, 1e-8, 1e-5


def initial_weights(seed=0):
    """The same float32 weights in every framework's file, kernels as (in, out): x @ kernel."""
    rng = np.random.default_rng(seed)
    w = {}
    for name, (fan_in, fan_out) in {"query": (WIDTH, WIDTH), "key": (WIDTH, WIDTH),
                                    "value": (WIDTH, WIDTH), "out": (WIDTH, WIDTH),
                                    "mlp_in": (WIDTH, HIDDEN), "mlp_out": (HIDDEN, WIDTH)}.items():
        w[f"{name}_kernel"] = rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
        w[f"{name}_bias"] = 0.1 * rng.normal(size=fan_out)
    for name in ("norm1", "norm2"):
        w[f"{name}_scale"] = 1 + 0.1 * rng.normal(size=WIDTH)
        w[f"{name}_bias"] = 0.1 * rng.normal(size=WIDTH)
    return {name: value.astype(np.float32) for name, value in w.items()}


data = np.random.default_rng(1)
inputs = data.normal(size=(BATCH, LENGTH, WIDTH)).astype(np.float32)
targets = np.roll(inputs, 1, axis=1)  # predict the previous token's vector: needs attention
lengths = np.array([6, 4, 5, 3])  # for the padding mask
key_is_real = np.arange(LENGTH)[None, :] < lengths[:, None]  # (batch, key): True = real token
weights = initial_weights()
x, y = torch.from_numpy(inputs), torch.from_numpy(targets)
# --8<-- [end:setup]


# --8<-- [start:module]
class Block(nn.Module):
    """Pre-norm: x + attention(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH, eps=NORM_EPSILON)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)  # query, key and value in one matmul
        self.out = nn.Linear(WIDTH, WIDTH)
        self.norm2 = nn.LayerNorm(WIDTH, eps=NORM_EPSILON)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, HIDDEN), nn.GELU(), nn.Linear(HIDDEN, WIDTH))

    def attention(self, x, mask=None, is_causal=False):
        b, t, _ = x.shape
        qkv = self.qkv(x).view(b, t, 3, HEADS, HEAD_DIM)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (batch, heads, length, head_dim)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=is_causal)
        return self.out(o.transpose(1, 2).reshape(b, t, WIDTH))

    def forward(self, x, mask=None, is_causal=False):
        x = x + self.attention(self.norm1(x), mask, is_causal)
        return x + self.mlp(self.norm2(x))
# --8<-- [end:module]


# --8<-- [start:load]
def load(block, w):
    """nn.Linear stores weight as (out, in): transpose every (in, out) kernel."""
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    qkv_kernel = np.concatenate([w["query_kernel"], w["key_kernel"], w["value_kernel"]], axis=1)
    with torch.no_grad():
        block.qkv.weight.copy_(t(qkv_kernel.T))  # (3 * WIDTH, WIDTH)
        block.qkv.bias.copy_(t(np.concatenate([w["query_bias"], w["key_bias"], w["value_bias"]])))
        block.out.weight.copy_(t(w["out_kernel"].T))
        block.out.bias.copy_(t(w["out_bias"]))
        block.mlp[0].weight.copy_(t(w["mlp_in_kernel"].T))
        block.mlp[0].bias.copy_(t(w["mlp_in_bias"]))
        block.mlp[2].weight.copy_(t(w["mlp_out_kernel"].T))
        block.mlp[2].bias.copy_(t(w["mlp_out_bias"]))
        for name in ("norm1", "norm2"):
            getattr(block, name).weight.copy_(t(w[f"{name}_scale"]))
            getattr(block, name).bias.copy_(t(w[f"{name}_bias"]))
    return block


torch.manual_seed(0)  # PyTorch initialises layers on creation; load() overwrites all of it
model = load(Block(), weights)
assert sum(p.numel() for p in model.parameters()) == sum(a.size for a in weights.values())
with torch.no_grad():
    initial_output = model(x)
print("output:", tuple(initial_output.shape), "mean:", round(initial_output.mean().item(), 4))
# --8<-- [end:load]


# --8<-- [start:train_step]
optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=ADAM_EPSILON)


def train_step(x, y):
    optimizer.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()  # gradients accumulate in each parameter's .grad
    optimizer.step()  # updates the parameters in place
    return loss.detach()


losses = torch.stack([train_step(x, y) for _ in range(STEPS)])
print("losses:", losses.numpy().round(4))
assert losses[-1] < losses[0]
# --8<-- [end:train_step]

# --8<-- [start:compiled_step]
compiled_model = torch.compile(load(Block(), weights))  # Inductor: C++ kernels on CPU
compiled_optimizer = torch.optim.Adam(compiled_model.parameters(), lr=LEARNING_RATE,
                                      eps=ADAM_EPSILON)
compiled_losses = []
for _ in range(STEPS):
    compiled_optimizer.zero_grad()
    loss = F.mse_loss(compiled_model(x), y)  # forward and backward graphs are compiled
    loss.backward()
    compiled_optimizer.step()  # the optimizer step itself stays eager here
    compiled_losses.append(loss.detach())
compiled_losses = torch.stack(compiled_losses)
assert torch.allclose(compiled_losses, losses, rtol=1e-5)
print("compiled losses within 1e-5 of eager:", torch.allclose(compiled_losses, losses, rtol=1e-5))
# --8<-- [end:compiled_step]

# --8<-- [start:masks]
fresh = load(Block(), weights)
keep = torch.from_numpy(key_is_real)[:, None, None, :]  # (batch, 1, 1, key): broadcasts
with torch.no_grad():
    padded_output = fresh(x, mask=keep)  # a boolean attn_mask: True = may attend
    causal_output = fresh(x, is_causal=True)
    lower = torch.ones(LENGTH, LENGTH, dtype=torch.bool).tril()  # True on and below diagonal
    assert torch.allclose(fresh(x, mask=lower), causal_output, atol=1e-6)

    # nn.MultiheadAttention, same weights, reads a boolean mask the other way round.
    mha = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
    mha.in_proj_weight.copy_(fresh.qkv.weight)  # the same (3 * WIDTH, WIDTH) layout
    mha.in_proj_bias.copy_(fresh.qkv.bias)
    mha.out_proj.load_state_dict(fresh.out.state_dict())
    h = fresh.norm1(x)
    sdpa = fresh.attention(h, mask=keep)
    ignore = torch.from_numpy(~key_is_real)  # key_padding_mask: True = ignore this key
    assert torch.allclose(mha(h, h, h, key_padding_mask=ignore)[0], sdpa, atol=1e-6)
    wrong = mha(h, h, h, key_padding_mask=torch.from_numpy(key_is_real))[0]
    assert not torch.allclose(wrong, sdpa, atol=1e-3)  # the same boolean array, inverted meaning
print("SDPA attn_mask True = attend; MultiheadAttention key_padding_mask True = ignore")
# --8<-- [end:masks]

# --8<-- [start:defaults]
assert nn.LayerNorm(WIDTH).eps == 1e-5
assert nn.GELU().approximate == "none"  # the exact, erf-based GELU
assert inspect.signature(torch.optim.Adam).parameters["eps"].default == 1e-8
# --8<-- [end:defaults]

assert losses.dtype == initial_output.dtype == torch.float32
results = {
    "initial_output": initial_output,
    "losses": losses,
    "padded_output": padded_output,
    "causal_output": causal_output,
}
