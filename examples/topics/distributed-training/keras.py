"""Data and model parallelism with Keras 3's keras.distribution (JAX backend only)."""

import os
from pathlib import Path

# keras.distribution is implemented for the JAX backend; both variables must precede the imports.
os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")

# --8<-- [start:setup]
X = np.arange(24, dtype=np.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = np.arange(8, dtype=np.float64)
w0 = np.array([0.5, -0.2, 0.1])
lr = 0.1
# --8<-- [end:setup]

# --8<-- [start:data_parallel]
devices = keras.distribution.list_devices()  # ['cpu:0', 'cpu:1', 'cpu:2', 'cpu:3']
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))

model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, use_bias=False)])
model.set_weights([w0.reshape(3, 1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
model.fit(X, y.reshape(8, 1), batch_size=8, epochs=1, shuffle=False, verbose=0)  # one step
updated_w = model.get_weights()[0].ravel()
print("updated_w:", updated_w.round(4))
# --8<-- [end:data_parallel]

# --8<-- [start:sharding]
mesh = keras.distribution.DeviceMesh((2, 2), axis_names=("batch", "model"), devices=devices)
layout_map = keras.distribution.LayoutMap(mesh)
layout_map[".*dense/kernel"] = (None, "model")  # a regex on variable paths: columns over "model"
keras.distribution.set_distribution(
    keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
)
wide = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, use_bias=False, name="dense")])
kernel_spec = wide.layers[0].kernel.value.sharding.spec  # PartitionSpec(None, 'model')
# --8<-- [end:sharding]

# --8<-- [start:backend_support]
assert tuple(kernel_spec) == (None, "model")
backends = Path(keras.__file__).parent / "src" / "backend"  # read as text: no other framework loads
assert "This is just a prototype" in (backends / "tensorflow" / "distribution_lib.py").read_text()
assert not (backends / "torch" / "distribution_lib.py").exists()
# --8<-- [end:backend_support]
assert updated_w.shape == (3,)
results = {"updated_w": updated_w}
