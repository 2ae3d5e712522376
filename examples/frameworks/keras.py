"""One training step in Keras 3's own idiom: a model, compile() and train_on_batch()."""

import os

# Keras 3 picks its backend at import; JAX here shows the same Keras code running off TensorFlow.
os.environ["KERAS_BACKEND"] = "jax"

import jax

jax.config.update("jax_enable_x64", True)  # without it the JAX backend silently computes in float32
import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")  # layers create float64 weights, to compare exactly

# --8<-- [start:train_step]
x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]])
y = np.array([[1.0], [-0.5], [2.0], [0.0]])
w0 = np.array([[0.5], [-0.3], [0.8]])  # (in, out): Dense stores its kernel this way
b0 = np.array([0.1])
learning_rate = 0.1

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.set_weights([w0, b0])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")

loss = model.train_on_batch(x, y)  # one compiled step on the backend: forward, grad, update
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]
# keras.ops.mean reduces in float32 even for float64 input (Keras 3.15, JAX backend), so the
# reported loss matches the other tabs to about 1e-8; the updated weights match exactly.

new_w, new_b = (np.asarray(v) for v in model.get_weights())
assert keras.backend.backend() == "jax"
assert new_w.shape == (3, 1) and new_b.shape == (1,)
assert loss > 0 and not np.array_equal(new_w, w0)  # the step moved the weights
results = {"loss": np.float64(loss), "new_w": new_w, "new_b": new_b}

# --8<-- [start:float32_loss]
exact_loss = np.mean((x @ w0 + b0 - y) ** 2)  # float64 throughout
assert 0 < abs(float(loss) - exact_loss) < 1e-6  # reported loss: close, not float64-exact
# --8<-- [end:float32_loss]
