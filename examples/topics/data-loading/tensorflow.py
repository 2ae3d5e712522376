"""Data loading in tf.data: a shared order, native shuffling, iterator checkpoints, feeding JAX."""

import os
import tempfile

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

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
def lookup(i):  # index -> example, inside the graph
    return {"i": i, "x": tf.gather(X, i), "y": tf.gather(Y, i)}


def one_epoch(order):  # the order is data: a dataset of indices
    return (tf.data.Dataset.from_tensor_slices(order)
            .map(lookup)
            .map(normalise)
            .batch(BATCH, drop_remainder=True))


batches = list(one_epoch(ORDERS[0]).as_numpy_iterator())  # epoch 0
assert len(batches) == N // BATCH  # drop_remainder: the tenth example never appears
assert batches[0]["x"].shape == (BATCH, 2) and batches[0]["x"].dtype == np.float64
epoch0_i = np.stack([b["i"] for b in batches])
assert np.array_equal(epoch0_i.ravel(), ORDERS[0][: N // BATCH * BATCH])  # the shared order
assert np.allclose(batches[0]["x"], (X[epoch0_i[0]] - MEAN) / STD)  # the map ran
print("epoch 0 batches:", epoch0_i.tolist())
# --8<-- [end:pipeline]

# --8<-- [start:epochs]
multi = tf.data.Dataset.from_tensor_slices(ORDERS).flat_map(one_epoch)  # epoch after epoch
epochs_i = np.stack([b["i"] for b in multi.as_numpy_iterator()]).reshape(EPOCHS, -1, BATCH)
assert np.array_equal(epochs_i[0], epoch0_i)  # epoch 0 again: same order
assert not np.array_equal(epochs_i[0], epochs_i[1])  # epoch 1: a different order
print("epoch 1 batches:", epochs_i[1].tolist())
# --8<-- [end:epochs]

# --8<-- [start:native_shuffle]
examples = tf.data.Dataset.from_tensor_slices({"i": np.arange(N), "x": X, "y": Y})


def native_pipeline():  # shuffle's buffer holds all N examples: a full shuffle
    return (examples.shuffle(N, seed=SEED, reshuffle_each_iteration=True)
            .map(normalise)
            .batch(BATCH, drop_remainder=True)
            .repeat(EPOCHS))


native_i = np.stack([b["i"] for b in native_pipeline().as_numpy_iterator()])
native_i = native_i.reshape(EPOCHS, -1, BATCH)
assert np.array_equal(  # same seed, same order, every epoch
    np.stack([b["i"] for b in native_pipeline().as_numpy_iterator()]).reshape(EPOCHS, -1, BATCH),
    native_i,
)
assert not np.array_equal(native_i[0], native_i[1])  # reshuffle_each_iteration: a new order
assert not np.array_equal(native_i[0], epochs_i[0])  # TensorFlow's generator, not NumPy's
small = examples.shuffle(2, seed=SEED).batch(N)  # a 2-element buffer: only a local shuffle
assert next(iter(small))["i"][0] in (0, 1)  # the first element comes from the first two
print("native epoch 0:", native_i[0].tolist())
# --8<-- [end:native_shuffle]

# --8<-- [start:resume]
def interrupted_then_resumed(make_dataset, stop_after):
    iterator = iter(make_dataset())
    seen = [next(iterator)["i"].numpy() for _ in range(stop_after)]
    with tempfile.TemporaryDirectory() as directory:
        path = tf.train.Checkpoint(iterator=iterator).write(os.path.join(directory, "data"))
        fresh = iter(make_dataset())  # e.g. in a new process, after a crash
        tf.train.Checkpoint(iterator=fresh).read(path).assert_consumed()
    return np.stack(seen), np.stack([b["i"].numpy() for b in fresh])


seen, resumed_i = interrupted_then_resumed(
    lambda: tf.data.Dataset.from_tensor_slices(ORDERS).flat_map(one_epoch), stop_after=4
)  # interrupted after the first batch of epoch 1
assert np.array_equal(np.concatenate([seen, resumed_i]), epochs_i.reshape(-1, BATCH))
native_seen, native_rest = interrupted_then_resumed(native_pipeline, stop_after=4)
assert np.array_equal(  # the checkpoint holds the shuffle's state and buffer too
    np.concatenate([native_seen, native_rest]), native_i.reshape(-1, BATCH)
)
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
for batch in multi.as_numpy_iterator():  # read-only NumPy views of each batch tensor
    params = train_step(params, batch["x"], batch["y"])  # jit puts them on the device

x = batch["x"]
assert not x.flags.writeable and not x.flags.owndata  # a view of TensorFlow's buffer
tensor = next(iter(multi))["x"]
assert not np.shares_memory(tensor.numpy(), tensor.numpy())  # Tensor.numpy() copies
view = np.asarray(memoryview(tensor))  # a zero-copy, read-only view (CPU tensors only)
assert np.shares_memory(view, np.asarray(memoryview(tensor)))
assert not np.shares_memory(np.asarray(jnp.asarray(x)), x)  # jnp.asarray copies
print("w:", np.asarray(params["w"]).round(4), "b:", round(float(params["b"]), 4))
# --8<-- [end:feed_jax]

# --8<-- [start:workers]
parallel = examples.map(normalise, num_parallel_calls=tf.data.AUTOTUNE)  # threads, one process
sequential = examples.map(normalise)
assert all(  # parallel map keeps the input order unless told deterministic=False
    int(a["i"]) == int(b["i"]) for a, b in zip(parallel, sequential, strict=True)
)
assert tf.data.Options().deterministic is None  # unset: order is preserved
# --8<-- [end:workers]

results = {
    "orders": ORDERS, "epoch0_i": epoch0_i, "epoch0_x": np.stack([b["x"] for b in batches]),
    "epoch0_y": np.stack([b["y"] for b in batches]), "epochs_i": epochs_i,
    "resumed_i": resumed_i, "params_w": params["w"], "params_b": params["b"],
}
