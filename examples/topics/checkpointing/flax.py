"""Checkpointing in Flax NNX: nnx.state and nnx.split, saved and restored with Orbax, resumed in a
fresh process."""

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
from flax import nnx  # noqa: E402

# --8<-- [start:setup]
X = jnp.arange(24, dtype=jnp.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = jnp.arange(8, dtype=jnp.float64)
w0 = jnp.array([0.5, -0.2, 0.1])
STEPS, SAVE_AT = 6, 3  # train 6 steps; checkpoint after 3


class Trainer(nnx.Module):  # model, optimizer and RNG streams in one object
    def __init__(self):
        self.model = nnx.Linear(3, 1, use_bias=False, param_dtype=jnp.float64,
                                kernel_init=lambda *_: w0.reshape(3, 1), rngs=nnx.Rngs(0))
        self.optimizer = nnx.Optimizer(self.model, optax.sgd(0.01, momentum=0.9), wrt=nnx.Param)
        self.rngs = nnx.Rngs(shuffle=0)  # a key and a counter: state like any other


@nnx.jit
def train_step(trainer):
    def loss_fn(model):
        return jnp.mean((model(X)[:, 0] - y) ** 2)

    loss, grads = nnx.value_and_grad(loss_fn)(trainer.model)
    trainer.optimizer.update(trainer.model, grads)
    return loss


def train(trainer, steps):
    return [float(train_step(trainer)) for _ in range(steps)]
# --8<-- [end:setup]


# --8<-- [start:resume]
def resume(path):
    abstract = nnx.eval_shape(Trainer)  # structure and shapes only, no arrays allocated
    graphdef, abstract_state = nnx.split(abstract)
    with ocp.StandardCheckpointer() as checkpointer:
        state = checkpointer.restore(path, abstract_state)
    trainer = nnx.merge(graphdef, state)  # a live Trainer holding the saved values
    next_order = jax.random.permutation(trainer.rngs.shuffle(), 8)  # the next epoch's shuffle
    return train(trainer, STEPS - int(trainer.optimizer.step[...])), next_order
# --8<-- [end:resume]


if os.environ.get("CHECKPOINT_PATH"):  # the fresh process started below: resume, report, exit
    losses, next_order = resume(os.environ["CHECKPOINT_PATH"])
    np.savez(os.environ["CHECKPOINT_PATH"] + ".resumed.npz", losses=losses, order=next_order)
    sys.exit()

scratch = tempfile.TemporaryDirectory()  # every file of this sample goes here
tmp = Path(scratch.name)

# --8<-- [start:save]
trainer = Trainer()
first_losses = train(trainer, SAVE_AT)
_, state = nnx.split(trainer)  # nnx.state(trainer) gives the same State: a pytree of arrays
with ocp.StandardCheckpointer() as checkpointer:
    checkpointer.save(tmp / "step3", state)  # asynchronous; leaving the block waits for it
print("saved:", sorted(state.keys()), "step:", int(state["optimizer"]["step"][...]))
# --8<-- [end:save]

# --8<-- [start:uninterrupted]
expected_order = jax.random.permutation(trainer.rngs.shuffle(), 8)
later_losses = train(trainer, STEPS - SAVE_AT)
losses = first_losses + later_losses
child = subprocess.run(  # -P: do not put this folder (and its jax.py) first on sys.path
    [sys.executable, "-P", os.path.abspath(__file__)], capture_output=True, text=True,
    env={**os.environ, "CHECKPOINT_PATH": str(tmp / "step3")},
)
assert child.returncode == 0, child.stderr[-2000:]
resumed = np.load(str(tmp / "step3") + ".resumed.npz")
assert resumed["losses"].tolist() == later_losses  # bit for bit
assert np.array_equal(resumed["order"], expected_order)
print("losses:", np.round(losses, 4))
print("resumed in a fresh process, identical:", resumed["losses"].tolist() == later_losses)
# --8<-- [end:uninterrupted]

# --8<-- [start:without_optimizer]
model_only = Trainer()
with ocp.StandardCheckpointer() as checkpointer:  # restore the model's part of the tree only
    saved = checkpointer.restore(tmp / "step3", nnx.state(nnx.eval_shape(Trainer)))
nnx.update(model_only.model, saved["model"])  # write the values into the live module
losses_without_optimizer_state = train(model_only, STEPS - SAVE_AT)  # momentum starts at zero
assert not np.allclose(losses_without_optimizer_state, later_losses, rtol=1e-3)
print("without optimizer state:", np.round(losses_without_optimizer_state, 4))
# --8<-- [end:without_optimizer]

assert len(losses) == STEPS and losses[-1] < losses[0]
scratch.cleanup()
results = {
    "losses": np.array(losses), "losses_without_optimizer_state": losses_without_optimizer_state,
    "final_w": trainer.model.kernel[...].reshape(3),
}
