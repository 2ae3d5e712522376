"""Checkpointing in Keras 3: .keras files with optimizer state, save_weights, and what neither
holds (RNG state); resumed in a fresh process."""

import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

# TensorFlow, to sit beside the TensorFlow tab; the .keras format is the same for every backend.
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np

keras.config.set_floatx("float64")

# --8<-- [start:setup]
X = np.arange(24, dtype=np.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = np.arange(8, dtype=np.float64).reshape(8, 1)
w0 = np.array([0.5, -0.2, 0.1])
STEPS, SAVE_AT = 6, 3  # train 6 steps; checkpoint after 3


def make_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        1, use_bias=False, kernel_initializer=keras.initializers.Constant(w0.reshape(3, 1)))])
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    return model


def train(model, steps):  # one full batch per epoch: one optimizer step per epoch
    history = model.fit(X, y, batch_size=8, epochs=steps, shuffle=False, verbose=0)
    return history.history["loss"]
# --8<-- [end:setup]


# --8<-- [start:resume]
def resume(path):
    model = keras.models.load_model(path)  # architecture, weights, compile(), optimizer state
    return train(model, STEPS - int(model.optimizer.iterations))
# --8<-- [end:resume]


if os.environ.get("CHECKPOINT_PATH"):  # the fresh process started below: resume, report, exit
    np.save(os.environ["CHECKPOINT_PATH"] + ".resumed.npy", resume(os.environ["CHECKPOINT_PATH"]))
    sys.exit()

scratch = tempfile.TemporaryDirectory()  # every file of this sample goes here
tmp = Path(scratch.name)

# --8<-- [start:save]
model = make_model()
first_losses = train(model, SAVE_AT)
model.save(tmp / "step3.keras")  # a zip: config.json, metadata.json, model.weights.h5
print("optimizer:", [variable.path for variable in model.optimizer.variables])
# --8<-- [end:save]

# --8<-- [start:uninterrupted]
later_losses = train(model, STEPS - SAVE_AT)
losses = first_losses + later_losses
child = subprocess.run(  # -P: do not put this folder (and its jax.py) first on sys.path
    [sys.executable, "-P", os.path.abspath(__file__)], capture_output=True, text=True,
    env={**os.environ, "CHECKPOINT_PATH": str(tmp / "step3.keras")},
)
assert child.returncode == 0, child.stderr[-2000:]
resumed = np.load(tmp / "step3.keras.resumed.npy")
assert resumed.tolist() == later_losses  # bit for bit
print("losses:", np.round(losses, 4))
print("resumed in a fresh process, identical:", resumed.tolist() == later_losses)
# --8<-- [end:uninterrupted]

# --8<-- [start:save_weights]
weights_path = tmp / "step6.weights.h5"  # the name must end in .weights.h5
model.save_weights(weights_path)  # weights, and the optimizer's variables too
unbuilt = make_model()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    unbuilt.load_weights(weights_path)  # optimizer not built yet: its variables are skipped
assert any("Skipping variable loading for optimizer" in str(w.message) for w in caught)
assert int(unbuilt.optimizer.iterations) == 0
built = make_model()
built.optimizer.build(built.trainable_variables)  # create the momentum slots first
built.load_weights(weights_path)
assert int(built.optimizer.iterations) == STEPS
assert np.array_equal(built.optimizer.variables[-1].numpy(), model.optimizer.variables[-1])
print("iterations restored:", int(built.optimizer.iterations))
# --8<-- [end:save_weights]

# --8<-- [start:without_optimizer]
weights_only = make_model()
weights_only.set_weights(keras.models.load_model(tmp / "step3.keras").get_weights())
losses_without_optimizer_state = train(weights_only, STEPS - SAVE_AT)  # momentum starts at 0
assert not np.allclose(losses_without_optimizer_state, later_losses, rtol=1e-3)
print("without optimizer state:", np.round(losses_without_optimizer_state, 4))
# --8<-- [end:without_optimizer]

# --8<-- [start:rng_not_saved]
dropout = keras.layers.Dropout(0.5, seed=1)  # draws from its own keras.random.SeedGenerator
noisy = keras.Sequential([keras.Input((3,)), dropout])
noisy(X, training=True)  # each training call advances the generator's state
noisy.save(tmp / "noisy.keras")
reloaded = keras.models.load_model(tmp / "noisy.keras")
saved_state = dropout.seed_generator.state.numpy()
loaded_state = reloaded.layers[0].seed_generator.state.numpy()
assert not np.array_equal(saved_state, loaded_state)  # the .keras file starts it afresh
print("seed state before saving:", saved_state, "after loading:", loaded_state)
# --8<-- [end:rng_not_saved]

assert len(losses) == STEPS and losses[-1] < losses[0]
scratch.cleanup()
results = {
    "losses": np.array(losses), "losses_without_optimizer_state": losses_without_optimizer_state,
    "final_w": model.layers[0].kernel.numpy().reshape(3),
}
