"""Data loading for JAX with Grain: shared order, native shuffle, iterator state, train step."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import grain  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

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
READ = grain.ReadOptions(num_threads=0, prefetch_buffer_size=0)  # in memory: no threads needed


def lookup(i):  # index -> example: a MapDataset is random access
    return {"i": i, "x": X[i], "y": Y[i]}


def one_epoch(order):  # the order is data: a dataset of indices
    return (grain.MapDataset.source(order)
            .map(lookup)
            .map(normalise)
            .batch(BATCH, drop_remainder=True))


batches = list(one_epoch(ORDERS[0]).to_iter_dataset(READ))  # epoch 0
assert len(batches) == N // BATCH  # drop_remainder: the tenth example never appears
assert batches[0]["x"].shape == (BATCH, 2) and batches[0]["x"].dtype == np.float64
epoch0_i = np.stack([b["i"] for b in batches])
assert np.array_equal(epoch0_i.ravel(), ORDERS[0][: N // BATCH * BATCH])  # the shared order
assert np.allclose(batches[0]["x"], (X[epoch0_i[0]] - MEAN) / STD)  # the map ran
print("epoch 0 batches:", epoch0_i.tolist())
# --8<-- [end:pipeline]

# --8<-- [start:epochs]
multi = grain.MapDataset.concatenate([one_epoch(order) for order in ORDERS])  # epoch after epoch
epochs_i = np.stack([b["i"] for b in multi.to_iter_dataset(READ)]).reshape(EPOCHS, -1, BATCH)
assert np.array_equal(epochs_i[0], epoch0_i)  # epoch 0 again: same order
assert not np.array_equal(epochs_i[0], epochs_i[1])  # epoch 1: a different order
assert len(multi) == EPOCHS * (N // BATCH)  # random access: the length is known
print("epoch 1 batches:", epochs_i[1].tolist())
# --8<-- [end:epochs]

# --8<-- [start:native_shuffle]
def native_pipeline():
    return (grain.MapDataset.range(N).map(lookup)
            .seed(SEED)  # one seed for every random step downstream
            .shuffle()  # a global shuffle: a seeded permutation of the indices
            .map(normalise)
            .batch(BATCH, drop_remainder=True)
            .repeat(EPOCHS))  # each epoch's shuffle seed is folded with the epoch number


native_i = np.stack([b["i"] for b in native_pipeline().to_iter_dataset(READ)])
native_i = native_i.reshape(EPOCHS, -1, BATCH)
assert np.array_equal(  # same seed, same order, every epoch
    np.stack([b["i"] for b in native_pipeline().to_iter_dataset(READ)]).reshape(EPOCHS, -1, BATCH),
    native_i,
)
assert not np.array_equal(native_i[0], native_i[1])  # a new order each epoch
assert not np.array_equal(native_i[0], epochs_i[0])  # Grain's index shuffle, not NumPy's
print("native epoch 0:", native_i[0].tolist())
# --8<-- [end:native_shuffle]

# --8<-- [start:resume]
def interrupted_then_resumed(dataset, stop_after):
    iterator = iter(dataset.to_iter_dataset(READ))
    seen = [next(iterator)["i"] for _ in range(stop_after)]
    state = iterator.get_state()  # a small dict: save it with the model checkpoint
    fresh = iter(dataset.to_iter_dataset(READ))  # e.g. in a new process, after a crash
    fresh.set_state(state)
    return np.stack(seen), np.stack([b["i"] for b in fresh]), state


seen, resumed_i, state = interrupted_then_resumed(multi, stop_after=4)  # 1st batch of epoch 1
assert np.array_equal(np.concatenate([seen, resumed_i]), epochs_i.reshape(-1, BATCH))
native_seen, native_rest, _ = interrupted_then_resumed(native_pipeline(), stop_after=4)
assert np.array_equal(np.concatenate([native_seen, native_rest]), native_i.reshape(-1, BATCH))
assert state == {"next_index": 4}  # for a MapDataset pipeline, the state is a position
print("state:", state)
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
for batch in multi.to_iter_dataset(READ):  # batch stacked the examples: new NumPy arrays
    params = train_step(params, batch["x"], batch["y"])  # jit puts them on the device

x = batch["x"]
assert x.flags.owndata and x.flags.writeable  # a fresh array from batching, nobody else's
assert not np.shares_memory(np.asarray(jnp.asarray(x)), x)  # jnp.asarray copies
print("w:", np.asarray(params["w"]).round(4), "b:", round(float(params["b"]), 4))
# --8<-- [end:feed_jax]

# --8<-- [start:workers]
assert grain.MultiprocessingOptions().num_workers == 0  # default: no worker processes
assert grain.ReadOptions().num_threads == 16  # default: 16 reader threads per process
parallel = multi.to_iter_dataset(READ).mp_prefetch(  # built here, never iterated
    grain.MultiprocessingOptions(num_workers=2)
)
assert isinstance(parallel, grain.IterDataset)
# --8<-- [end:workers]

results = {
    "orders": ORDERS, "epoch0_i": epoch0_i, "epoch0_x": np.stack([b["x"] for b in batches]),
    "epoch0_y": np.stack([b["y"] for b in batches]), "epochs_i": epochs_i,
    "resumed_i": resumed_i, "params_w": params["w"], "params_b": params["b"],
}
