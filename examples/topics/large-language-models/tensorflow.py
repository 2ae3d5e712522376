"""Full and LoRA fine-tuning of a tiny Llama-shaped decoder built from Keras 3 layers, trained
with tf.GradientTape on the TensorFlow backend; LoRA with Keras's own layer.enable_lora."""

import os
import tempfile

os.environ["KERAS_BACKEND"] = "tensorflow"  # Keras 3 reads its backend once, at import
import keras
import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
VOCAB, HIDDEN, MLP, LAYERS, HEADS = 64, 32, 64, 2, 4  # a Llama-shaped decoder, made tiny
BATCH, LENGTH, RANK, ALPHA, LEARNING_RATE = 4, 16, 4, 8, 1e-2
HEAD_DIM = HIDDEN // HEADS
FULL_PARAMS = 2 * VOCAB * HIDDEN + LAYERS * (4 * HIDDEN**2 + 3 * HIDDEN * MLP + 2 * HIDDEN) + HIDDEN
# Keras's EinsumDense LoRA: A keeps every kernel axis but the last, B is (rank, last axis).
# A query kernel (HIDDEN, HEADS, HEAD_DIM) gets A (HIDDEN, HEADS, RANK) and B (RANK, HEAD_DIM).
EINSUM_LORA_PARAMS = LAYERS * 2 * RANK * (HIDDEN * HEADS + HEAD_DIM)

tf.config.experimental.enable_tensor_float_32_execution(False)  # full float32 on GPUs too
starts = np.random.default_rng(0).integers(0, VOCAB, size=(BATCH, 1))
token_ids = (starts + np.arange(LENGTH)) % VOCAB  # count upwards: next token = this one + 1
tokens = tf.constant(token_ids)
keras.utils.set_random_seed(0)


def decoder():
    """Embedding, LAYERS pre-norm blocks (causal attention, gated SiLU MLP), RMSNorm, head.
    No rotary position embedding (it has no parameters): the causal mask alone orders tokens.
    Layers are named so that two copies have the same weight paths for save/load."""
    tokens = keras.Input(shape=(LENGTH,), dtype="int32")
    x = keras.layers.Embedding(VOCAB, HIDDEN, name="embed")(tokens)
    for i in range(LAYERS):
        h = keras.layers.RMSNormalization(epsilon=1e-6, name=f"norm{i}a")(x)
        attention = keras.layers.MultiHeadAttention(HEADS, HEAD_DIM, use_bias=False,
                                                    name=f"attention{i}")
        x = x + attention(h, h, use_causal_mask=True)
        h = keras.layers.RMSNormalization(epsilon=1e-6, name=f"norm{i}b")(x)
        gate = keras.layers.Dense(MLP, use_bias=False, activation="silu", name=f"gate{i}")(h)
        up = keras.layers.Dense(MLP, use_bias=False, name=f"up{i}")(h)
        x = x + keras.layers.Dense(HIDDEN, use_bias=False, name=f"down{i}")(gate * up)
    x = keras.layers.RMSNormalization(epsilon=1e-6, name="norm")(x)
    return keras.Model(tokens, keras.layers.Dense(VOCAB, use_bias=False, name="head")(x))


base = decoder()
print("parameters:", base.count_params(), "| formula:", FULL_PARAMS)
assert base.count_params() == FULL_PARAMS
# --8<-- [end:setup]

# --8<-- [start:full_step]
cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def loss_of(model):
    logits = model(tokens)
    return cross_entropy(tokens[:, 1:], logits[:, :-1])  # predict the next token


def copy_of(model):
    clone = decoder()
    clone.set_weights(model.get_weights())
    return clone


def one_step(model):
    """One Adam step on the batch; returns the loss before and after it."""
    optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE)
    with tf.GradientTape() as tape:
        loss = loss_of(model)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return float(loss), float(loss_of(model))


def count(variables):
    return sum(int(np.prod(v.shape)) for v in variables)


