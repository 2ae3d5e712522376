"""Mixed precision with Keras 3 dtype policies and LossScaleOptimizer."""

import os

# Keras mixed precision is TensorFlow's; the backend must be chosen before the first import.
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np

# --8<-- [start:setup]
# Dtype names as small integers, so that results can be compared across frameworks.
CODES = {"float16": 1, "bfloat16": 2, "float32": 3, "float64": 4, "int32": 5, "int64": 6}


def code(dtype):
    return CODES[keras.backend.standardize_dtype(dtype)]
# --8<-- [end:setup]


# --8<-- [start:mixed]
assert keras.config.floatx() == "float32"  # the dtype of new weights and of inputs
assert keras.config.dtype_policy().name == "float32"  # no mixed precision unless asked
x = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
w = np.arange(-3, 3, dtype=np.float32).reshape(3, 2) / 8

keras.config.set_dtype_policy("mixed_bfloat16")  # every layer made from now on
layer = keras.layers.Dense(2, use_bias=False)
layer.build((None, 3))
layer.set_weights([w])
mixed_output = layer(x)
print("policy:", layer.dtype_policy.name, "| compute:", layer.compute_dtype,
      "| variables:", layer.variable_dtype, "| output:", keras.backend.standardize_dtype(
          mixed_output.dtype))
assert (layer.compute_dtype, layer.variable_dtype) == ("bfloat16", "float32")
assert code(mixed_output.dtype) == CODES["bfloat16"] and code(layer.kernel.dtype) == 3
head = keras.layers.Activation("softmax", dtype="float32")  # keep the last layer float32
assert code(head(mixed_output).dtype) == CODES["float32"]
keras.config.set_dtype_policy("float32")
# --8<-- [end:mixed]

# --8<-- [start:loss_scaling]
keras.config.set_dtype_policy("mixed_float16")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
model.layers[0].set_weights([np.zeros((4, 1), np.float32)])
x_small = np.full((1, 4), 2.0**-10, np.float32)


def tiny_loss(y_true, y_pred):  # gradients of 2**-26: below float16's smallest subnormal
    return keras.ops.sum(y_pred) * 2.0**-16


model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss=tiny_loss)
optimizer = model.optimizer
assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)  # added for mixed_float16
assert optimizer.initial_scale == 2.0**15
assert optimizer.dynamic_growth_steps == 2000  # doubles after 2000 finite steps
model.train_on_batch(x_small, np.zeros((1, 1), np.float32))
scaled_grad = 0.0 - float(model.layers[0].kernel.numpy()[0, 0])  # SGD, lr 1, from 0: w = -grad
assert float(optimizer.dynamic_scale.numpy()) == 2.0**15  # finite gradients: scale kept

# The same model without loss scaling: the float16 gradient underflows to zero.
plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
plain.layers[0].set_weights([np.zeros((4, 1), np.float32)])
plain.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss=tiny_loss,
              auto_scale_loss=False)
plain.train_on_batch(x_small, np.zeros((1, 1), np.float32))
assert not isinstance(plain.optimizer, keras.optimizers.LossScaleOptimizer)
unscaled_grad = 0.0 - float(plain.layers[0].kernel.numpy()[0, 0])
keras.config.set_dtype_policy("float32")
print("gradient without scaling:", unscaled_grad, "| with:", scaled_grad == 2**-26)
assert unscaled_grad == 0.0 and scaled_grad == 2**-26
# --8<-- [end:loss_scaling]

results = {
    "mixed_output": keras.ops.convert_to_numpy(keras.ops.cast(mixed_output, "float32")),
    "mixed_codes": np.array([code(mixed_output.dtype), code(layer.kernel.dtype)]),
    "grad_underflow": np.array([unscaled_grad, scaled_grad]),
}
