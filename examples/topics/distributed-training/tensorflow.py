"""Data parallelism and sharding in TensorFlow: tf.distribute.MirroredStrategy and DTensor."""

import tensorflow as tf
from tensorflow.experimental import dtensor

# --8<-- [start:devices]
# Split the one CPU into 4 logical devices, so the sample runs anywhere (must precede any op).
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 4)
devices = [device.name for device in tf.config.list_logical_devices("CPU")]
# --8<-- [end:devices]

# --8<-- [start:setup]
X = tf.reshape(tf.range(24, dtype=tf.float64), (8, 3)) / 10  # 8 examples, 3 features
y = tf.range(8, dtype=tf.float64)
w0 = tf.constant([0.5, -0.2, 0.1], dtype=tf.float64)
lr = 0.1


def loss_fn(w, X, y):
    return tf.reduce_mean((tf.linalg.matvec(X, w) - y) ** 2)
# --8<-- [end:setup]


# --8<-- [start:data_parallel]
strategy = tf.distribute.MirroredStrategy(devices)  # one replica per device
with strategy.scope():
    w = tf.Variable(w0)  # a MirroredVariable: one copy per replica, kept in sync

dataset = tf.data.Dataset.from_tensor_slices((X, y)).batch(8)  # global batch of 8
dist_dataset = strategy.experimental_distribute_dataset(dataset)  # 2 examples per replica


@tf.function
def train_step(batch):
    def replica_step(X_local, y_local):
        with tf.GradientTape() as tape:
            per_example = (tf.linalg.matvec(X_local, w) - y_local) ** 2
            # Divide by the global batch size, so that summing over replicas gives the mean.
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=8)
        return tape.gradient(loss, w)

    per_replica_grads = strategy.run(replica_step, args=batch)
    grad = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_grads, axis=None)
    w.assign_sub(lr * grad)
    return grad


grad = train_step(next(iter(dist_dataset)))
updated_w = tf.convert_to_tensor(w)
print("updated_w:", updated_w.numpy().round(4))
# --8<-- [end:data_parallel]

# --8<-- [start:sharding]
mesh = dtensor.create_mesh([("data", 4)], devices=devices)
W = tf.reshape(tf.range(12, dtype=tf.float64), (3, 4)) / 10
X_sharded = dtensor.relayout(  # rows split across the "data" axis
    dtensor.copy_to_mesh(X, dtensor.Layout.replicated(mesh, rank=2)),
    dtensor.Layout(["data", dtensor.UNSHARDED], mesh),
)
W_replicated = dtensor.copy_to_mesh(W, dtensor.Layout.replicated(mesh, rank=2))
out = tf.matmul(X_sharded, W_replicated)  # each device computes its own rows
local_rows = dtensor.unpack(out)[0].shape[0]  # 8 / 4 = 2 rows per device
sharded_matmul = tf.concat(dtensor.unpack(out), axis=0)
# --8<-- [end:sharding]

# --8<-- [start:dtensor_checks]
assert strategy.num_replicas_in_sync == 4 and local_rows == 2
assert tf.experimental.dtensor.Mesh  # the public API is under tf.experimental only:
assert getattr(getattr(tf, "dtensor", None), "Mesh", None) is None  # no tf.dtensor.Mesh
# --8<-- [end:dtensor_checks]
with tf.GradientTape() as tape:
    tape.watch(w0)
    full_batch_loss = loss_fn(w0, X, y)
tf.debugging.assert_near(grad, tape.gradient(full_batch_loss, w0))  # same as one device
assert sharded_matmul.shape == (8, 4)
results = {"grad": grad, "updated_w": updated_w, "sharded_matmul": sharded_matmul}
