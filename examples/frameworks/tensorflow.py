"""One training step in TensorFlow's own idiom: tf.Variable, GradientTape, a tf.function."""

import tensorflow as tf

# --8<-- [start:train_step]
x = tf.constant([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]],
                dtype=tf.float64)  # 4 examples, 3 features
y = tf.constant([[1.0], [-0.5], [2.0], [0.0]], dtype=tf.float64)
w0 = tf.constant([[0.5], [-0.3], [0.8]], dtype=tf.float64)  # (in, out): kernel layout
b0 = tf.constant([0.1], dtype=tf.float64)
learning_rate = 0.1

w = tf.Variable(w0)  # mutable state lives in tf.Variable objects
b = tf.Variable(b0)


@tf.function  # traced once into a graph, then run as a graph
def train_step(x, y):
    with tf.GradientTape() as tape:  # variables are watched automatically
        loss = tf.reduce_mean((x @ w + b - y) ** 2)
    grad_w, grad_b = tape.gradient(loss, [w, b])
    w.assign_sub(learning_rate * grad_w)  # in-place update inside the graph
    b.assign_sub(learning_rate * grad_b)
    return loss


loss = train_step(x, y)
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

assert w.shape == (3, 1) and b.shape == (1,)
assert float(loss) > 0 and not bool(tf.reduce_all(w == w0))  # the step moved the weights
results = {"loss": loss, "new_w": w.numpy(), "new_b": b.numpy()}
