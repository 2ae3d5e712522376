"""Ecosystem, TensorFlow: the core libraries the page names exist in the installed release."""

import importlib.metadata
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
weights = np.array([1.5, 0.3, -0.7])  # one small array to save and restore
# --8<-- [end:setup]

results = {}

# --8<-- [start:tf-keras]
import keras  # noqa: E402

requires = importlib.metadata.requires("tensorflow-cpu")
assert any(r.replace(" ", "").startswith("keras>=3") for r in requires)  # TF pulls in Keras 3
assert keras.__version__.startswith("3.")
assert tf.keras.Model is keras.Model  # tf.keras *is* Keras 3, not the old Keras 2
assert hasattr(keras.distribution, "DeviceMesh")  # Keras's own sharding API
# --8<-- [end:tf-keras]

# --8<-- [start:litert-package]
from ai_edge_litert.interpreter import Interpreter  # noqa: E402  LiteRT's Python package

assert Interpreter.__module__.startswith("ai_edge_litert")
# --8<-- [end:litert-package]

# --8<-- [start:checkpoint]
w = tf.Variable(weights)
prefix = tf.train.Checkpoint(w=w).write(str(Path(tempfile.mkdtemp()) / "state"))
w.assign(tf.zeros_like(w))
tf.train.Checkpoint(w=w).read(prefix).assert_consumed()
assert np.array_equal(w.numpy(), weights)
# --8<-- [end:checkpoint]
results["checkpoint"] = w.numpy()
