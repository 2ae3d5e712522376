"""Porting models, the TensorFlow side: the block as Keras 3 layers on the TensorFlow backend."""

import os

# Keras 3 is TensorFlow's model API; this file runs it on TensorFlow (keras.py runs it on JAX).
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np
import torch
import torch._dynamo  # before TensorFlow: see interoperability.md#import-order
import keras  # imports TensorFlow, so after torch._dynamo

# PyTorch's first rows, from pytorch.out: each tab checks itself against them.
PYTORCH_EVAL_ROW0 = [3.2744727, -0.7253102, -3.5726144, 1.9351249, 0.17595801]
PYTORCH_TRAIN_ROW0 = [3.2513838, -0.03175603, -3.4052465, 1.0257056, 0.3817638]

# --8<-- [start:checkpoint]
SHAPES = {  # the block's state_dict: PyTorch names and layouts (conv OIHW, linear out x in)
    "conv.weight": (8, 3, 3, 3), "conv.bias": (8,),
    "norm.weight": (8,), "norm.bias": (8,), "norm.running_mean": (8,), "norm.running_var": (8,),
    "ln.weight": (8,), "ln.bias": (8,),
    "attn.in_proj_weight": (24, 8), "attn.in_proj_bias": (24,),  # query, key, value stacked
    "attn.out_proj.weight": (8, 8), "attn.out_proj.bias": (8,),
    "head.weight": (5, 8), "head.bias": (5,),
}


def pytorch_checkpoint():
    """Seeded PyTorch draws standing in for trained weights, handed over as NumPy arrays.

    Every tensor is random (no zeros or ones), so a swapped or untransposed one cannot hide."""
    generator = torch.Generator().manual_seed(0)
    state = {}
    for name, shape in SHAPES.items():
        value = 0.5 * torch.randn(shape, generator=generator)
        state[name] = (value.abs() + 0.5 if name.endswith("running_var") else value).numpy()
    return state


state = pytorch_checkpoint()  # from here on, NumPy arrays only: no torch below
x_nchw = np.random.default_rng(0).normal(size=(4, 3, 8, 8)).astype(np.float32)  # PyTorch layout
x_nhwc = x_nchw.transpose(0, 2, 3, 1)  # Keras (and Flax, and XLA) want channels last
print("input:", x_nchw.shape, "->", x_nhwc.shape)
# --8<-- [end:checkpoint]


# --8<-- [start:block]
class Block(keras.Model):
    def __init__(self, dropout=0.25):
        super().__init__()
        self.conv = keras.layers.Conv2D(8, 3, padding="same")  # the default is "valid"
        # Keras's momentum is the weight of the *old* value: PyTorch's 0.1 is Keras's 0.9
        self.norm = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
        self.ln = keras.layers.LayerNormalization(epsilon=1e-5)  # Keras's default is 1e-3
        self.attn = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        self.dropout = keras.layers.Dropout(dropout)
        self.head = keras.layers.Dense(5)

    def call(self, x, training=False):  # x: (batch, height, width, channels)
        h = keras.ops.relu(self.norm(self.conv(x), training=training))
        tokens = keras.ops.reshape(h, (x.shape[0], -1, 8))  # (batch, height * width, channels)
        q = self.ln(tokens)
        attended = self.attn(q, q, training=training)
        tokens = tokens + self.dropout(attended, training=training)
        return self.head(keras.ops.mean(tokens, axis=1))


def split_heads(weight, heads=2):
    """PyTorch (out, in) -> Keras and Flax (in, heads, head_dim)."""
    return weight.T.reshape(weight.shape[1], heads, -1)


def load_pytorch_state(block, state):
    block.conv.set_weights([state["conv.weight"].transpose(2, 3, 1, 0),  # OIHW -> HWIO
                            state["conv.bias"]])
    block.norm.set_weights([state["norm.weight"], state["norm.bias"],  # gamma, beta,
                            state["norm.running_mean"], state["norm.running_var"]])
    block.ln.set_weights([state["ln.weight"], state["ln.bias"]])
    w_q, w_k, w_v = np.split(state["attn.in_proj_weight"], 3)  # one (3 * 8, 8) matrix in PyTorch
    b_q, b_k, b_v = (b.reshape(2, 4) for b in np.split(state["attn.in_proj_bias"], 3))
    w_out = state["attn.out_proj.weight"].T.reshape(2, 4, 8)  # (heads, head_dim, out)
    block.attn.set_weights([split_heads(w_q), b_q, split_heads(w_k), b_k, split_heads(w_v), b_v,
                            w_out, state["attn.out_proj.bias"]])
    block.head.set_weights([state["head.weight"].T, state["head.bias"]])  # (out, in) -> (in, out)


