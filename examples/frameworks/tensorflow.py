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

# Evidence for statements on docs/frameworks/tensorflow.md (TensorFlow 2.21, Keras 3.15).

# --8<-- [start:tf_keras_is_keras3]
import os  # noqa: E402

os.environ.pop("KERAS_BACKEND", None)  # no override: Keras picks its default backend
import keras  # noqa: E402

assert keras.__version__.startswith("3.") and tf.keras.Model is keras.Model  # tf.keras is Keras 3
assert keras.backend.backend() == "tensorflow"  # the default backend
# --8<-- [end:tf_keras_is_keras3]

# --8<-- [start:tracing_side_effects]
traces = []


@tf.function
def double(v):
    traces.append(v.shape)  # a Python side effect: runs only while tracing
    return 2 * v


double(tf.constant(1.0))
double(tf.constant(2.0))  # same shape and dtype: the traced graph is reused
double(tf.constant([1.0, 2.0]))  # a new shape: traced again
print(f"calls: 3, traces: {len(traces)}")
assert len(traces) == 2 and double.experimental_get_tracing_count() == 2
# --8<-- [end:tracing_side_effects]

# --8<-- [start:package_metadata]
import importlib.metadata  # noqa: E402


def tf_metadata():
    for name in ("tensorflow", "tensorflow-cpu"):
        try:
            return importlib.metadata.metadata(name), importlib.metadata.requires(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    raise AssertionError("no TensorFlow distribution found")


tf_meta, tf_requires = tf_metadata()
assert not any(r.startswith("tensorboard") for r in tf_requires)  # not a dependency in 2.21
python_versions = {
    c.rsplit(" ", 1)[-1]
    for c in tf_meta.get_all("Classifier")
    if c.startswith("Programming Language :: Python :: 3.")
}
assert max(python_versions, key=lambda v: int(v.split(".")[1])) == "3.13"
assert "3.14" not in python_versions and "3.9" not in python_versions
# --8<-- [end:package_metadata]

# --8<-- [start:litert_convert]
import tempfile  # noqa: E402

import numpy as np  # noqa: E402
from ai_edge_litert.interpreter import Interpreter  # noqa: E402

keras_model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
sample = np.ones((1, 3), dtype="float32")
with tempfile.TemporaryDirectory() as tmp:
    keras_model.export(os.path.join(tmp, "saved"), format="tf_saved_model", verbose=False)
    reloaded = tf.saved_model.load(os.path.join(tmp, "saved"))  # what TF Serving loads
    assert np.allclose(reloaded.serve(sample), keras_model(sample))
    # tf.lite's converter still ships in TensorFlow 2.21; the runtime is the LiteRT package.
    flatbuffer = tf.lite.TFLiteConverter.from_saved_model(os.path.join(tmp, "saved")).convert()
interpreter = Interpreter(model_content=flatbuffer)
interpreter.allocate_tensors()
interpreter.set_tensor(interpreter.get_input_details()[0]["index"], sample)
interpreter.invoke()
litert_out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
print(
    f"SavedModel and LiteRT agree with Keras within 1e-6: "
    f"{bool(np.allclose(litert_out, keras_model(sample), atol=1e-6))}"
)
assert np.allclose(litert_out, keras_model(sample), atol=1e-6)
# --8<-- [end:litert_convert]

# --8<-- [start:keras_export_formats]
import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

export_doc = keras.Model.export.__doc__
assert all(
    f'"{fmt}"' in export_doc for fmt in ("tf_saved_model", "onnx", "openvino", "litert", "torch")
)
# Read, not imported: importing it can load torch, whose LLVM clashes with TensorFlow's.
onnx_source = Path(importlib.util.find_spec("keras.src.export.onnx").origin).read_text()
# ONNX export needs a converter package per backend: tf2onnx or jax2onnx (or torch.onnx).
assert "tf2onnx" in onnx_source and "jax2onnx" in onnx_source
# --8<-- [end:keras_export_formats]

# --8<-- [start:distribution_apis]
for strategy in (
    "MirroredStrategy",
    "MultiWorkerMirroredStrategy",
    "TPUStrategy",
    "ParameterServerStrategy",
):
    assert hasattr(tf.distribute, strategy)
assert hasattr(tf.experimental, "dtensor")
from keras.src.backend.tensorflow import distribution_lib as keras_tf_dist  # noqa: E402

assert "DO NOT USE" in keras_tf_dist.__doc__ and "prototype" in keras_tf_dist.__doc__
backends = Path(keras.__file__).parent / "src" / "backend"  # looked up, not imported (LLVM)
assert (backends / "jax" / "distribution_lib.py").exists()
assert not (backends / "torch" / "distribution_lib.py").exists()
# --8<-- [end:distribution_apis]
