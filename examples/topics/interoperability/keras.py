"""Keras 3: one model definition that runs on the JAX, TensorFlow or PyTorch backend."""

import os

# JAX unless the caller picks another backend: the same file runs unchanged with
# KERAS_BACKEND=tensorflow or KERAS_BACKEND=torch, and gives the same numbers.
os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np

keras.config.set_floatx("float64")
if keras.backend.backend() == "jax":
    import jax

    jax.config.update("jax_enable_x64", True)  # float64, to compare with the other tabs

# --8<-- [start:backends]
x_np = np.arange(6, dtype=np.float64).reshape(2, 3)
x = keras.ops.convert_to_tensor(x_np)  # a jax.Array, tf.Tensor or torch.Tensor
gram = keras.ops.matmul(x, keras.ops.transpose(x))  # keras.ops: one API, three backends

layer = keras.layers.Dense(2, use_bias=False)
layer.build((None, 3))
layer.set_weights([np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])])
y = layer(x)  # a backend tensor, usable with that backend's own functions
y_np = keras.ops.convert_to_numpy(y)  # back to NumPy, whichever the backend
print("gram:", keras.ops.convert_to_numpy(gram).tolist())
# --8<-- [end:backends]

# --8<-- [start:backend_checks]
assert "dangerous" in keras.config.set_backend.__doc__  # its own docstring says so
assert type(x).__module__.split(".")[0] in {"jax", "jaxlib", "tensorflow", "torch"}
np.testing.assert_allclose(y_np, [[2.0, -1.0], [8.0, -1.0]])
# --8<-- [end:backend_checks]
results = {"exchanged": keras.ops.convert_to_numpy(x), "gram": keras.ops.convert_to_numpy(gram)}
