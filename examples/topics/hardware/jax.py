"""Devices in JAX: what this install supports, the best device, and placing an array."""

from importlib.metadata import entry_points
from importlib.util import find_spec

import jax
import jax.numpy as jnp
import numpy as np

# --8<-- [start:devices]
backend = jax.default_backend()  # "gpu", "tpu" or "cpu": the best platform found
devices = jax.devices()  # the devices of that backend
device = devices[0]
same_platform = all(d.platform == backend for d in devices)
print("all devices on the default backend:", same_platform)
assert same_platform
assert len(jax.devices("cpu")) >= 1  # the CPU backend is there next to a GPU or TPU
assert jnp.zeros(2).devices() == {device}  # new arrays go to the best device found
# --8<-- [end:devices]

# --8<-- [start:place]
x = jax.device_put(jnp.arange(6, dtype=jnp.float32).reshape(2, 3), device)
product = x @ x.T  # runs where its inputs are
on_best_device = product.devices() == {device}
print("on the best device:", on_best_device)
print("x @ x.T =", np.asarray(product).tolist())  # np.asarray copies back to the host
assert on_best_device
assert np.asarray(product).tolist() == [[5.0, 14.0], [14.0, 50.0]]
# --8<-- [end:place]

# --8<-- [start:build]
# jaxlib alone runs on the CPU: GPUs and TPUs need a plugin (jax[cuda13],
# jax[rocm7-local], ...) or libtpu (jax[tpu]), installed separately.
plugins = list(entry_points(group="jax_plugins"))
if not plugins and find_spec("jax_plugins") is None and find_spec("libtpu") is None:
    assert backend == "cpu"  # whatever hardware the machine has
print("build checks passed for this install: True")
# --8<-- [end:build]

results = {
    "product": np.asarray(product),
    "on_best_device": np.array(on_best_device),
}
