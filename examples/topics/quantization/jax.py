"""Post-training int8 quantization in JAX: a Flax NNX model quantized with Qwix; int4, fp8, QAT."""

import dataclasses

import flax
import jax
import jax.numpy as jnp
import numpy as np
import optax
import qwix
from flax import nnx

# CPU everywhere, so that the int8 figures printed below are the same on every machine.
jax.config.update("jax_platforms", "cpu")

# --8<-- [start:data]
# The same float32 model in every framework, built with NumPy: no training loop to reproduce.
rng = np.random.default_rng(0)
N_FEATURES, N_HIDDEN, N_CLASSES = 32, 256, 4
centres = rng.normal(size=(N_CLASSES, N_FEATURES)) * 0.6


def blobs(n):  # four overlapping Gaussian blobs, labels 0, 1, 2, 3 in turn
    labels = np.arange(n) % N_CLASSES
    return (centres[labels] + rng.normal(size=(n, N_FEATURES))).astype(np.float32), labels


x_train, y_train = blobs(2000)
x_test, y_test = blobs(1000)
# Two fixed random ReLU layers, then a linear read-out fitted in closed form (ridge regression).
w1 = (rng.normal(size=(N_FEATURES, N_HIDDEN)) * np.sqrt(2 / N_FEATURES)).astype(np.float32)
w2 = (rng.normal(size=(N_HIDDEN, N_HIDDEN)) * np.sqrt(2 / N_HIDDEN)).astype(np.float32)
b1 = np.full(N_HIDDEN, 0.1, np.float32)
b2 = np.full(N_HIDDEN, 0.1, np.float32)
hidden = np.maximum(np.maximum(x_train.astype(np.float64) @ w1 + b1, 0) @ w2 + b2, 0)
features = np.hstack([hidden, np.ones((len(hidden), 1))])
targets = 2 * np.eye(N_CLASSES)[y_train] - 1
readout = np.linalg.solve(features.T @ features + np.eye(N_HIDDEN + 1), features.T @ targets)
w3, b3 = readout[:-1].astype(np.float32), readout[-1].astype(np.float32)
WEIGHTS = [(w1, b1), (w2, b2), (w3, b3)]  # kernels are (in, out), as Keras and Flax store them
# --8<-- [end:data]


# --8<-- [start:model]
class MLP(nnx.Module):
    def __init__(self, rngs):
        self.layers = nnx.List([nnx.Linear(N_FEATURES, N_HIDDEN, rngs=rngs),
                                nnx.Linear(N_HIDDEN, N_HIDDEN, rngs=rngs),
                                nnx.Linear(N_HIDDEN, N_CLASSES, rngs=rngs)])

    def __call__(self, x):
        x = jax.nn.relu(self.layers[0](x))
        x = jax.nn.relu(self.layers[1](x))
        return self.layers[2](x)


model = MLP(nnx.Rngs(0))
for layer, (w, b) in zip(model.layers, WEIGHTS, strict=True):
    layer.kernel[...] = jnp.asarray(w)
    layer.bias[...] = jnp.asarray(b)


def evaluate(m):
    logits = np.asarray(m(jnp.asarray(x_test)))
    return logits, float((logits.argmax(1) == y_test).mean())


def saved_bytes(m):  # the model's state as a msgpack file (flax.serialization)
    return len(flax.serialization.msgpack_serialize(nnx.state(m).to_pure_dict()))


logits_float, accuracy_float = evaluate(model)
float_bytes = saved_bytes(model)
print(f"float32: accuracy {accuracy_float:.3f}, msgpack state {float_bytes / 1000:.1f} kB")
assert accuracy_float == 0.913  # the float32 figure quoted on the page
# --8<-- [end:model]

# --8<-- [start:weight_only]
rules = [qwix.QuantizationRule(module_path=".*", weight_qtype="int8")]  # regex over module paths
example = jnp.asarray(x_test[:8])  # an NNX model is run once, to find its matmuls
weight_only = qwix.quantize_model(model, qwix.PtqProvider(rules), example)  # a new model
logits_wo, accuracy_wo = evaluate(weight_only)
change_wo = np.abs(logits_wo - logits_float).max()
bytes_wo = saved_bytes(weight_only)
print(f"int8 weight-only: accuracy {accuracy_wo:.3f}, max logit change {change_wo:.2f}")
print(f"msgpack state {bytes_wo / 1000:.1f} kB, {bytes_wo / float_bytes:.0%} of float32")

kernel = weight_only.layers[1].kernel.array  # a QArray: int8 values and a scale per column
print("kernel:", kernel.qvalue.dtype, kernel.qvalue.shape, "| scale",
      kernel.scale.dtype, kernel.scale.shape)
