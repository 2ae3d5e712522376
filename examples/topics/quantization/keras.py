"""Post-training quantization in Keras 3: model.quantize("int8"), its storage, the other modes."""

import os
import tempfile

# The TensorFlow backend, like the TensorFlow tab; it must be chosen before Keras is imported.
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np
import tensorflow as tf

tf.config.set_visible_devices([], "GPU")  # CPU only: the float32 logits without TF32 on any machine

# --8<-- [start:data]
# The same float32 model in every framework, built with NumPy: no training loop to reproduce.
rng = np.random.default_rng(0)
N_FEATURES, N_HIDDEN, N_CLASSES = 32, 256, 4
centres = rng.normal(size=(N_CLASSES, N_FEATURES)) * 0.6


def blobs(n):  # four overlapping Gaussian blobs, labels 0, 1, 2, 3 in turn
    labels = np.arange(n) % N_CLASSES
    return (centres[labels] + rng.normal(size=(n, N_FEATURES))).astype(np.float32), labels


x_train, y_train = blobs(2000)
x_test, y_test = blobs(1000)
# Two fixed random ReLU layers, then a linear read-out fitted in closed form (ridge regression).
w1 = (rng.normal(size=(N_FEATURES, N_HIDDEN)) * np.sqrt(2 / N_FEATURES)).astype(np.float32)
w2 = (rng.normal(size=(N_HIDDEN, N_HIDDEN)) * np.sqrt(2 / N_HIDDEN)).astype(np.float32)
b1 = np.full(N_HIDDEN, 0.1, np.float32)
b2 = np.full(N_HIDDEN, 0.1, np.float32)
hidden = np.maximum(np.maximum(x_train.astype(np.float64) @ w1 + b1, 0) @ w2 + b2, 0)
features = np.hstack([hidden, np.ones((len(hidden), 1))])
targets = 2 * np.eye(N_CLASSES)[y_train] - 1
readout = np.linalg.solve(features.T @ features + np.eye(N_HIDDEN + 1), features.T @ targets)
w3, b3 = readout[:-1].astype(np.float32), readout[-1].astype(np.float32)
WEIGHTS = [(w1, b1), (w2, b2), (w3, b3)]  # kernels are (in, out), as Keras and Flax store them
# --8<-- [end:data]


# --8<-- [start:model]
def build():
    model = keras.Sequential([
        keras.Input((N_FEATURES,)),
        keras.layers.Dense(N_HIDDEN, activation="relu"),
        keras.layers.Dense(N_HIDDEN, activation="relu"),
        keras.layers.Dense(N_CLASSES),
    ])
    for layer, (w, b) in zip(model.layers, WEIGHTS, strict=True):
        layer.set_weights([w, b])
    return model


def evaluate(model):
    logits = keras.ops.convert_to_numpy(model(x_test))
    return logits, float((logits.argmax(1) == y_test).mean())


def saved_bytes(model):  # size of the .weights.h5 file
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.weights.h5")
        model.save_weights(path)
        return os.path.getsize(path)


def dense_only(layer):  # skip the InputLayer, which has nothing to quantize
    return isinstance(layer, keras.layers.Dense)


model = build()
logits_float, accuracy_float = evaluate(model)
float_bytes = saved_bytes(model)
print(f"float32: accuracy {accuracy_float:.3f}, .weights.h5 {float_bytes / 1000:.1f} kB")
assert accuracy_float == 0.913  # the float32 figure quoted on the page
# --8<-- [end:model]

# --8<-- [start:dynamic]
quantized = build()
quantized.quantize("int8", filters=dense_only)  # in place; int8 weights, int8 activations per row
logits_int8, accuracy_int8 = evaluate(quantized)
change_int8 = np.abs(logits_int8 - logits_float).max()
int8_bytes = saved_bytes(quantized)
print(f"int8: accuracy {accuracy_int8:.3f}, max logit change {change_int8:.2f}")
print(f".weights.h5 {int8_bytes / 1000:.1f} kB, {int8_bytes / float_bytes:.0%} of float32")
layer = quantized.layers[1]
print("policy:", layer.dtype_policy.name, "|",
      [(v.name, v.dtype, tuple(v.shape)) for v in layer.weights])
