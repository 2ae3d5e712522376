"""A pre-norm Transformer encoder block in TensorFlow with Keras 3 layers: MultiHeadAttention,
shared NumPy weights, five Adam steps with tf.GradientTape, masks, and tf.function."""

import inspect
import os

os.environ["KERAS_BACKEND"] = "tensorflow"  # Keras 3 reads its backend once, at import
import keras
import numpy as np
import tensorflow as tf

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
x, y = tf.constant(inputs), tf.constant(targets)
# --8<-- [end:setup]


# --8<-- [start:module]
class Block(keras.Model):
    """Pre-norm: x + attention(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(self):
        super().__init__()
        self.norm1 = keras.layers.LayerNormalization(epsilon=NORM_EPSILON)  # Keras: 1e-3
        self.attention = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=HEAD_DIM)
        self.norm2 = keras.layers.LayerNormalization(epsilon=NORM_EPSILON)
        self.mlp_in = keras.layers.Dense(HIDDEN, activation="gelu")  # exact GELU
        self.mlp_out = keras.layers.Dense(WIDTH)

    def call(self, x, attention_mask=None, use_causal_mask=False):
        h = self.norm1(x)
        x = x + self.attention(h, h, attention_mask=attention_mask,
                               use_causal_mask=use_causal_mask)  # query, value (key = value)
        return x + self.mlp_out(self.mlp_in(self.norm2(x)))
# --8<-- [end:module]


# --8<-- [start:load]
def load(block, w):
    """Dense kernels are (in, out) as in the NumPy dict; MultiHeadAttention splits the heads:
    query/key/value kernels (WIDTH, HEADS, HEAD_DIM), biases (HEADS, HEAD_DIM), and the
    output kernel (HEADS, HEAD_DIM, WIDTH)."""
    block(x)  # Keras creates weights on the first call
    heads = lambda a: a.reshape(*a.shape[:-1], HEADS, HEAD_DIM)  # noqa: E731
    mha = [heads(w[f"{n}_{p}"]) for n in ("query", "key", "value") for p in ("kernel", "bias")]
    mha += [w["out_kernel"].reshape(HEADS, HEAD_DIM, WIDTH), w["out_bias"]]
    assert ["/".join(v.path.split("/")[-2:]) for v in block.attention.weights] == [
        "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias",
        "attention_output/kernel", "attention_output/bias"]  # the order set_weights expects
    assert [tuple(v.shape) for v in block.attention.weights[::6]] == [
        (WIDTH, HEADS, HEAD_DIM), (HEADS, HEAD_DIM, WIDTH)]  # query kernel, output kernel
    block.attention.set_weights(mha)
    block.mlp_in.set_weights([w["mlp_in_kernel"], w["mlp_in_bias"]])
    block.mlp_out.set_weights([w["mlp_out_kernel"], w["mlp_out_bias"]])
    block.norm1.set_weights([w["norm1_scale"], w["norm1_bias"]])  # gamma, beta
    block.norm2.set_weights([w["norm2_scale"], w["norm2_bias"]])
    return block


keras.utils.set_random_seed(0)  # Keras initialises weights on build; load() overwrites them
model = load(Block(), weights)
assert model.count_params() == sum(a.size for a in weights.values())
initial_output = model(x)
print("output:", tuple(initial_output.shape), "mean:", round(float(tf.reduce_mean(
    initial_output)), 4))
# --8<-- [end:load]


# --8<-- [start:train_step]
optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=ADAM_EPSILON)


def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:  # records the forward pass
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    return loss


losses = tf.stack([train_step(model, optimizer, x, y) for _ in range(STEPS)])
print("losses:", losses.numpy().round(4))
assert losses[-1] < losses[0]
# --8<-- [end:train_step]

# --8<-- [start:compiled_step]
compiled_model = load(Block(), weights)
compiled_optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=ADAM_EPSILON)
compiled_optimizer.build(compiled_model.trainable_variables)  # its variables, before tracing
compiled_step = tf.function(train_step)  # traced once into a graph, optimizer included
compiled_losses = tf.stack([compiled_step(compiled_model, compiled_optimizer, x, y)
                            for _ in range(STEPS)])
assert compiled_step.experimental_get_tracing_count() == 1
assert np.allclose(compiled_losses, losses, rtol=1e-5)
print("compiled losses within 1e-5 of eager:", np.allclose(compiled_losses, losses, rtol=1e-5))
# --8<-- [end:compiled_step]

# --8<-- [start:masks]
fresh = load(Block(), weights)
keep = np.broadcast_to(key_is_real[:, None, :], (BATCH, LENGTH, LENGTH))  # (batch, query, key)
padded_output = fresh(x, attention_mask=keep)  # True (or 1) = may attend
causal_output = fresh(x, use_causal_mask=True)
lower = np.tril(np.ones((BATCH, LENGTH, LENGTH), dtype=bool))  # True on and below diagonal
assert np.allclose(fresh(x, attention_mask=lower), causal_output, atol=1e-6)
assert not np.allclose(fresh(x, attention_mask=~keep), padded_output, atol=1e-3)
print("MultiHeadAttention attention_mask True = attend")
# --8<-- [end:masks]

# --8<-- [start:defaults]
assert keras.layers.LayerNormalization().epsilon == 1e-3  # PyTorch 1e-5, Flax 1e-6
assert inspect.signature(keras.activations.gelu).parameters["approximate"].default is False
assert keras.optimizers.Adam().epsilon == 1e-7  # PyTorch and Optax: 1e-8

# Keras adds epsilon before Adam's bias correction (the paper's "epsilon hat"); PyTorch and
# Optax after it. One step with a tiny gradient g shows it: lr * g / (|g| + eps) would be -0.5.
variable = keras.Variable([0.0])
keras.optimizers.Adam(learning_rate=1.0, epsilon=1e-7).apply_gradients(
    [(tf.constant([1e-7]), variable)])
assert np.allclose(variable.numpy(), -(0.001 ** 0.5) * 1e-7 / ((0.001 ** 0.5) * 1e-7 + 1e-7))
print("one Adam step, gradient 1e-7:", variable.numpy().round(4), "(PyTorch, Optax: -0.5)")
# --8<-- [end:defaults]

assert losses.dtype == initial_output.dtype == tf.float32
results = {
    "initial_output": initial_output,
    "losses": losses,
    "padded_output": padded_output,
    "causal_output": causal_output,
}
