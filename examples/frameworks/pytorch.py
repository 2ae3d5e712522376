"""One training step in PyTorch's own idiom: an nn.Module, a loss module, an optimizer object."""

import torch

# --8<-- [start:train_step]
x = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 1.5], [2.0, 0.5, -1.0], [-1.0, 1.0, 0.0]],
                 dtype=torch.float64)  # 4 examples, 3 features
y = torch.tensor([[1.0], [-0.5], [2.0], [0.0]], dtype=torch.float64)
w0 = torch.tensor([[0.5], [-0.3], [0.8]], dtype=torch.float64)  # (in, out): kernel layout
b0 = torch.tensor([0.1], dtype=torch.float64)
learning_rate = 0.1

model = torch.nn.Linear(3, 1, dtype=torch.float64)
with torch.no_grad():  # load the fixed starting weights without recording them
    model.weight.copy_(w0.T)  # nn.Linear stores its weight as (out, in)
    model.bias.copy_(b0)

loss_fn = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

model.train()
optimizer.zero_grad()  # gradients accumulate in .grad until cleared
loss = loss_fn(model(x), y)  # eager: this line computes the value now
loss.backward()  # autograd fills model.weight.grad and model.bias.grad
optimizer.step()  # updates the parameters in place
print(f"loss: {float(loss):.6f}")
# --8<-- [end:train_step]

new_w = model.weight.detach().T  # back to (in, out) to compare with the other frameworks
new_b = model.bias.detach()
assert new_w.shape == (3, 1) and new_b.shape == (1,)
assert loss.item() > 0 and not torch.equal(new_w, w0)  # the step moved the weights
results = {"loss": loss.detach(), "new_w": new_w, "new_b": new_b}
