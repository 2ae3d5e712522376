"""JAX interoperability: NumPy conversions, and zero-copy exchange with PyTorch through DLPack."""

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

# --8<-- [start:numpy]
x_np = np.arange(6, dtype=np.float64).reshape(2, 3)
x = jnp.asarray(x_np)  # a copy: JAX arrays are immutable and live on a device
back_np = np.asarray(x)  # on CPU a read-only view of the JAX buffer
x_np[0, 0] = 10.0
seen_by_jax = float(x[0, 0])  # 0.0: the copy did not change
x_np[0, 0] = 0.0
print("x[0, 0] seen by JAX:", seen_by_jax)
# --8<-- [end:numpy]

# --8<-- [start:dlpack]
x_torch = torch.from_dlpack(x)  # JAX -> PyTorch; no copy on CPU
same_memory = x_torch.data_ptr() == x.unsafe_buffer_pointer()
gram_torch = x_torch @ x_torch.T  # computed by PyTorch
gram = jnp.from_dlpack(gram_torch)  # PyTorch -> JAX
exchanged = jnp.from_dlpack(x_torch)
print("gram:", gram.tolist())
# --8<-- [end:dlpack]

# --8<-- [start:sharing_checks]
assert seen_by_jax == 0.0 and not back_np.flags.writeable and same_memory
try:  # a bare DLPack capsule is refused: JAX 0.12 wants the array itself
    jnp.from_dlpack(x_torch.__dlpack__())
    capsule_error = ""
except TypeError as error:
    capsule_error = str(error)
assert "must have __dlpack__ and __dlpack_device__ methods" in capsule_error
# --8<-- [end:sharing_checks]
assert gram.dtype == jnp.float64 and gram.shape == (2, 2)
assert jnp.allclose(gram, x @ x.T)
results = {"exchanged": exchanged, "gram": gram}
