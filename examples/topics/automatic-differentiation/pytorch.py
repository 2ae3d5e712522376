"""Automatic differentiation in PyTorch: first order, second order, per-example gradients."""

import torch

# --8<-- [start:setup]
x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
w = torch.tensor([1.5, 0.3, -0.7], dtype=torch.float64)


def loss(w, x):
    return torch.sum(torch.tanh(w * x) ** 2)
# --8<-- [end:setup]


# --8<-- [start:grad]
w_ = w.clone().requires_grad_()  # autograd records operations on tensors that require grad
loss(w_, x).backward()
grad = w_.grad
print("grad:", grad.numpy().round(4))
# --8<-- [end:grad]

# --8<-- [start:hessian]
hessian = torch.func.hessian(loss)(w, x)  # torch.func: JAX-style function transforms
print("diagonal:", hessian.diagonal().numpy().round(4))
# --8<-- [end:hessian]

# --8<-- [start:per_example]
xs = torch.stack([x, 2 * x, -x, x / 3])  # a batch of 4 examples
per_example = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0))(w, xs)
assert torch.allclose(per_example[0], grad)  # row 0 is example x: its own gradient
print("per_example:", tuple(per_example.shape))
# --8<-- [end:per_example]

# --8<-- [start:func_transforms]
jacobian_of_grad = torch.func.jacfwd(torch.func.jacrev(loss))(w, x)  # forward over reverse
assert torch.allclose(jacobian_of_grad, hessian)  # what torch.func.hessian computes
assert torch.allclose(torch.func.grad(loss)(w, x), grad)  # same as .backward()
# --8<-- [end:func_transforms]

assert grad.shape == (3,) and hessian.shape == (3, 3) and per_example.shape == (4, 3)
results = {"grad": grad, "hessian": hessian, "per_example": per_example}
