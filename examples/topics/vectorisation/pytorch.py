"""Vectorisation in PyTorch: torch.func.vmap over a function written for one example."""

import warnings

import numpy as np
import torch

# --8<-- [start:setup]
rng = np.random.default_rng(0)  # NumPy makes the inputs, so every tab uses the same numbers
xs = torch.tensor(rng.normal(size=(5, 3)))  # 5 points in 3-D (float64, from NumPy)
ys = torch.tensor(rng.normal(size=(4, 3)))  # 4 more points


def distance(a, b):  # written for ONE pair of points, shape (3,) each
    return torch.sqrt(torch.sum((a - b) ** 2))
# --8<-- [end:setup]


# --8<-- [start:vmap]
one_to_many = torch.func.vmap(distance, in_dims=(None, 0))  # a fixed, b mapped over dim 0
assert one_to_many(xs[0], ys).shape == (4,)
all_pairs = torch.func.vmap(one_to_many, in_dims=(0, None))  # now also map a over xs
distances = all_pairs(xs, ys)
assert distances.shape == (5, 4)
assert torch.allclose(distances[2, 1], distance(xs[2], ys[1]))
print("distances:", tuple(distances.shape))
# --8<-- [end:vmap]

# --8<-- [start:broadcasting]
differences = xs[:, None, :] - ys[None, :, :]  # (5, 1, 3) - (1, 4, 3) -> (5, 4, 3)
broadcast = torch.sqrt(torch.sum(differences ** 2, dim=-1))
assert torch.allclose(broadcast, distances)
assert torch.allclose(torch.cdist(xs, ys), distances)  # a built-in for this one
# --8<-- [end:broadcasting]

# --8<-- [start:model]
params = {
    "w1": torch.tensor(rng.normal(size=(3, 8))), "b1": torch.zeros(8, dtype=torch.float64),
    "w2": torch.tensor(rng.normal(size=(8,))), "b2": torch.tensor(0.5, dtype=torch.float64),
}


def predict(params, x):  # one example x of shape (3,) -> one scalar
    hidden = torch.tanh(x @ params["w1"] + params["b1"])
    return hidden @ params["w2"] + params["b2"]


predictions = torch.func.vmap(predict, in_dims=(None, 0))(params, xs)  # None: params shared
assert predictions.shape == (5,)
print("predictions:", predictions.detach().numpy().round(4))
# --8<-- [end:model]

# --8<-- [start:ensemble]
members = {name: torch.stack([p, 2 * p, -p]) for name, p in params.items()}  # 3 models
ensemble = torch.func.vmap(  # outer: over models (dim 0 of every leaf); inner: over examples
    torch.func.vmap(predict, in_dims=(None, 0)), in_dims=(0, None)
)(members, xs)
assert ensemble.shape == (3, 5)
assert torch.allclose(ensemble[0], predictions)
print("ensemble:", tuple(ensemble.shape))
# --8<-- [end:ensemble]

# --8<-- [start:control_flow]
def flip_if_negative(x):  # one example; a Python `if` on its value
    return -x if torch.sum(x) < 0 else x


try:
    torch.func.vmap(flip_if_negative)(xs)  # x is a batched tensor: no single truth value
    raise AssertionError("expected a RuntimeError")
except RuntimeError as err:
    assert "data-dependent control flow" in str(err)
flipped = torch.func.vmap(lambda x: torch.where(torch.sum(x) < 0, -x, x))(xs)
assert torch.all(torch.sum(flipped, dim=1) >= 0)
# --8<-- [end:control_flow]

# --8<-- [start:limits]
assert torch.vmap is torch.func.vmap  # one function, two names
try:
    torch.func.vmap(lambda x: x + torch.rand(()))(xs)  # randomness="error" unless told
    raise AssertionError("expected a RuntimeError")
except RuntimeError as err:
    assert "randomness" in str(err)
assert torch.func.vmap(lambda x: x + torch.rand(()), randomness="same")(xs).shape == (5, 3)
assert torch.equal(torch.func.vmap(distance, in_dims=(None, 0), chunk_size=2)(xs[0], ys),
                   one_to_many(xs[0], ys))  # chunk_size: the batch in pieces, same result
assert torch.func.vmap(lambda x: x.sum(), out_dims=0)(xs).shape == (5,)

shared = torch.zeros(3, dtype=torch.float64)
try:
    torch.func.vmap(lambda x: shared.add_(x))(xs)  # in place into an unbatched tensor
    raise AssertionError("expected a RuntimeError")
except RuntimeError:
    pass
assert torch.func.vmap(lambda x: x.clone().add_(1))(xs).shape == (5, 3)  # batched: fine

with warnings.catch_warnings(record=True) as caught:  # histc has no batching rule:
    warnings.simplefilter("always")  # a per-example fallback runs, and warns
    torch.func.vmap(lambda x: torch.histc(x, bins=3))(xs)
assert any("performance drop" in str(w.message) for w in caught)
# --8<-- [end:limits]

results = {
    "distances": distances, "predictions": predictions, "ensemble": ensemble, "flipped": flipped
}
