"""Post-training int8 quantization in PyTorch with torchao: quantize_, PT2E, int4/float8, QAT."""

import copy
import importlib.util
import io
import warnings

import numpy as np
import torch
from torchao.quantization import (
    Float8DynamicActivationFloat8WeightConfig,
    Float8WeightOnlyConfig,
    Int4WeightOnlyConfig,
    Int8DynamicActivationInt8WeightConfig,
    Int8DynamicActivationIntxWeightConfig,
    Int8WeightOnlyConfig,
    IntxWeightOnlyConfig,
    PerAxis,
    PerGroup,
    quantize_,
)
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
    X86InductorQuantizer,
    get_default_x86_inductor_quantization_config,
)
from torchao.quantization.qat import QATConfig

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
# Everything runs on the CPU, so the int8 figures printed below are the same on every machine.
model = torch.nn.Sequential(
    torch.nn.Linear(N_FEATURES, N_HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, N_HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, N_CLASSES),
).eval()
with torch.no_grad():
    for layer, (w, b) in zip(model[::2], WEIGHTS, strict=True):
        layer.weight.copy_(torch.from_numpy(w.T))  # torch.nn.Linear stores (out, in)
        layer.bias.copy_(torch.from_numpy(b))
x = torch.from_numpy(x_test)


def evaluate(m):
    with torch.no_grad():
        logits = m(x)
    return logits, float((logits.argmax(1).numpy() == y_test).mean())


def saved_bytes(m):  # what torch.save writes for the state_dict
    buffer = io.BytesIO()
    torch.save(m.state_dict(), buffer)
    return buffer.getbuffer().nbytes


logits_float, accuracy_float = evaluate(model)
float_bytes = saved_bytes(model)
print(f"float32: accuracy {accuracy_float:.3f}, state_dict {float_bytes / 1000:.1f} kB")
assert accuracy_float == 0.913  # the float32 figure quoted on the page
# --8<-- [end:model]

# --8<-- [start:weight_only]
weight_only = copy.deepcopy(model)
quantize_(weight_only, Int8WeightOnlyConfig())  # in place: every nn.Linear weight becomes int8
logits_wo, accuracy_wo = evaluate(weight_only)
change_wo = (logits_wo - logits_float).abs().max().item()
bytes_wo = saved_bytes(weight_only)
print(f"int8 weight-only: accuracy {accuracy_wo:.3f}, max logit change {change_wo:.2f}")
print(f"state_dict {bytes_wo / 1000:.1f} kB, {bytes_wo / float_bytes:.0%} of float32")

weight = weight_only[2].weight  # a tensor subclass holding int8 values and a scale per row
print(type(weight).__name__, weight.qdata.dtype, tuple(weight.qdata.shape),
      "| scale", weight.scale.dtype, tuple(weight.scale.shape))
w2_scale = weight.scale.numpy().ravel()
assert type(weight).__name__ == "Int8Tensor" and weight.qdata.dtype == torch.int8
assert np.allclose(w2_scale, np.abs(w2).max(axis=0) / 127.5)  # symmetric, per output channel
assert weight.qdata.min().item() == -128  # a channel's most negative weight can reach -128
assert abs(accuracy_wo - accuracy_float) <= 0.01 and change_wo < 0.1
assert bytes_wo < 0.3 * float_bytes
# --8<-- [end:weight_only]

# --8<-- [start:dynamic]
dynamic = copy.deepcopy(model)
quantize_(dynamic, Int8DynamicActivationInt8WeightConfig())  # activations: int8 per row, at runtime
logits_dyn, accuracy_dyn = evaluate(dynamic)
change_dyn = (logits_dyn - logits_float).abs().max().item()
bytes_dyn = saved_bytes(dynamic)
print(f"int8 weights + dynamic int8 activations: accuracy {accuracy_dyn:.3f}, "
      f"max logit change {change_dyn:.2f}")
print(f"state_dict {bytes_dyn / 1000:.1f} kB, {bytes_dyn / float_bytes:.0%} of float32")
assert abs(accuracy_dyn - accuracy_float) <= 0.01 and change_dyn < 0.1
assert bytes_dyn < 0.3 * float_bytes
# --8<-- [end:dynamic]

# --8<-- [start:static]
# PT2E: export the graph, insert observers, calibrate, convert. Static: activation scales are fixed.
exported = torch.export.export(model, (x[:8],), dynamic_shapes=({0: torch.export.Dim.AUTO},))
quantizer = X86InductorQuantizer().set_global(get_default_x86_inductor_quantization_config())
prepared = prepare_pt2e(exported.module(), quantizer)
with torch.no_grad():
    prepared(torch.from_numpy(x_train[:500]))  # calibration: observers record activation ranges
