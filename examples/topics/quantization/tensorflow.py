"""Post-training int8 quantization with the LiteRT converter, run with the LiteRT interpreter."""

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

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
class MLP(tf.Module):
    def __init__(self):
        self.kernels = [tf.Variable(w) for w, _ in WEIGHTS]
        self.biases = [tf.Variable(b) for _, b in WEIGHTS]

    @tf.function(input_signature=[tf.TensorSpec([None, N_FEATURES], tf.float32)])
    def __call__(self, x):
        x = tf.nn.relu(x @ self.kernels[0] + self.biases[0])
        x = tf.nn.relu(x @ self.kernels[1] + self.biases[1])
        return x @ self.kernels[2] + self.biases[2]


model = MLP()
logits_float = model(x_test).numpy()
accuracy_float = float((logits_float.argmax(1) == y_test).mean())


def to_litert(configure=None):
    """Convert the module to a .tflite flatbuffer (bytes), after configure(converter)."""
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [model.__call__.get_concrete_function()], model)
    if configure:
        configure(converter)
    return converter.convert()


def run_litert(flatbuffer):
    interpreter = Interpreter(model_content=flatbuffer)
    signature = interpreter.get_signature_runner()  # the single serving signature
    logits = next(iter(signature(x=x_test).values()))
    return interpreter, logits, float((logits.argmax(1) == y_test).mean())


float_tflite = to_litert()
_, logits_litert, accuracy_litert = run_litert(float_tflite)
print(f"float32: accuracy {accuracy_float:.3f}, .tflite {len(float_tflite) / 1000:.1f} kB")
print("LiteRT float32 logits within 1e-5 of TensorFlow's:",
      np.allclose(logits_litert, logits_float, atol=1e-5))
assert np.allclose(logits_litert, logits_float, atol=1e-5)
assert accuracy_float == 0.913  # the float32 figure quoted on the page
# --8<-- [end:model]


# --8<-- [start:dynamic]
def dynamic_range(converter):
    converter.optimizations = [tf.lite.Optimize.DEFAULT]  # no data: int8 weights only


dynamic_tflite = to_litert(dynamic_range)
interpreter, logits_dyn, accuracy_dyn = run_litert(dynamic_tflite)
change_dyn = np.abs(logits_dyn - logits_float).max()
print(f"dynamic-range int8: accuracy {accuracy_dyn:.3f}, max logit change {change_dyn:.2f}")
print(f".tflite {len(dynamic_tflite) / 1000:.1f} kB, {len(dynamic_tflite) / len(float_tflite):.0%} "
      "of float32")

tensors = interpreter.get_tensor_details()
print("tensor dtypes:", sorted({t["dtype"].__name__ for t in tensors}))
kernel = next(t for t in tensors if t["dtype"] == np.int8 and t["shape"].tolist() == [256, 256])
w2_int8 = interpreter.get_tensor(kernel["index"]).T  # stored (out, in): back to (in, out)
w2_scale = kernel["quantization_parameters"]["scales"]  # one scale per output channel
assert w2_scale.shape == (N_HIDDEN,)
assert np.allclose(w2_scale, np.abs(w2).max(axis=0) / 127)  # symmetric, range -127..127
assert np.array_equal(w2_int8, np.round(w2 / w2_scale))
assert abs(accuracy_dyn - accuracy_float) <= 0.01 and change_dyn < 0.1
assert len(dynamic_tflite) < 0.3 * len(float_tflite)
# --8<-- [end:dynamic]


# --8<-- [start:static]
def representative_dataset():  # calibration data: the converter records activation ranges
    for start in range(0, 500, 50):
        yield [x_train[start:start + 50]]


def full_integer(converter):
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # int8 ops only
    # inference_input_type / inference_output_type = tf.int8 would also make the interface int8


full_tflite = to_litert(full_integer)
interpreter, logits_full, accuracy_full = run_litert(full_tflite)
change_full = np.abs(logits_full - logits_float).max()
dtypes = {t["name"]: t["dtype"].__name__ for t in interpreter.get_tensor_details()}
print(f"full-integer int8: accuracy {accuracy_full:.3f}, max logit change {change_full:.2f}")
print(f".tflite {len(full_tflite) / 1000:.1f} kB, {len(full_tflite) / len(float_tflite):.0%} "
      "of float32")
print("tensor dtypes:", sorted(set(dtypes.values())), "| float32 tensors:",
      sum(d == "float32" for d in dtypes.values()))
# Weights and activations are int8, biases int32; float32 only at the input and output.
assert sum(d == "float32" for d in dtypes.values()) == 2
assert abs(accuracy_full - accuracy_float) <= 0.01 and change_full < 0.3
assert len(full_tflite) < 0.35 * len(float_tflite)
# --8<-- [end:static]

UNSHARED_RESULTS = {
    "litert_int8_accuracy": "LiteRT's int8 kernels and calibration: not the other libraries'",
    "tflite_bytes": "the .tflite flatbuffer format: the other frameworks serialise differently",
}
results = {
    "logits_float": logits_float,
    "accuracy_float": np.array(accuracy_float),
    "w2_int8_absmax_127": w2_int8,  # Keras's model.quantize("int8") stores the same integers
    "w2_scale_absmax_127": w2_scale,
    "litert_int8_accuracy": np.array([accuracy_dyn, accuracy_full]),
    "tflite_bytes": np.array([len(float_tflite), len(dynamic_tflite), len(full_tflite)]),
}
