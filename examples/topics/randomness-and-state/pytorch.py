"""Randomness and state in PyTorch: global seed, torch.Generator, buffers for mutable state."""

import numpy as np
import torch
import torch._inductor.config  # fallback_random

# --8<-- [start:seed]
torch.manual_seed(0)  # seeds the global generator (CPU and every CUDA device)
a = torch.randn(3, dtype=torch.float64)
b = torch.randn(3, dtype=torch.float64)
assert not torch.equal(a, b)  # the global generator's state advanced between the calls
torch.manual_seed(0)
assert torch.equal(torch.randn(3, dtype=torch.float64), a)  # re-seeding replays the stream
print("a:", a.numpy().round(4))
# --8<-- [end:seed]

# --8<-- [start:streams]
init_gen = torch.Generator().manual_seed(1)  # a generator of your own, independent of
dropout_gen = torch.Generator().manual_seed(2)  # the global one and of each other
w = torch.randn(3, generator=init_gen, dtype=torch.float64)
keep = torch.bernoulli(torch.full((3,), 0.5), generator=dropout_gen)

saved = init_gen.get_state()  # the full state is a tensor you can save and restore
later = torch.randn(3, generator=init_gen, dtype=torch.float64)
init_gen.set_state(saved)
assert torch.equal(torch.randn(3, generator=init_gen, dtype=torch.float64), later)

with torch.random.fork_rng():  # run code that draws numbers without disturbing the
    torch.randn(100)  # global stream outside the block
noise = torch.func.vmap(  # under vmap, randomness must be declared: "different" per example
    lambda x: x + torch.randn(3, dtype=torch.float64), randomness="different"
)(torch.zeros(4, 3, dtype=torch.float64))
assert noise.shape == (4, 3) and not torch.equal(noise[0], noise[1])
# --8<-- [end:streams]

# --8<-- [start:shuffle]
order = torch.randperm(10, generator=torch.Generator().manual_seed(42))  # a shuffled 0..9
assert torch.equal(torch.sort(order).values, torch.arange(10))  # the order differs per framework
print("order:", order.numpy())
# --8<-- [end:shuffle]

# --8<-- [start:state]
batches = torch.tensor(np.random.default_rng(0).normal(size=(4, 8, 3)))  # 4 batches of 8


class RunningMean(torch.nn.Module):
    def __init__(self, size):
        super().__init__()
        # buffers: saved in state_dict and moved by .to(), but not returned by parameters()
        self.register_buffer("count", torch.tensor(0))
        self.register_buffer("mean", torch.zeros(size, dtype=torch.float64))

    @torch.no_grad()
    def forward(self, batch):
        self.count += 1  # in-place update of the module's state
        self.mean.mul_(0.9).add_(0.1 * batch.mean(dim=0))


running = RunningMean(3)
for batch in batches:
    running(batch)
assert int(running.count) == 4 and set(running.state_dict()) == {"count", "mean"}
assert len(list(running.parameters())) == 0
print("count:", int(running.count), "mean:", running.mean.numpy().round(4))
# --8<-- [end:state]

# --8<-- [start:compiled_random]
def noisy(x):
    return x + torch.randn(x.shape, dtype=x.dtype)


zeros = torch.zeros(4, dtype=torch.float64)
torch.manual_seed(0)
eager_noise = noisy(zeros)
compiled_noisy = torch.compile(noisy)  # Inductor: its own random-number code
torch.manual_seed(0)
compiled_noise = compiled_noisy(zeros)
torch.manual_seed(0)
assert torch.equal(compiled_noisy(zeros), compiled_noise)  # reproducible from the seed
assert not torch.equal(compiled_noise, eager_noise)  # but not eager's numbers
torch._dynamo.reset()
with torch._inductor.config.patch(fallback_random=True):  # call the eager generator instead
    torch.manual_seed(0)
    assert torch.equal(torch.compile(noisy)(zeros), eager_noise)
# --8<-- [end:compiled_random]

# --8<-- [start:compiled_state]
compiled_running = RunningMean(3)
compiled_update = torch.compile(compiled_running, fullgraph=True)  # no graph break allowed
for batch in batches:
    compiled_update(batch)  # in-place buffer updates inside the compiled graph
assert int(compiled_running.count) == 4
assert torch.allclose(compiled_running.mean, running.mean)
assert callable(torch.use_deterministic_algorithms)
# --8<-- [end:compiled_state]

results = {
    "sorted_order": torch.sort(order).values, "count": running.count,
    "running_mean": running.mean,
}
