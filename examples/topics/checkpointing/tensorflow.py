"""Checkpointing in TensorFlow: tf.train.Checkpoint and CheckpointManager with optimizer and RNG
state, resumed in a fresh process; safetensors."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

# --8<-- [start:setup]
X = tf.reshape(tf.range(24, dtype=tf.float64), (8, 3)) / 10  # 8 examples, 3 features
y = tf.range(8, dtype=tf.float64)
w0 = tf.constant([0.5, -0.2, 0.1], dtype=tf.float64)
STEPS, SAVE_AT = 6, 3  # train 6 steps; checkpoint after 3


class MomentumSGD(tf.Module):  # the optimizer's state is variables, so checkpoints track it
    def __init__(self, w, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.velocity = tf.Variable(tf.zeros_like(w))

    def apply(self, grad, w):
        self.velocity.assign(self.momentum * self.velocity + grad)
        w.assign_sub(self.lr * self.velocity)


def make_state():
    w = tf.Variable(w0)
    return {"w": w, "optimizer": MomentumSGD(w), "rng": tf.random.Generator.from_seed(0),
            "step": tf.Variable(0)}


@tf.function
def train_step(w, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((tf.linalg.matvec(X, w) - y) ** 2)
    optimizer.apply(tape.gradient(loss, w), w)
    return loss


def train(state, steps):
    losses = []
    for _ in range(steps):
        losses.append(float(train_step(state["w"], state["optimizer"])))
        state["step"].assign_add(1)
    return losses
# --8<-- [end:setup]


# --8<-- [start:resume]
def resume(directory):
    state = make_state()  # fresh objects of the same structure, then restore into them
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(**state), directory, max_to_keep=2)
    manager.checkpoint.restore(manager.latest_checkpoint).assert_consumed()  # all matched
    next_order = tf.argsort(state["rng"].uniform([8]))  # e.g. the next epoch's shuffle
    return train(state, STEPS - int(state["step"])), next_order
# --8<-- [end:resume]


if os.environ.get("CHECKPOINT_PATH"):  # the fresh process started below: resume, report, exit
    losses, next_order = resume(os.environ["CHECKPOINT_PATH"])
    np.savez(os.environ["CHECKPOINT_PATH"] + ".resumed.npz", losses=losses, order=next_order)
    sys.exit()

scratch = tempfile.TemporaryDirectory()  # every file of this sample goes here
tmp = Path(scratch.name)

# --8<-- [start:save]
state = make_state()
first_losses = train(state, SAVE_AT)
checkpoint = tf.train.Checkpoint(**state)  # tracks variables reachable from these objects
manager = tf.train.CheckpointManager(checkpoint, tmp / "ckpt", max_to_keep=2)
manager.save(checkpoint_number=int(state["step"]))  # writes ckpt-3.index and ckpt-3.data-*
names = [name for name, _ in tf.train.list_variables(manager.latest_checkpoint)]
assert "optimizer/velocity/.ATTRIBUTES/VARIABLE_VALUE" in names
assert "rng/_state_var/.ATTRIBUTES/VARIABLE_VALUE" in names  # the generator's state
print("saved:", sorted(name.split("/")[0] for name in names if name.endswith("VALUE")))
# --8<-- [end:save]

# --8<-- [start:uninterrupted]
expected_order = tf.argsort(state["rng"].uniform([8]))
later_losses = train(state, STEPS - SAVE_AT)
losses = first_losses + later_losses
final_w = tf.constant(state["w"])  # after step 6 (the manager section below trains on)
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
partial = make_state()
status = tf.train.Checkpoint(w=partial["w"], step=partial["step"]).restore(
    tf.train.latest_checkpoint(tmp / "ckpt"))  # only what this object graph asks for
status.expect_partial()  # silence the warning about the optimizer and rng left unread
losses_without_optimizer_state = train(partial, STEPS - SAVE_AT)  # momentum starts at zero
assert not np.allclose(losses_without_optimizer_state, later_losses, rtol=1e-3)
print("without optimizer state:", np.round(losses_without_optimizer_state, 4))
# --8<-- [end:without_optimizer]

# --8<-- [start:manager]
for _ in range(2):  # two more checkpoints: max_to_keep=2 deletes the oldest
    train(state, 1)
    manager.save(checkpoint_number=int(state["step"]))
kept = [Path(path).name for path in manager.checkpoints]
assert kept == ["ckpt-7", "ckpt-8"] and not list((tmp / "ckpt").glob("ckpt-3.*"))
print("kept:", kept)
# --8<-- [end:manager]

# --8<-- [start:safetensors]
from safetensors.numpy import load_file as load_numpy  # noqa: E402
from safetensors.tensorflow import save_file  # noqa: E402

save_file({"w": w0}, tmp / "w0.safetensors", metadata={"step": "0"})
loaded = load_numpy(tmp / "w0.safetensors")  # NumPy arrays: any framework can take them
assert np.array_equal(loaded["w"], w0.numpy())
safetensors_file = np.frombuffer((tmp / "w0.safetensors").read_bytes(), dtype=np.uint8)
print("w:", loaded["w"], "file bytes:", safetensors_file.size)
# --8<-- [end:safetensors]

assert len(losses) == STEPS and losses[-1] < losses[0]
scratch.cleanup()
results = {
    "losses": np.array(losses), "losses_without_optimizer_state": losses_without_optimizer_state,
    "final_w": final_w, "safetensors_file": safetensors_file,
}