w2_scale = np.asarray(kernel.scale[...]).ravel()
assert kernel.qvalue.dtype == jnp.int8
assert np.allclose(w2_scale, np.abs(w2).max(axis=0) / 127.5)  # torchao's convention too
assert int(kernel.qvalue[...].min()) == -128  # a channel's most negative weight can reach -128
try:
    qwix.quantize_model(model, qwix.PtqProvider(rules))  # no example input
    raise AssertionError("expected a ValueError")
except ValueError as err:
    assert "inputs must be provided" in str(err)
assert abs(accuracy_wo - accuracy_float) <= 0.01 and change_wo < 0.1
assert bytes_wo < 0.3 * float_bytes
# --8<-- [end:weight_only]

# --8<-- [start:dynamic]
rules = [qwix.QuantizationRule(module_path=".*", weight_qtype="int8", act_qtype="int8")]
dynamic = qwix.quantize_model(model, qwix.PtqProvider(rules), example)  # activations at run time
logits_dyn, accuracy_dyn = evaluate(dynamic)
change_dyn = np.abs(logits_dyn - logits_float).max()
bytes_dyn = saved_bytes(dynamic)
print(f"int8 weights + dynamic int8 activations: accuracy {accuracy_dyn:.3f}, "
      f"max logit change {change_dyn:.2f}")
print(f"msgpack state {bytes_dyn / 1000:.1f} kB, {bytes_dyn / float_bytes:.0%} of float32")
matmuls = [eqn for eqn in jax.make_jaxpr(lambda v: dynamic(v))(example).eqns
           if eqn.primitive.name == "dot_general"]
print("dot_general operand dtypes:", sorted({str(v.aval.dtype) for e in matmuls for v in e.invars}))
assert all(str(v.aval.dtype) == "int8" for e in matmuls for v in e.invars)  # int8 x int8 dots
assert abs(accuracy_dyn - accuracy_float) <= 0.01 and change_dyn < 0.1
# --8<-- [end:dynamic]

# --8<-- [start:other_dtypes]
rule_fields = {field.name for field in dataclasses.fields(qwix.QuantizationRule)}
assert {"tile_size", "act_static_scale"} <= rule_fields  # sub-channel groups; static scales
for qtype in ["int4", "float8_e4m3fn"]:
    rules = [qwix.QuantizationRule(module_path=".*", weight_qtype=qtype)]
    other = qwix.quantize_model(model, qwix.PtqProvider(rules), example)
    logits_other, accuracy_other = evaluate(other)
    print(f"{qtype} weights: accuracy {accuracy_other:.3f}, stored as",
          other.layers[1].kernel.array.qvalue.dtype)
    assert other.layers[1].kernel.array.qvalue.dtype == qtype
    assert abs(accuracy_other - accuracy_float) <= 0.03
# --8<-- [end:other_dtypes]

# --8<-- [start:qat]
# Quantization-aware training: QtProvider fake-quantizes in the forward pass; params stay float32.
rules = [qwix.QuantizationRule(module_path=".*", weight_qtype="int8", act_qtype="int8")]
qat_model = qwix.quantize_model(model, qwix.QtProvider(rules), example)
optimizer = nnx.Optimizer(qat_model, optax.sgd(0.01), wrt=nnx.Param)


@nnx.jit
def train_step(m, optimizer, x, y):
    def loss_fn(m):
        return optax.softmax_cross_entropy_with_integer_labels(m(x), y).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(m)
    optimizer.update(m, grads)
    return loss


for _ in range(5):  # a few full-batch steps, only to show the loop
    train_step(qat_model, optimizer, jnp.asarray(x_train), jnp.asarray(y_train))
print("QAT kernel dtype:", qat_model.layers[1].kernel.dtype)
served = qwix.quantize_model(qat_model, qwix.PtqProvider(rules), example)  # then real int8
logits_qat, accuracy_qat = evaluate(served)
print(f"converted: {served.layers[1].kernel.array.qvalue.dtype} kernel, "
      f"accuracy {accuracy_qat:.3f}")
assert qat_model.layers[1].kernel.dtype == jnp.float32
assert served.layers[1].kernel.array.qvalue.dtype == jnp.int8
assert abs(accuracy_qat - accuracy_float) <= 0.02
# --8<-- [end:qat]

UNSHARED_RESULTS = {
    "qwix_int8_accuracy": "XLA's int8 dots and Qwix's rounding: not the other libraries'",
    "qwix_msgpack_bytes": "a msgpack of the NNX state: the other frameworks serialise differently",
}
results = {
    "logits_float": logits_float,
    "accuracy_float": np.array(accuracy_float),
    "w2_scale_absmax_127_5": w2_scale,  # torchao uses the same convention
    "qwix_int8_accuracy": np.array([accuracy_wo, accuracy_dyn]),
    "qwix_msgpack_bytes": np.array([float_bytes, bytes_wo, bytes_dyn]),
}