assert layer.dtype_policy.name == "int8_from_float32"
assert layer.inputs_quantizer is not None  # activations are quantized at run time
assert abs(accuracy_int8 - accuracy_float) <= 0.01 and change_int8 < 0.1
assert int8_bytes < 0.35 * float_bytes
# --8<-- [end:dynamic]

# --8<-- [start:storage]
w2_int8 = keras.ops.convert_to_numpy(layer._kernel)  # the int8 variable behind layer.kernel
w2_scale = 1 / keras.ops.convert_to_numpy(layer.kernel_scale)  # Keras stores 127 / max|w|
print("kernel", w2_int8.dtype, w2_int8.shape, "| scale = max|w| / 127:",
      np.allclose(w2_scale, np.abs(w2).max(axis=0) / 127))
assert w2_int8.dtype == np.int8 and np.abs(w2_int8).max() == 127  # symmetric: -127..127
assert np.allclose(w2_scale, np.abs(w2).max(axis=0) / 127)
# --8<-- [end:storage]

# --8<-- [start:weight_only]
weight_only = build()
config = keras.quantizers.Int8QuantizationConfig(activation_quantizer=None)
weight_only.quantize(config=config, filters=dense_only)
logits_wo, accuracy_wo = evaluate(weight_only)
change_wo = np.abs(logits_wo - logits_float).max()
print(f"int8 weight-only: accuracy {accuracy_wo:.3f}, max logit change {change_wo:.2f}")
assert weight_only.layers[1].inputs_quantizer is None
assert abs(accuracy_wo - accuracy_float) <= 0.01 and change_wo < 0.1
# --8<-- [end:weight_only]

# --8<-- [start:other_dtypes]
int4 = build()
int4.quantize("int4", filters=dense_only)  # weights packed two per byte, activations int8
logits_int4, accuracy_int4 = evaluate(int4)
float8 = build()
float8.quantize("float8", filters=dense_only)  # float8 training: weights stay float32
print(f"int4: accuracy {accuracy_int4:.3f}, .weights.h5 {saved_bytes(int4) / 1000:.1f} kB")
print(f"float8: kernel {float8.layers[1].kernel.dtype}, "
      f".weights.h5 {saved_bytes(float8) / 1000:.1f} kB")
try:
    build().quantize("int2")
except ValueError as err:
    accepted = str(err).split("Expected one of ")[1].split(". Received")[0]
print("accepted modes:", accepted)
assert accepted == "('int8', 'float8', 'int4', 'gptq', 'awq')"
assert np.prod(int4.layers[1]._kernel.shape) == N_HIDDEN * N_HIDDEN // 2  # two int4 per byte
assert float8.layers[1].kernel.dtype == "float32" and saved_bytes(float8) > float_bytes
assert abs(accuracy_int4 - accuracy_float) <= 0.03
# --8<-- [end:other_dtypes]

# --8<-- [start:qat]
# No QAT workflow in Keras 3.15, but the fake-quantization op has a gradient.
values = keras.Variable(np.linspace(-1.5, 1.5, 5, dtype=np.float32))
with tf.GradientTape() as tape:
    fake = keras.quantizers.fake_quant_with_min_max_vars(values, -1.0, 1.0, num_bits=8)
    loss = keras.ops.sum(fake)
grad = tape.gradient(loss, values).numpy()
print("fake-quantized:", keras.ops.convert_to_numpy(fake).astype(float).round(3).tolist())
print("gradient (straight-through inside the range):", grad.tolist())
assert grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]  # clipped values get no gradient
# --8<-- [end:qat]

UNSHARED_RESULTS = {
    "keras_int8_accuracy": "Keras's int8 rounding of activations: not the other libraries'",
    "keras_h5_bytes": "the .weights.h5 format: the other frameworks serialise differently",
}
results = {
    "logits_float": logits_float,
    "accuracy_float": np.array(accuracy_float),
    "w2_int8_absmax_127": w2_int8,  # the LiteRT converter stores the same integers
    "w2_scale_absmax_127": w2_scale,
    "keras_int8_accuracy": np.array([accuracy_int8, accuracy_wo, accuracy_int4]),
    "keras_h5_bytes": np.array([float_bytes, int8_bytes]),
}
