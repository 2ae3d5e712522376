"""TensorFlow interoperability: NumPy conversions, and DLPack exchange with PyTorch and JAX."""

# Load PyTorch's compiler stack (and its LLVM) before TensorFlow's: see the import-order note.
import os
import subprocess
import sys

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

# --8<-- [start:import_order]
# A child process that imports TensorFlow first, then asks for torch.compile:
child = subprocess.run(
    [sys.executable, "-c", "import tensorflow, torch; torch.compile(lambda x: x + 1)"],
    capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
)
aborted = child.returncode != 0 and "LLVM ERROR" in child.stderr
# This process imported torch._dynamo before tensorflow (top of the file): compiling works.
compiled = torch.compile(lambda t: t + 1, backend="eager")(torch.ones(2))
print("tensorflow first, then torch.compile: aborted with LLVM ERROR:", aborted)
print("torch._dynamo first, then tensorflow: torch.compile gave", compiled.tolist())
assert aborted and compiled.tolist() == [2.0, 2.0]
# --8<-- [end:import_order]

# --8<-- [start:sharing_checks]
assert seen_by_tf == 0.0 and back_np.shape == (2, 3)
assert hasattr(x, "__dlpack__") and hasattr(x, "__dlpack_device__")  # TF 2.21 tensors export
try:  # ...but TensorFlow's importer takes only a capsule
    tf.experimental.dlpack.from_dlpack(gram_torch)
    takes_tensor = True
except TypeError:
    takes_tensor = False
assert not takes_tensor
# --8<-- [end:sharing_checks]
assert gram.dtype == tf.float64 and gram.shape == (2, 2)
tf.debugging.assert_near(gram, tf.matmul(x, x, transpose_b=True))
results = {"exchanged": exchanged, "gram": gram}