static = convert_pt2e(prepared)  # quantize/dequantize pairs around each linear
logits_static, accuracy_static = evaluate(static)
change_static = (logits_static - logits_float).abs().max().item()
ops = [str(node.target) for node in static.graph.nodes if node.op == "call_function"]
print(f"PT2E static int8: accuracy {accuracy_static:.3f}, max logit change {change_static:.2f}")
print("activations quantized:", ops.count("quantized_decomposed.quantize_per_tensor.default"),
      "| linear layers:", ops.count("aten.linear.default"))
assert ops.count("quantized_decomposed.quantize_per_tensor.default") == 3
assert abs(accuracy_static - accuracy_float) <= 0.01 and change_static < 0.3
# Running it fast needs lowering: torch.compile (x86 Inductor) or ExecuTorch; not done here.
# --8<-- [end:static]

# --8<-- [start:other_dtypes]
int4 = copy.deepcopy(model)
quantize_(int4, IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(32)))
logits_int4, accuracy_int4 = evaluate(int4)
float8 = copy.deepcopy(model)
quantize_(float8, Float8WeightOnlyConfig())  # float8_e4m3fn weights, one scale per row
logits_fp8, accuracy_fp8 = evaluate(float8)
print(f"int4 weights (groups of 32): accuracy {accuracy_int4:.3f}")
print(f"float8 weights: accuracy {accuracy_fp8:.3f}, dtype {float8[2].weight.qdata.dtype}")
assert float8[2].weight.qdata.dtype == torch.float8_e4m3fn
int4_values = int4[2].weight.qdata  # int4 values in -8..7, one per int8 byte (not packed)
assert int4_values.dtype == torch.int8 and int4_values.shape == (N_HIDDEN, N_HIDDEN)
assert -8 <= int4_values.min().item() and int4_values.max().item() <= 7
assert abs(accuracy_int4 - accuracy_float) <= 0.03 and abs(accuracy_fp8 - accuracy_float) <= 0.03

if importlib.util.find_spec("mslk") is None:  # the default int4 packing needs the mslk kernels
    try:
        quantize_(copy.deepcopy(model), Int4WeightOnlyConfig())
        raise AssertionError("expected an ImportError")
    except ImportError as err:
        assert "mslk" in str(err)
if not torch.cuda.is_available():  # float8 x float8 matmuls need a recent GPU
    try:
        quantize_(copy.deepcopy(model), Float8DynamicActivationFloat8WeightConfig())
        raise AssertionError("expected an error")
    except AssertionError as err:
        assert "compute capability" in str(err)
# --8<-- [end:other_dtypes]

# --8<-- [start:qat]
# Quantization-aware training: fake-quantize during fine-tuning, then convert to real int8.
base = Int8DynamicActivationIntxWeightConfig(weight_dtype=torch.int8, weight_granularity=PerAxis(0))
qat_model = copy.deepcopy(model)
quantize_(qat_model, QATConfig(base, step="prepare"))  # Linear -> FakeQuantizedLinear
print("prepared:", type(qat_model[2]).__name__, "| weight dtype", qat_model[2].weight.dtype)
optimizer = torch.optim.SGD(qat_model.parameters(), lr=0.01)
for _ in range(5):  # a few full-batch steps, only to show the loop
    loss = torch.nn.functional.cross_entropy(qat_model(torch.from_numpy(x_train)),
                                             torch.from_numpy(y_train))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
quantize_(qat_model, QATConfig(base, step="convert"))
logits_qat, accuracy_qat = evaluate(qat_model)
print(f"converted: {type(qat_model[2].weight).__name__}, accuracy {accuracy_qat:.3f}")
assert type(qat_model[2]).__name__ == "Linear"
assert qat_model[2].weight.qdata.dtype == torch.int8
assert abs(accuracy_qat - accuracy_float) <= 0.02
# --8<-- [end:qat]

# --8<-- [start:legacy]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, torch.qint8)
messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
print("torch.ao.quantization warns:", messages[0].splitlines()[0].strip())
assert any("torchao" in m and "quantize_" in m and "pt2e" in m for m in messages)
# --8<-- [end:legacy]

UNSHARED_RESULTS = {
    "torchao_int8_accuracy": "torchao's int8 kernels and rounding: not the other libraries'",
    "torchao_int8_bytes": "torch.save format: the other frameworks serialise differently",
    "pt2e_static_accuracy": "PT2E is PyTorch's; calibration ranges differ from LiteRT's",
}
results = {
    "logits_float": logits_float,
    "accuracy_float": np.array(accuracy_float),
    "w2_scale_absmax_127_5": w2_scale,  # Qwix uses the same convention
    "torchao_int8_accuracy": np.array([accuracy_wo, accuracy_dyn]),
    "torchao_int8_bytes": np.array([float_bytes, bytes_wo, bytes_dyn]),
    "pt2e_static_accuracy": np.array(accuracy_static),
}
