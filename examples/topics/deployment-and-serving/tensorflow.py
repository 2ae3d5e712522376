"""Exporting a TensorFlow model as a SavedModel, the format TF Serving loads."""

import tempfile
from pathlib import Path

import tensorflow as tf

# --8<-- [start:setup]
W = tf.constant([[0.5, -0.3], [0.8, 0.1], [-0.4, 0.6]], dtype=tf.float64)
b = tf.constant([0.1, -0.2], dtype=tf.float64)
x = tf.constant([[1.0, 2.0, -1.0], [0.5, -0.5, 0.25]], dtype=tf.float64)


class TinyModel(tf.Module):
    def __init__(self):
        super().__init__()
        self.W = tf.Variable(W)
        self.b = tf.Variable(b)

    # The signature fixes dtype and rank; None lets the batch size vary at serving time.
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float64, name="x")])
    def __call__(self, x):
        return tf.tanh(x @ self.W + self.b)


model = TinyModel()
y = model(x)
# --8<-- [end:setup]

tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)

# --8<-- [start:export]
# TF Serving expects <model name>/<version number>/ and serves the "serving_default" signature.
export_dir = folder / "tiny_model" / "1"
tf.saved_model.save(model, str(export_dir), signatures={"serving_default": model.__call__})

reloaded = tf.saved_model.load(str(export_dir))  # no Python class needed
y_reloaded = reloaded(x)
serving_fn = reloaded.signatures["serving_default"]  # what TF Serving calls: named tensors
y_signature = serving_fn(x=x)["output_0"]
print("reloaded gives the same output:", bool(tf.reduce_all(y_reloaded == y)))
# --8<-- [end:export]

tmp.cleanup()
assert list(serving_fn.structured_input_signature[1]) == ["x"]
tf.debugging.assert_near(y_reloaded, y)
tf.debugging.assert_near(y_signature, y)
results = {"y": y, "y_reloaded": y_reloaded}
