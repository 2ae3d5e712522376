"""PyTorch interoperability: NumPy views, and zero-copy exchange with JAX through DLPack."""

import jax

jax.config.update("jax_enable_x64", True)  # keep float64 when JAX receives the array
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

# --8<-- [start:numpy]
x_np = np.arange(6, dtype=np.float64).reshape(2, 3)
x = torch.from_numpy(x_np)  # no copy: the tensor uses the array's memory
back_np = x.numpy()  # no copy either (CPU tensors only; .cpu() first otherwise)
x_np[0, 0] = 10.0  # a change through one name...
seen_by_torch = x[0, 0].item()  # ...is visible through the others: 10.0
x_np[0, 0] = 0.0
print("x[0, 0] seen by PyTorch:", seen_by_torch)
# --8<-- [end:numpy]

# --8<-- [start:dlpack]
x_jax = jnp.from_dlpack(x)  # PyTorch -> JAX; copies if x is not 64-byte aligned
gram_jax = x_jax @ x_jax.T  # computed by JAX
gram = torch.from_dlpack(gram_jax)  # JAX -> PyTorch: no copy
same_memory = gram.data_ptr() == gram_jax.unsafe_buffer_pointer()  # True: zero copy
exchanged = torch.from_dlpack(x_jax)
print("gram:", gram.numpy().tolist())
# --8<-- [end:dlpack]

assert seen_by_torch == 10.0 and back_np.base is not None and same_memory
assert gram.dtype == torch.float64 and gram.shape == (2, 2)
torch.testing.assert_close(gram, x @ x.T)
results = {"exchanged": exchanged, "gram": gram}
