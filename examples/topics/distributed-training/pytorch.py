"""Data parallelism and sharding in PyTorch: DDP, DeviceMesh and DTensor, FSDP2 (fully_shard)."""

import os
import tempfile

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import Replicate, Shard, distribute_tensor
from torch.nn.parallel import DistributedDataParallel as DDP

# --8<-- [start:setup]
X = torch.arange(24, dtype=torch.float64).reshape(8, 3) / 10  # 8 examples, 3 features
y = torch.arange(8, dtype=torch.float64)
w0 = torch.tensor([0.5, -0.2, 0.1], dtype=torch.float64)
lr = 0.1


def loss_fn(w, X, y):
    return torch.mean((X @ w - y) ** 2)
# --8<-- [end:setup]


store = tempfile.TemporaryDirectory()
# --8<-- [start:devices]
# torchrun starts one process per device and sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT.
# Run as a plain script, this becomes a group of one process, which is enough to run the code.
if "RANK" in os.environ:
    dist.init_process_group("gloo")  # "nccl" on NVIDIA GPUs
else:
    dist.init_process_group("gloo", init_method=f"file://{store.name}/store", rank=0, world_size=1)
rank, world_size = dist.get_rank(), dist.get_world_size()
# --8<-- [end:devices]

# --8<-- [start:data_parallel]
model = torch.nn.Linear(3, 1, bias=False, dtype=torch.float64)
with torch.no_grad():
    model.weight.copy_(w0)
ddp_model = DDP(model)  # averages gradients across processes during backward()
optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)

X_local, y_local = X.chunk(world_size)[rank], y.chunk(world_size)[rank]  # this process's shard
loss = torch.mean((ddp_model(X_local).squeeze(-1) - y_local) ** 2)
loss.backward()  # DDP all-reduces (averages) the gradient buckets here
grad = model.weight.grad.squeeze(0).clone()
optimizer.step()
updated_w = model.weight.detach().squeeze(0)
print("updated_w:", updated_w.numpy().round(4))
# --8<-- [end:data_parallel]

# --8<-- [start:sharding]
mesh = init_device_mesh("cpu", (world_size,), mesh_dim_names=("data",))  # ("cuda", ...) on GPUs
X_sharded = distribute_tensor(X, mesh, [Shard(0)])  # rows split across the "data" axis
W = torch.arange(12, dtype=torch.float64).reshape(3, 4) / 10
W_replicated = distribute_tensor(W, mesh, [Replicate()])
out = X_sharded @ W_replicated  # a DTensor: each rank computes its own rows
sharded_matmul = out.full_tensor()  # gathers the shards into an ordinary tensor
local_rows = out.to_local().shape[0]  # 8 / world_size rows live on each rank
# --8<-- [end:sharding]

# --8<-- [start:fsdp]
fsdp_model = torch.nn.Linear(3, 1, bias=False, dtype=torch.float64)
with torch.no_grad():
    fsdp_model.weight.copy_(w0)
fully_shard(fsdp_model, mesh=mesh)  # parameters become DTensors sharded on dim 0
fsdp_loss = torch.mean((fsdp_model(X_local).squeeze(-1) - y_local) ** 2)
fsdp_loss.backward()  # gradients are reduce-scattered back into shards
fsdp_grad = fsdp_model.weight.grad.full_tensor().squeeze(0)
# --8<-- [end:fsdp]

dist.destroy_process_group()
store.cleanup()

# --8<-- [start:fsdp_checks]
assert type(fsdp_model.weight).__name__ == "DTensor" and fsdp_model.weight.placements == (Shard(0),)
from torch.distributed.fsdp import FullyShardedDataParallel  # noqa: E402 - FSDP1 still ships

assert isinstance(FullyShardedDataParallel, type)
# --8<-- [end:fsdp_checks]
torch.testing.assert_close(grad, torch.func.grad(loss_fn)(w0, X, y))  # same as one process
torch.testing.assert_close(fsdp_grad, grad)
assert local_rows == 8 // world_size and sharded_matmul.shape == (8, 4)
results = {"grad": grad, "updated_w": updated_w, "sharded_matmul": sharded_matmul}
