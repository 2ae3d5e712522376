"""Randomness and state in TensorFlow: global and op seeds, tf.random.Generator, stateless ops."""

import numpy as np
import tensorflow as tf

# --8<-- [start:seed]
tf.random.set_seed(0)  # global seed; each random op also derives an op seed from it
a = tf.random.normal([3], dtype=tf.float64)
b = tf.random.normal([3], dtype=tf.float64)
assert not np.array_equal(a, b)  # a second call draws new numbers
tf.random.set_seed(0)
assert np.array_equal(tf.random.normal([3], dtype=tf.float64), a)  # re-seeding replays it

s1 = tf.random.stateless_normal([3], seed=[0, 1], dtype=tf.float64)  # no state at all:
s2 = tf.random.stateless_normal([3], seed=[0, 1], dtype=tf.float64)  # the seed decides
assert np.array_equal(s1, s2)
print("a:", a.numpy().round(4))
# --8<-- [end:seed]

# --8<-- [start:streams]
gen = tf.random.Generator.from_seed(0)  # an explicit generator object (Philox by default)
init_gen, dropout_gen = gen.split(2)  # independent child generators
w = init_gen.normal([3], dtype=tf.float64)
keep = tf.cast(dropout_gen.uniform([3]) < 0.5, tf.float64)

step_seeds = [tf.random.experimental.stateless_fold_in([0, 1], step) for step in range(3)]
seeds = tf.random.experimental.stateless_split([0, 1], num=4)  # one seed per example
noise = tf.stack([tf.random.stateless_normal([3], seed=s, dtype=tf.float64) for s in seeds])
assert noise.shape == (4, 3) and not np.array_equal(noise[0], noise[1])
# --8<-- [end:streams]

# --8<-- [start:shuffle]
order = tf.random.experimental.stateless_shuffle(tf.range(10), seed=[42, 0])  # a shuffled 0..9
assert np.array_equal(tf.sort(order), np.arange(10))  # the order differs per framework
print("order:", order.numpy())
# --8<-- [end:shuffle]

# --8<-- [start:state]
batches = tf.constant(np.random.default_rng(0).normal(size=(4, 8, 3)))  # 4 batches of 8


class RunningMean(tf.Module):
    def __init__(self, size):
        super().__init__()
        self.count = tf.Variable(0, trainable=False)  # tf.Variable: mutable, lives outside
        self.mean = tf.Variable(tf.zeros(size, tf.float64), trainable=False)  # the graph

    @tf.function  # the graph reads and assigns the variables on every call
    def __call__(self, batch):
        self.count.assign_add(1)
        self.mean.assign(0.9 * self.mean + 0.1 * tf.reduce_mean(batch, axis=0))


running = RunningMean(3)
for batch in batches:
    running(batch)
assert int(running.count) == 4 and len(running.trainable_variables) == 0
print("count:", int(running.count), "mean:", running.mean.numpy().round(4))
# --8<-- [end:state]

# --8<-- [start:generators]
assert gen.algorithm == tf.random.Algorithm.PHILOX.value  # from_seed's default algorithm
in_graph_gen = tf.random.Generator.from_seed(0)


@tf.function
def draw():
    return in_graph_gen.normal([])  # the generator's state is a tf.Variable


assert float(draw()) != float(draw())  # it advances on every call of the graph
assert callable(tf.config.experimental.enable_op_determinism)
# --8<-- [end:generators]

results = {
    "sorted_order": tf.sort(order), "count": running.count, "running_mean": running.mean
}
