"""TensorFlow interoperability: NumPy conversions, and DLPack exchange with PyTorch and JAX."""

# Load PyTorch's compiler stack (and its LLVM) before TensorFlow's: see the import-order note.
import torch._dynamo

import jax

jax.config.update("jax_enable_x64", True)  # keep float64 when JAX receives the array
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

# --8<-- [start:numpy]
x_np = np.arange(6, dtype=np.float64).reshape(2, 3)
x = tf.constant(x_np)  # a copy: TensorFlow tensors are immutable
back_np = x.numpy()  # a NumPy array with the same values
x_np[0, 0] = 10.0
seen_by_tf = float(x[0, 0])  # 0.0: the copy did not change
x_np[0, 0] = 0.0
print("x[0, 0] seen by TensorFlow:", seen_by_tf)
# --8<-- [end:numpy]

# --8<-- [start:dlpack]
x_torch = torch.from_dlpack(x)  # TF -> PyTorch: TF 2.21 tensors implement __dlpack__
x_jax = jnp.from_dlpack(x)  # TF -> JAX
gram_torch = x_torch @ x_torch.T  # computed by PyTorch
# PyTorch -> TF: TensorFlow's importer takes a DLPack capsule, not the tensor itself
gram = tf.experimental.dlpack.from_dlpack(gram_torch.__dlpack__())
exchanged = tf.experimental.dlpack.from_dlpack(torch.from_dlpack(x_jax).__dlpack__())
print("gram:", gram.numpy().tolist())
# --8<-- [end:dlpack]

assert seen_by_tf == 0.0 and back_np.shape == (2, 3)
assert gram.dtype == tf.float64 and gram.shape == (2, 2)
tf.debugging.assert_near(gram, tf.matmul(x, x, transpose_b=True))
results = {"exchanged": exchanged, "gram": gram}
