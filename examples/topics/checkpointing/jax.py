"""Checkpointing in JAX: an Optax state, parameters and a PRNG key saved with Orbax, resumed in a
fresh process; safetensors."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)  # float64, to compare exactly with the other tabs
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import orbax.checkpoint as ocp  # noqa: E402

# --8<-- [start:setup]
X = jnp.arange(24, dtype=jnp.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = jnp.arange(8, dtype=jnp.float64)
w0 = jnp.array([0.5, -0.2, 0.1])
STEPS, SAVE_AT = 6, 3  # train 6 steps; checkpoint after 3
optimizer = optax.sgd(0.01, momentum=0.9)  # its state (the momentum) is a pytree of arrays


def loss_fn(w):
    return jnp.mean((X @ w - y) ** 2)


@jax.jit
def train_step(w, opt_state):
    loss, grad = jax.value_and_grad(loss_fn)(w)
    updates, opt_state = optimizer.update(grad, opt_state)
    return optax.apply_updates(w, updates), opt_state, loss


def train(state, steps):  # state: everything a resumed run needs, as one pytree
    losses = []
    for _ in range(steps):
        w, opt_state, loss = train_step(state["w"], state["opt_state"])
        state = {**state, "w": w, "opt_state": opt_state, "step": state["step"] + 1}
        losses.append(float(loss))
    return state, losses
# --8<-- [end:setup]


# --8<-- [start:resume]
def resume(directory):
    with ocp.CheckpointManager(directory) as manager:
        step = manager.latest_step()
        # The target's structure and shapes: Optax's state classes come back as themselves.
        like = {"w": w0, "opt_state": optimizer.init(w0), "key": jax.random.key(0),
                "step": jnp.array(0)}
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, like)
        state = manager.restore(step, args=ocp.args.StandardRestore(abstract))
    key, shuffle_key = jax.random.split(state["key"])  # the key is data: it resumes exactly
    next_order = jax.random.permutation(shuffle_key, 8)  # e.g. the next epoch's shuffle
    return train({**state, "key": key}, STEPS - int(state["step"]))[1], next_order
# --8<-- [end:resume]


if os.environ.get("CHECKPOINT_PATH"):  # the fresh process started below: resume, report, exit
    losses, next_order = resume(os.environ["CHECKPOINT_PATH"])
    np.savez(os.environ["CHECKPOINT_PATH"] + ".resumed.npz", losses=losses, order=next_order)
    sys.exit()

scratch = tempfile.TemporaryDirectory()  # every file of this sample goes here
tmp = Path(scratch.name)

# --8<-- [start:save]
state = {"w": w0, "opt_state": optimizer.init(w0), "key": jax.random.key(0),
         "step": jnp.array(0)}
state, first_losses = train(state, SAVE_AT)
options = ocp.CheckpointManagerOptions(max_to_keep=2)  # older step folders are deleted
with ocp.CheckpointManager(tmp / "ckpt", options=options) as manager:
    manager.save(int(state["step"]), args=ocp.args.StandardSave(state))
    manager.wait_until_finished()  # saving is asynchronous: wait before reading
    saved_steps = manager.all_steps()
assert saved_steps == [3]
print("saved steps:", saved_steps, "momentum:", jax.tree.map(jnp.shape, state["opt_state"]))
# --8<-- [end:save]

# --8<-- [start:uninterrupted]
key, shuffle_key = jax.random.split(state["key"])
expected_order = jax.random.permutation(shuffle_key, 8)
state, later_losses = train({**state, "key": key}, STEPS - SAVE_AT)
losses = first_losses + later_losses
child = subprocess.run(  # -P: do not put this folder (and its jax.py) first on sys.path
    [sys.executable, "-P", os.path.abspath(__file__)], capture_output=True, text=True,
    env={**os.environ, "CHECKPOINT_PATH": str(tmp / "ckpt")},
)
assert child.returncode == 0, child.stderr[-2000:]
resumed = np.load(str(tmp / "ckpt") + ".resumed.npz")
assert resumed["losses"].tolist() == later_losses  # bit for bit
assert np.array_equal(resumed["order"], expected_order)
print("losses:", np.round(losses, 4))
print("resumed in a fresh process, identical:", resumed["losses"].tolist() == later_losses)
# --8<-- [end:uninterrupted]

# --8<-- [start:without_optimizer]
with ocp.CheckpointManager(tmp / "ckpt") as manager:
    restored_w = manager.restore(3)["w"]  # no target: plain arrays, and only the weights used
fresh = {"w": restored_w, "opt_state": optimizer.init(restored_w), "step": jnp.array(3)}
losses_without_optimizer_state = train(fresh, STEPS - SAVE_AT)[1]  # momentum starts at zero
assert not np.allclose(losses_without_optimizer_state, later_losses, rtol=1e-3)
print("without optimizer state:", np.round(losses_without_optimizer_state, 4))
# --8<-- [end:without_optimizer]

# --8<-- [start:safetensors]
from safetensors.flax import save_file  # noqa: E402  (takes jax.Array values)
from safetensors.numpy import load_file as load_numpy  # noqa: E402

save_file({"w": w0}, tmp / "w0.safetensors", metadata={"step": "0"})
loaded = load_numpy(tmp / "w0.safetensors")  # NumPy arrays: any framework can take them
assert np.array_equal(loaded["w"], np.asarray(w0))
safetensors_file = np.frombuffer((tmp / "w0.safetensors").read_bytes(), dtype=np.uint8)
print("w:", loaded["w"], "file bytes:", safetensors_file.size)
# --8<-- [end:safetensors]

# --8<-- [start:safetensors_limits]
try:  # a PRNG key is an array of a key type, not of numbers: unwrap it with key_data
    save_file({"key": state["key"]}, tmp / "bad.safetensors")
    key_refused = False
except Exception:
    key_refused = True
save_file({"key": jax.random.key_data(state["key"])}, tmp / "key.safetensors")  # uint32
key_again = jax.random.wrap_key_data(load_numpy(tmp / "key.safetensors")["key"])
assert key_refused and jnp.array_equal(jax.random.key_data(key_again),
                                       jax.random.key_data(state["key"]))
# --8<-- [end:safetensors_limits]

assert len(losses) == STEPS and losses[-1] < losses[0]
scratch.cleanup()
results = {
    "losses": np.array(losses), "losses_without_optimizer_state": losses_without_optimizer_state,
    "final_w": state["w"], "safetensors_file": safetensors_file,
}
