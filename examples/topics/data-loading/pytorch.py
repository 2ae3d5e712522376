"""Data loading in PyTorch: DataLoader, a shared order, native shuffling, resuming, feeding JAX."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.utils.data import DataLoader, Dataset, RandomSampler, Sampler  # noqa: E402

# --8<-- [start:data]
N, BATCH, EPOCHS, SEED = 10, 3, 2, 0  # 10 examples in batches of 3: one is left over per epoch
rng = np.random.default_rng(0)
X = rng.normal(size=(N, 2))  # the dataset, made in code: 10 examples of 2 features
Y = X @ np.array([2.0, -1.0]) + 0.5
MEAN, STD = X.mean(axis=0), X.std(axis=0)
# The shared order: NumPy draws one permutation per epoch, and every framework follows it.
ORDERS = np.stack([np.random.default_rng([SEED, epoch]).permutation(N) for epoch in range(EPOCHS)])


def normalise(example):  # the map step, run on one example
    return {"i": example["i"], "x": (example["x"] - MEAN) / STD, "y": example["y"]}


print("order of epoch 0:", ORDERS[0])
# --8<-- [end:data]


# --8<-- [start:pipeline]
class Examples(Dataset):  # random access: the loader asks for example i
    def __init__(self, transform):
        self.transform = transform

    def __len__(self):
        return N

    def __getitem__(self, i):
        return self.transform({"i": i, "x": X[i], "y": Y[i]})


class EpochPermutation(Sampler):  # yields the indices of one epoch, in the shared order
    def __init__(self, n, seed):
        self.n, self.seed, self.epoch, self.start = n, seed, 0, 0

    def set_epoch(self, epoch, start=0):  # start: how many indices of this epoch to skip
        self.epoch, self.start = epoch, start

    def __iter__(self):
        order = np.random.default_rng([self.seed, self.epoch]).permutation(self.n)
        return iter(order[self.start:].tolist())

    def __len__(self):
        return self.n - self.start


sampler = EpochPermutation(N, SEED)
loader = DataLoader(
    Examples(normalise), batch_size=BATCH, sampler=sampler, drop_last=True, num_workers=0
)
batches = list(loader)  # epoch 0
assert len(batches) == N // BATCH  # drop_last: the tenth example never appears
assert batches[0]["x"].shape == (BATCH, 2) and batches[0]["x"].dtype == torch.float64
epoch0_i = np.stack([b["i"].numpy() for b in batches])
assert np.array_equal(epoch0_i.ravel(), ORDERS[0][: N // BATCH * BATCH])  # the shared order
assert np.allclose(batches[0]["x"].numpy(), (X[epoch0_i[0]] - MEAN) / STD)  # the map ran
print("epoch 0 batches:", epoch0_i.tolist())
# --8<-- [end:pipeline]

# --8<-- [start:epochs]
epochs = []
for epoch in range(EPOCHS):
    sampler.set_epoch(epoch)  # a new order each epoch, as DistributedSampler.set_epoch does
    epochs.append(list(loader))
epochs_i = np.stack([[b["i"].numpy() for b in epoch] for epoch in epochs])
assert np.array_equal(epochs_i[0], epoch0_i)  # epoch 0 again: same order
assert not np.array_equal(epochs_i[0], epochs_i[1])  # epoch 1: a different order
print("epoch 1 batches:", epochs_i[1].tolist())
# --8<-- [end:epochs]

# --8<-- [start:native_shuffle]
def native_run():
    generator = torch.Generator().manual_seed(SEED)  # the shuffle's own seeded generator
    native = DataLoader(Examples(normalise), batch_size=BATCH, shuffle=True, drop_last=True,
                        generator=generator)
    return np.stack([[b["i"].numpy() for b in native] for _ in range(EPOCHS)])


native_i = native_run()
assert isinstance(DataLoader(Examples(normalise), shuffle=True).sampler, RandomSampler)
assert np.array_equal(native_run(), native_i)  # same seed, same order, every epoch
assert not np.array_equal(native_i[0], native_i[1])  # each pass draws a new permutation
assert not np.array_equal(native_i[0], epochs_i[0])  # torch.randperm is not NumPy's order
print("native epoch 0:", native_i[0].tolist())
# --8<-- [end:native_shuffle]

# --8<-- [start:resume]
def batches_from(state):  # every batch from a saved position to the end of training
    for epoch in range(state["epoch"], EPOCHS):
        skip = state["batches_done"] * BATCH if epoch == state["epoch"] else 0
        sampler.set_epoch(epoch, start=skip)  # skip by index: skipped examples are never loaded
        for batch in loader:
            yield epoch, batch


state, seen = {"epoch": 0, "batches_done": 0}, []
for step, (epoch, batch) in enumerate(batches_from(state)):
    seen.append(batch["i"].numpy())
    done = state["batches_done"] + 1 if epoch == state["epoch"] else 1
    state = {"epoch": epoch, "batches_done": done}  # save this with the model checkpoint
    if step == 3:
        break  # interrupted after the first batch of epoch 1
assert state == {"epoch": 1, "batches_done": 1}
assert not hasattr(loader, "state_dict")  # the DataLoader itself keeps no resumable state

resumed_i = np.stack([b["i"].numpy() for _, b in batches_from(state)])  # a fresh start
assert np.array_equal(np.concatenate([seen, resumed_i]), epochs_i.reshape(-1, BATCH))
print("resumed batches:", resumed_i.tolist())
# --8<-- [end:resume]

# --8<-- [start:feed_jax]
@jax.jit
def train_step(params, x, y):  # one SGD step of linear regression, in JAX
    def loss(p):
        return jnp.mean((x @ p["w"] + p["b"] - y) ** 2)

    grads = jax.grad(loss)(params)
    return jax.tree.map(lambda p, g: p - 0.1 * g, params, grads)


params = {"w": jnp.zeros(2), "b": jnp.zeros(())}
for epoch in range(EPOCHS):
    sampler.set_epoch(epoch)
    for batch in loader:  # collate stacked the examples into new tensors: one copy
        x, y = batch["x"].numpy(), batch["y"].numpy()  # views of the tensors: no copy
        params = train_step(params, x, y)  # jit puts NumPy inputs on the device: a copy

assert np.shares_memory(x, batch["x"].numpy())  # Tensor.numpy() shares the tensor's memory
assert not np.shares_memory(np.asarray(jnp.asarray(x)), x)  # jnp.asarray copies
from_torch = jax.dlpack.from_dlpack(batch["x"])  # DLPack: zero-copy on CPU
assert np.shares_memory(np.asarray(from_torch), x)
spare = torch.zeros(BATCH, 2, dtype=torch.float64)  # torch allocates 64-byte-aligned memory
aliased = jax.device_put(spare.numpy())  # on CPU, device_put aliases an aligned buffer...
spare[0, 0] = 1.0
assert float(aliased[0, 0]) == 1.0  # ...so writing into the source changes the JAX array
print("w:", np.asarray(params["w"]).round(4), "b:", round(float(params["b"]), 4))
# --8<-- [end:feed_jax]

# --8<-- [start:workers]
assert DataLoader(Examples(normalise)).num_workers == 0  # default: load in the main process
parallel = DataLoader(Examples(normalise), batch_size=BATCH, sampler=sampler, drop_last=True,
                      num_workers=2, persistent_workers=True)  # built here, never iterated
assert parallel.num_workers == 2 and parallel.prefetch_factor == 2  # batches ahead per worker
# --8<-- [end:workers]

results = {
    "orders": ORDERS, "epoch0_i": epoch0_i, "epoch0_x": np.stack([b["x"] for b in batches]),
    "epoch0_y": np.stack([b["y"] for b in batches]), "epochs_i": epochs_i,
    "resumed_i": resumed_i, "params_w": params["w"], "params_b": params["b"],
}