full = copy_of(base)  # full fine-tuning: every variable is trainable
full_trainable = count(full.trainable_variables)
before, after = one_step(full)
full_loss_reduced = after < before
print("trainable:", full_trainable, f"| loss {before:.4f} -> {after:.4f},",
      "reduced:", full_loss_reduced)
assert full_trainable == FULL_PARAMS and full_loss_reduced
# --8<-- [end:full_step]

# --8<-- [start:lora_step]
lora = copy_of(base)
for layer in lora.layers:
    layer.trainable = False  # freeze everything (sets each variable's trainable flag) ...
for i in range(LAYERS):  # ... then add trainable A and B to query and value, as Keras Hub does
    attention = lora.get_layer(f"attention{i}")
    for projection in (attention.query_dense, attention.value_dense):
        projection.trainable = True  # so that the new A and B are created trainable
        projection.enable_lora(RANK, lora_alpha=ALPHA)  # and freezes the projection's kernel
trainable = count(lora.trainable_variables)
print("trainable:", trainable, "of", lora.count_params(), "| EinsumDense formula:",
      EINSUM_LORA_PARAMS)
query = lora.get_layer("attention0").query_dense
print("query kernel", tuple(query.kernel.shape), "-> A", tuple(query.lora_kernel_a.shape),
      "B", tuple(query.lora_kernel_b.shape))
assert trainable == EINSUM_LORA_PARAMS and lora.count_params() == FULL_PARAMS + trainable

lora_starts_at_base = bool(np.array_equal(lora(tokens), base(tokens)))  # B starts at zero
before, after = one_step(lora)
lora_loss_reduced = after < before
frozen_unchanged = all(  # weights without "lora" in their path are the base model's, in order
    np.array_equal(v.numpy(), w.numpy())
    for v, w in zip([v for v in lora.weights if "lora" not in v.path], base.weights, strict=True))
print(f"loss {before:.4f} -> {after:.4f}, reduced: {lora_loss_reduced}",
      "| base weights unchanged:", frozen_unchanged)
assert lora_starts_at_base and lora_loss_reduced and frozen_unchanged
# --8<-- [end:lora_step]

# --8<-- [start:lora_rank]
# Each head has its own slice of A but shares B: as a (HIDDEN, HIDDEN) matrix the update
# A @ B has rank up to HEADS * RANK, not RANK.
delta = np.einsum("mur,rh->muh", query.lora_kernel_a.numpy(), query.lora_kernel_b.numpy())
update_rank = np.linalg.matrix_rank(delta.reshape(HIDDEN, HIDDEN))
print("rank of the query update:", update_rank, "| heads * rank:", HEADS * RANK)
assert RANK < update_rank <= HEADS * RANK
# --8<-- [end:lora_rank]

# --8<-- [start:merge]
# Saving writes each LoRA kernel merged, W + (alpha / rank) * A @ B; a plain copy loads it.
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "merged.weights.h5")
    lora.save_weights(path)
    merged = decoder()
    merged.load_weights(path)
merged_matches = bool(np.allclose(merged(tokens), lora(tokens), rtol=1e-5, atol=1e-5))
print("parameters:", merged.count_params(), "| outputs within 1e-5:", merged_matches)
assert merged.count_params() == FULL_PARAMS and merged_matches
# --8<-- [end:merge]

UNSHARED_RESULTS = {
    "einsum_lora_params": "Keras's EinsumDense adapters: A keeps the heads axis, so the count "
                          "differs from the (in, rank) + (rank, out) of the other frameworks",
}
results = {
    "full_params": np.array(base.count_params()),
    "einsum_lora_params": np.array(trainable),
    "full_loss_reduced": np.array(full_loss_reduced),
    "lora_starts_at_base": np.array(lora_starts_at_base),
    "lora_loss_reduced": np.array(lora_loss_reduced),
    "frozen_unchanged": np.array(frozen_unchanged),
    "merged_matches": np.array(merged_matches),
}
