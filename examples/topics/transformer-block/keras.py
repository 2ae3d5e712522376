"""A pre-norm Transformer encoder block with the Keras 3 Functional API, trained with
compile() and fit() on the JAX backend: same weights, same five Adam steps."""

import os

os.environ["KERAS_BACKEND"] = "jax"  # Keras 3 reads its backend once, at import; any works
import keras
import numpy as np

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
x, y = inputs, targets  # Keras layers and fit() take NumPy arrays
# --8<-- [end:setup]


# --8<-- [start:module]
norm1 = keras.layers.LayerNormalization(epsilon=NORM_EPSILON)  # Keras: 1e-3 unless given
attention = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=HEAD_DIM)
norm2 = keras.layers.LayerNormalization(epsilon=NORM_EPSILON)
mlp_in = keras.layers.Dense(HIDDEN, activation="gelu")  # exact GELU
mlp_out = keras.layers.Dense(WIDTH)


def block(x, attention_mask=None, use_causal_mask=False):
    """Pre-norm: x + attention(norm1(x)), then x + mlp(norm2(x))."""
    h = norm1(x)
    x = x + attention(h, h, attention_mask=attention_mask, use_causal_mask=use_causal_mask)
    return x + mlp_out(mlp_in(norm2(x)))


tokens = keras.Input(shape=(LENGTH, WIDTH))  # symbolic: the Functional API records a graph
model = keras.Model(tokens, block(tokens))  # of layers; the same layers also run eagerly
# --8<-- [end:module]


# --8<-- [start:load]
heads = lambda a: a.reshape(*a.shape[:-1], HEADS, HEAD_DIM)  # noqa: E731
attention.set_weights(  # (WIDTH, HEADS, HEAD_DIM) kernels; the output's (HEADS, HEAD_DIM, WIDTH)
    [heads(weights[f"{n}_{p}"]) for n in ("query", "key", "value") for p in ("kernel", "bias")]
    + [weights["out_kernel"].reshape(HEADS, HEAD_DIM, WIDTH), weights["out_bias"]])
for layer, name in ((mlp_in, "mlp_in"), (mlp_out, "mlp_out")):
    layer.set_weights([weights[f"{name}_kernel"], weights[f"{name}_bias"]])
for layer, name in ((norm1, "norm1"), (norm2, "norm2")):
    layer.set_weights([weights[f"{name}_scale"], weights[f"{name}_bias"]])
assert model.count_params() == sum(a.size for a in weights.values())
initial_output = model.predict(x, verbose=0)
padded_output = block(x, attention_mask=np.broadcast_to(key_is_real[:, None, :],
                                                        (BATCH, LENGTH, LENGTH)))
causal_output = block(x, use_causal_mask=True)  # both before training changes the weights
print("output:", initial_output.shape, "mean:", round(float(initial_output.mean()), 4))
# --8<-- [end:load]

# --8<-- [start:train_step]
model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=ADAM_EPSILON),
              loss="mse")  # fit() runs a compiled train step: jax.jit on this backend
history = model.fit(x, y, batch_size=BATCH, epochs=STEPS, shuffle=False, verbose=0)
losses = np.array(history.history["loss"])  # one batch per epoch: one loss per step
print("losses:", losses.round(4))
assert losses[-1] < losses[0]
assert model.jit_compile is True  # compile()'s jit_compile="auto" chose XLA on this backend
# --8<-- [end:train_step]

results = {
    "initial_output": initial_output,
    "losses": losses,
    "padded_output": padded_output,
    "causal_output": causal_output,
}
