#!/usr/bin/python3
"""Writes PyTorch reference cases for recur's PyTorchGoldenTest.

Each case builds nn.RNN + nn.Linear with random float32 weights, runs them in
float64 (the weights, inputs and initial state are float32 values widened, so
recur sees exactly the same numbers), and records the loss, outputs, hidden
states and every gradient from autograd.

Loss convention (recur's): the batch loss is the mean over sequences of the
sum over steps of the per-step loss. 'mse' is the per-step mean over outputs
of the squared error (identity output); 'ce' is softmax cross-entropy.

Usage (Debian's python3-torch):  /usr/bin/python3 src/test/python/make_pytorch_golden.py
Writes src/test/resources/dev/recur/pytorch/*.txt; CI only reads them.

File format, one item per line:
  key value                 (config: input, hidden, output, steps, batch,
                             activation, bias, loss, targets, torch)
  tensor NAME d0 d1 ...     followed by one line of values, '%.17g', row-major
"""

import itertools
import os
import sys

import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "resources", "dev", "recur", "pytorch")
SIZES = [(3, 5, 4), (10, 13, 6), (16, 32, 8), (7, 20, 3)]  # (I, H, O); H not a multiple of 8 too


def uniform32(generator, shape, bound):
    values = (torch.rand(shape, generator=generator, dtype=torch.float32) * 2 - 1) * bound
    return values.double()


def build_case(index, activation, bias, loss, every_step):
    generator = torch.Generator().manual_seed(1000 + index)
    n_in, hidden, n_out = SIZES[index % len(SIZES)]
    steps = 7 + index % 3
    batch = 1 if index % 2 == 0 else 3

    rnn = torch.nn.RNN(n_in, hidden, nonlinearity=activation, bias=bias).double()
    head = torch.nn.Linear(hidden, n_out, bias=bias).double()
    bound = hidden ** -0.5
    with torch.no_grad():
        for parameter in itertools.chain(rnn.parameters(), head.parameters()):
            parameter.copy_(uniform32(generator, parameter.shape, bound))

    x = torch.randn((steps, batch, n_in), generator=generator, dtype=torch.float32).double()
    h0 = (0.5 * torch.randn((1, batch, hidden), generator=generator, dtype=torch.float32)).double()
    x.requires_grad_(True)
    h0.requires_grad_(True)
    target_steps = steps if every_step else 1
    if loss == "ce":
        targets = torch.randint(0, n_out, (target_steps, batch), generator=generator)
    else:
        targets = torch.randn((target_steps, batch, n_out), generator=generator,
                              dtype=torch.float32).double()

    states, _ = rnn(x, h0)
    logits = head(states)
    used = logits if every_step else logits[-1:]
    if loss == "ce":
        value = F.cross_entropy(used.reshape(-1, n_out), targets.reshape(-1), reduction="sum") / batch
        outputs = torch.softmax(logits, dim=2)
    else:
        value = ((used - targets) ** 2).mean(dim=2).sum() / batch
        outputs = logits
    value.backward()

    tensors = {
        "W_x": rnn.weight_ih_l0, "W_h": rnn.weight_hh_l0, "W_y": head.weight,
    }
    if bias:
        tensors.update({"b_ih": rnn.bias_ih_l0, "b_hh": rnn.bias_hh_l0, "b_y": head.bias})
    lines = [
        f"torch {torch.__version__}",
        f"input {n_in}", f"hidden {hidden}", f"output {n_out}",
        f"steps {steps}", f"batch {batch}",
        f"activation {activation}", f"bias {'two' if bias else 'none'}",
        f"loss {loss}", f"targets {'every' if every_step else 'last'}",
        f"value {value.item():.17g}",
    ]

    def emit(name, tensor):
        data = tensor.detach().reshape(-1).tolist()
        lines.append("tensor " + name + " " + " ".join(str(d) for d in tensor.shape))
        lines.append(" ".join(f"{v:.17g}" for v in data))

    for name, parameter in tensors.items():
        emit(name, parameter)
    emit("x", x)
    emit("h0", h0.reshape(batch, hidden))
    emit("targets", targets)
    emit("hidden", states)
    emit("outputs", outputs)
    for name, parameter in tensors.items():
        emit("grad_" + name, parameter.grad)
    emit("grad_x", x.grad)
    emit("grad_h0", h0.grad.reshape(batch, hidden))
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    index = 0
    for activation, bias, loss, every_step in itertools.product(
            ["tanh", "relu"], [True, False], ["mse", "ce"], [True, False]):
        name = (f"{index:02d}-{activation}-{'two-biases' if bias else 'no-bias'}-{loss}-"
                f"{'many-to-many' if every_step else 'many-to-one'}.txt")
        with open(os.path.join(OUT_DIR, name), "w") as f:
            f.write(build_case(index, activation, bias, loss, every_step))
        index += 1
    print(f"wrote {index} cases to {os.path.normpath(OUT_DIR)}", file=sys.stderr)


if __name__ == "__main__":
    main()
