"""PyTorch interoperability: NumPy views, and zero-copy exchange with JAX through DLPack."""

import sys

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

# --8<-- [start:sharing_checks]
assert seen_by_torch == 10.0 and np.shares_memory(back_np, x_np)  # one buffer, three names
assert same_memory  # JAX -> PyTorch through DLPack: the same data pointer
buffer = np.zeros(16)
start = 1 if (buffer.ctypes.data + 8) % 64 else 2  # a view that does not start on 64 bytes
unaligned = torch.from_numpy(buffer[start:])
try:  # JAX 0.12 would copy it silently; with copy=False it refuses instead
    jnp.from_dlpack(unaligned, copy=False)
    refused = False
except ValueError as error:
    refused = "not aligned to 64 bytes" in str(error)
assert unaligned.data_ptr() % 64 and refused
# --8<-- [end:sharing_checks]

# --8<-- [start:triton_loaders]
assert "triton" not in sys.modules and "torch._dynamo" not in sys.modules
torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1)  # only constructs an optimizer
assert "torch._dynamo" in sys.modules and "triton" in sys.modules  # ...which loaded both
assert float(jnp.sum(jnp.ones(3))) == 3.0  # JAX and Triton share this process without trouble
# --8<-- [end:triton_loaders]

assert gram.dtype == torch.float64 and gram.shape == (2, 2)
torch.testing.assert_close(gram, x @ x.T)
results = {"exchanged": exchanged, "gram": gram}