block = Block()
block(x_nhwc)  # builds the weights (with Keras's initialisers) so they can be overwritten
load_pytorch_state(block, state)
print("parameters:", sum(int(np.prod(w.shape)) for w in block.trainable_weights))
# --8<-- [end:block]

# --8<-- [start:eval]
y_eval = keras.ops.convert_to_numpy(block(x_nhwc, training=False))  # False is also the default
assert np.allclose(y_eval[0], PYTORCH_EVAL_ROW0, rtol=1e-5, atol=1e-6)
print("eval, first row:", y_eval[0].round(5))
# --8<-- [end:eval]

# --8<-- [start:train]
block.dropout.rate = 0.0  # dropout masks come from each framework's own generator: switch it off
h = keras.ops.convert_to_numpy(block.conv(x_nhwc))  # what BatchNorm sees
y_train = keras.ops.convert_to_numpy(block(x_nhwc, training=True))  # batch statistics
assert np.allclose(y_train[0], PYTORCH_TRAIN_ROW0, rtol=1e-5, atol=1e-6)
running_mean = keras.ops.convert_to_numpy(block.norm.moving_mean)
running_var = keras.ops.convert_to_numpy(block.norm.moving_variance)
assert np.allclose(running_mean, 0.9 * state["norm.running_mean"] + 0.1 * h.mean((0, 1, 2)))
# the moving variance takes the *biased* batch variance, unlike PyTorch's running_var
assert np.allclose(running_var, 0.9 * state["norm.running_var"] + 0.1 * h.var((0, 1, 2)))
print("train, first row:", y_train[0].round(5))
# --8<-- [end:train]

# --8<-- [start:defaults]
assert keras.layers.BatchNormalization().momentum == 0.99  # weight of the old value
assert keras.layers.BatchNormalization().epsilon == 1e-3
assert keras.layers.LayerNormalization().epsilon == 1e-3
assert keras.layers.Conv2D(8, 3).padding == "valid"
assert keras.config.image_data_format() == "channels_last"  # NHWC images, HWIO kernels
keras.utils.set_random_seed(0)
wide = keras.layers.Dense(16)  # kernel (in, out), Glorot uniform; bias zeros
wide.build((None, 256))
kernel, bias = (keras.ops.convert_to_numpy(w) for w in wide.weights)
assert type(wide.kernel_initializer).__name__ == "GlorotUniform"
assert kernel.shape == (256, 16) and not bias.any()
glorot_std = np.sqrt(2 / (256 + 16))
assert abs(kernel.std() - glorot_std) < 0.1 * glorot_std
block.norm.epsilon = block.ln.epsilon = 1e-3  # what you get if you forget to set them
y_keras_eps = keras.ops.convert_to_numpy(block(x_nhwc))
block.norm.epsilon = block.ln.epsilon = 1e-5
worst = np.abs(y_keras_eps - keras.ops.convert_to_numpy(block(x_nhwc))).max()
assert worst > 1e-4  # far outside the 1e-5 tolerance
print("Dense(16) on 256: weight std", kernel.std().round(3), "| bias all zero:", not bias.any())
print("Keras's epsilons move the output by", worst.round(4))
# --8<-- [end:defaults]

# --8<-- [start:padding]
strided = keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)
strided.build(x_nhwc.shape)
strided.set_weights([state["conv.weight"].transpose(2, 3, 1, 0)])
tf_same = keras.ops.convert_to_numpy(strided(x_nhwc))  # pads 0 top and left, 1 bottom and right
padded = np.pad(x_nhwc, ((0, 0), (0, 1), (0, 1), (0, 0)))  # 0 before, 1 after
explicit = keras.ops.conv(padded, strided.kernel, strides=2, padding="valid")
assert tf_same.shape == (4, 4, 4, 8)
assert np.allclose(tf_same, keras.ops.convert_to_numpy(explicit), rtol=1e-5, atol=1e-6)
print("stride 2, 'same' shape:", tf_same.shape, "| equals padding (0, 1):", True)
# --8<-- [end:padding]

# --8<-- [start:dropout]
drop = keras.layers.Dropout(rate=0.5)  # rate: the probability of dropping
# survivors are scaled by 1 / (1 - rate)
ones = np.ones(1000, np.float32)
assert np.array_equal(keras.ops.convert_to_numpy(drop(ones)), ones)  # no training=True: inference
dropped = keras.ops.convert_to_numpy(drop(ones, training=True))
dropout_values = sorted(set(dropped.tolist()))
assert dropout_values == [0.0, 2.0]
print("train values:", dropout_values, "| without training=True, the identity:", True)
# --8<-- [end:dropout]

results = {
    "eval_output": y_eval,
    "train_output": y_train,
    "running_mean": running_mean,
    "running_var": running_var,
    "strided_same": tf_same,
    "dropout_values": np.array(dropout_values),
}
