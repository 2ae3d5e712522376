"""Devices in TensorFlow: what this build supports, the best device, and placing a tensor."""

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import tensorflow as tf

# --8<-- [start:devices]
cpus = tf.config.list_physical_devices("CPU")  # the CPU is always listed
gpus = tf.config.list_physical_devices("GPU")  # CUDA, ROCm, or a plugin such as Metal
best = "/GPU:0" if gpus else "/CPU:0"  # TPUs are reached through TPUStrategy instead
print("CPU listed:", len(cpus) >= 1)
assert len(cpus) >= 1
placed = tf.DeviceSpec.from_string(tf.zeros(2).device).device_type  # no tf.device here
assert placed == ("GPU" if gpus else "CPU")  # a visible GPU is used without asking
# --8<-- [end:devices]

# --8<-- [start:place]
with tf.device(best):  # ops created in this block run on that device
    x = tf.reshape(tf.range(6, dtype=tf.float32), (2, 3))
    product = tf.matmul(x, x, transpose_b=True)
on_best_device = (tf.DeviceSpec.from_string(product.device).device_type
                  == tf.DeviceSpec.from_string(best).device_type)
print("on the best device:", on_best_device)
print("x @ x.T =", product.numpy().tolist())  # .numpy() copies back to the host
assert on_best_device
assert product.numpy().tolist() == [[5.0, 14.0], [14.0, 50.0]]
# --8<-- [end:place]

# --8<-- [start:soft_placement]
# Asking for a GPU that is not there is not an error: the op runs on the CPU instead.
assert tf.config.get_soft_device_placement()  # unless set_soft_device_placement(False)
if not gpus:
    with tf.device("/GPU:0"):
        fallback = tf.reduce_sum(x)
    assert tf.DeviceSpec.from_string(fallback.device).device_type == "CPU"
print("soft placement on:", tf.config.get_soft_device_placement())
# --8<-- [end:soft_placement]

# --8<-- [start:build]
# What the installed package was built for, whatever hardware this machine has.
try:
    cpu_package = version("tensorflow-cpu") is not None
except PackageNotFoundError:  # the full `tensorflow` package, or another build
    cpu_package = False
if cpu_package:  # the package this site installs: built without CUDA or ROCm
    assert not tf.test.is_built_with_cuda() and not tf.test.is_built_with_rocm()
    assert tf.sysconfig.get_build_info()["is_cuda_build"] is False
print("build checks passed for this package: True")
# --8<-- [end:build]

results = {
    "product": product.numpy(),
    "on_best_device": np.array(on_best_device),
}
