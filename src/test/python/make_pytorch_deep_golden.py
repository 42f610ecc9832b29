#!/usr/bin/python3
"""Writes PyTorch reference cases for stacked and bidirectional Elman RNNs.

Each case builds a module with optional submodules named exactly like recur's
safetensors prefixes expect:
  embedding  nn.Embedding(V, E)                       (token inputs only)
  rnn        nn.RNN(in, H, num_layers=L, bidirectional=..., bias=..., nonlinearity=...)
  head       nn.Linear(D*H, O, bias=...)              (optional; D = 2 if bidirectional)
Inputs are time-major, (steps, batch, ...). Every parameter is a float32 value
uniform in +-H^-0.5 (the embedding: float32 randn), widened to float64; the
initial state h0 is 0.5*randn float32, shape (L*D, batch, H). The forward pass
and autograd run in float64, so recur sees exactly the same numbers.

Outputs z_t: the head's output, or without a head the top layer's output
(width D*H, the forward direction's H values first, as PyTorch concatenates).

Loss convention (recur's): the batch loss is the mean over sequences of the
sum over (real) steps of the per-step loss. 'mse' is the per-step mean over
outputs of the squared error (identity output); 'ce' is softmax cross-entropy
(without a head, over the D*H top-layer outputs as logits). Targets 'last'
score each sequence's output at its own last real step (the final row when it
is not padded); 'every' scores every real step.

Masked cases: sequences have lengths >= 1 with trailing padding only, at least
one of full length; they run through nn.utils.rnn.pack_padded_sequence(...,
enforce_sorted=False) and are padded back, so each reverse direction starts at
its sequence's last real step, and h_n holds, per sequence, the forward state
after its last real step and the reverse state after step 0. Padded positions
of x/tokens, targets, outputs (and so grad_x) are written as 0; the loss only
uses real steps. Masked cases always have targets 'every'.

Usage (Debian's python3-torch):  /usr/bin/python3 src/test/python/make_pytorch_deep_golden.py
Writes src/test/resources/dev/recur/pytorch-deep/NN-<description>.txt; CI only reads them.

File format, one item per line:
  key value                 meta, in this order:
                              torch, input (I; with an embedding, V), hidden, output
                              (O, or D*H without a head), layers, bidirectional (yes/no),
                              embedding (E or 0), layer_bias (two/none), head (yes/no),
                              head_bias (yes/no/-), activation (tanh/relu), loss (mse/ce),
                              targets (every/last), masked (yes/no), steps, batch,
                              value (the loss)
  tensor NAME d0 d1 ...     followed by one line of values, '%.17g', row-major
Tensors, in this order:
  every parameter under its state_dict name (embedding.weight, rnn.weight_ih_l0,
    rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, rnn.weight_ih_l0_reverse, ...,
    rnn.weight_ih_l1, ..., head.weight, head.bias), in state_dict order
  x (steps, batch, I)  or  tokens (steps, batch), integer-valued
  mask (steps, batch)       1 at real steps, 0 at padding; masked cases only
  h0 (L*D, batch, H)
  targets (steps or 1, batch) class indices for 'ce', (steps or 1, batch, width) for 'mse'
  outputs (steps, batch, width)  z_t for 'mse', softmax(z_t) for 'ce', every step
  h_n (L*D, batch, H)       as nn.RNN returns it (row = layer*D + direction)
  grad_<parameter name>     for every parameter, same order
  grad_x                    dense inputs only
  grad_h0 (L*D, batch, H)
"""

import os
import sys

import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "resources", "dev", "recur", "pytorch-deep")
VOCAB = 11
EMBED = 6

# (layers, bidirectional, embedding, layer_bias, head, head_bias, activation, loss,
#  every_step, masked, steps, batch, hidden, input, output)
# head_bias is None without a head; input is ignored with an embedding (V is VOCAB).
CASES = [
    # unidirectional stacks
    (2, False, False, True, True, True, "tanh", "mse", True, False, 7, 3, 13, 7, 4),
    (2, False, False, False, False, None, "tanh", "ce", False, False, 6, 2, 5, 3, None),
    (3, False, False, True, False, None, "relu", "mse", True, False, 5, 2, 5, 3, None),
    (3, False, False, False, True, True, "tanh", "ce", True, False, 8, 1, 20, 7, 6),
    (2, False, True, True, True, False, "tanh", "ce", False, False, 9, 3, 13, None, 6),
    (3, False, True, False, False, None, "relu", "mse", False, False, 4, 4, 5, None, None),
    (2, False, False, True, True, True, "relu", "ce", True, True, 8, 3, 13, 3, 4),
    (3, False, True, True, True, False, "tanh", "mse", True, True, 7, 4, 5, None, 4),
    (2, False, False, False, True, False, "relu", "mse", False, False, 6, 2, 20, 3, 6),
    (3, False, False, True, True, True, "relu", "mse", False, False, 5, 1, 13, 7, 4),
    # bidirectional
    (1, True, False, True, True, True, "tanh", "mse", True, True, 7, 3, 5, 3, 4),
    (2, True, False, True, True, True, "tanh", "mse", True, False, 6, 2, 13, 7, 4),
    (2, True, False, False, True, False, "tanh", "ce", False, False, 8, 3, 5, 3, 6),
    (2, True, False, True, False, None, "tanh", "ce", True, True, 9, 4, 5, 7, None),
    (2, True, False, False, False, None, "relu", "mse", True, True, 6, 3, 13, 3, None),
    (2, True, True, True, True, True, "tanh", "ce", True, True, 7, 3, 13, None, 6),
    (3, True, False, True, True, False, "relu", "mse", True, True, 8, 2, 5, 7, 4),
    (3, True, False, False, True, True, "tanh", "mse", False, False, 5, 2, 20, 3, 6),
    (3, True, True, False, False, None, "tanh", "ce", True, True, 6, 4, 5, None, None),
    (2, True, True, False, True, False, "relu", "ce", False, False, 7, 1, 13, None, 4),
    (3, True, False, True, False, None, "relu", "ce", False, False, 4, 3, 5, 3, None),
    (2, True, False, True, True, True, "relu", "ce", True, True, 9, 4, 20, 7, 6),
    (2, True, True, True, False, None, "tanh", "mse", True, False, 5, 2, 5, None, None),
    (3, True, True, True, True, True, "relu", "mse", True, True, 6, 3, 13, None, 4),
    # many-to-one over padded batches: scored at each sequence's last real step
    (2, True, False, True, True, True, "tanh", "ce", False, True, 8, 4, 13, 3, 6),
    (1, True, True, False, False, None, "tanh", "mse", False, True, 7, 3, 5, None, None),
    (2, False, False, True, True, False, "relu", "mse", False, True, 6, 3, 5, 3, 4),
]


class Model(torch.nn.Module):
    def __init__(self, layers, bidirectional, embedding, layer_bias, head, head_bias,
                 activation, hidden, n_in, n_out):
        super().__init__()
        directions = 2 if bidirectional else 1
        if embedding:
            self.embedding = torch.nn.Embedding(VOCAB, EMBED)
        self.rnn = torch.nn.RNN(EMBED if embedding else n_in, hidden, num_layers=layers,
                                bidirectional=bidirectional, bias=layer_bias,
                                nonlinearity=activation)
        if head:
            self.head = torch.nn.Linear(directions * hidden, n_out, bias=head_bias)


def uniform32(generator, shape, bound):
    values = (torch.rand(shape, generator=generator, dtype=torch.float32) * 2 - 1) * bound
    return values.double()


def lengths_for(generator, steps, batch):
    """Lengths in [1, steps], at least one full and, with batch > 1, at least one short."""
    lengths = torch.randint(1, steps + 1, (batch,), generator=generator)
    full = torch.randint(0, batch, (1,), generator=generator).item()
    lengths[full] = steps
    if batch > 1 and bool((lengths == steps).all()):
        lengths[(full + 1) % batch] = 1 + torch.randint(0, steps - 1, (1,), generator=generator).item()
    return lengths


def build_case(index, case):
    (layers, bidirectional, embedding, layer_bias, head, head_bias, activation, loss,
     every_step, masked, steps, batch, hidden, n_in, n_out) = case
    generator = torch.Generator().manual_seed(2000 + index)
    directions = 2 if bidirectional else 1
    width = n_out if head else directions * hidden

    model = Model(layers, bidirectional, embedding, layer_bias, head, head_bias,
                  activation, hidden, n_in, n_out).double()
    bound = hidden ** -0.5
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name == "embedding.weight":
                parameter.copy_(torch.randn(parameter.shape, generator=generator,
                                            dtype=torch.float32).double())
            else:
                parameter.copy_(uniform32(generator, parameter.shape, bound))
    parameters = dict(model.named_parameters())
    assert list(parameters) == list(model.state_dict())

    lengths = lengths_for(generator, steps, batch) if masked else torch.full((batch,), steps)
    mask = (torch.arange(steps).unsqueeze(1) < lengths.unsqueeze(0)).double()  # (steps, batch)

    if embedding:
        tokens = torch.randint(0, VOCAB, (steps, batch), generator=generator) * mask.long()
        x = None
        inputs = model.embedding(tokens)
    else:
        x = torch.randn((steps, batch, n_in), generator=generator, dtype=torch.float32).double()
        x = (x * mask.unsqueeze(2)).detach().requires_grad_(True)
        inputs = x
    h0 = (0.5 * torch.randn((layers * directions, batch, hidden), generator=generator,
                            dtype=torch.float32)).double().requires_grad_(True)
    target_steps = steps if every_step else 1
    target_mask = mask if every_step else torch.ones((1, batch), dtype=torch.float64)
    if loss == "ce":
        targets = torch.randint(0, width, (target_steps, batch), generator=generator)
        targets = targets * target_mask.long()
    else:
        targets = torch.randn((target_steps, batch, width), generator=generator,
                              dtype=torch.float32).double()
        targets = targets * target_mask.unsqueeze(2)

    if masked:
        packed = torch.nn.utils.rnn.pack_padded_sequence(inputs, lengths, enforce_sorted=False)
        packed_states, h_n = model.rnn(packed, h0)
        states, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_states, total_length=steps)
    else:
        states, h_n = model.rnn(inputs, h0)
    z = model.head(states) if head else states

    # many-to-one: each sequence's output at its own last real step (the last row unpadded)
    used = z if every_step else z[lengths - 1, torch.arange(batch)].unsqueeze(0)
    if loss == "ce":
        per_step = F.cross_entropy(used.reshape(-1, width), targets.reshape(-1),
                                   reduction="none").reshape(target_steps, batch)
        outputs = torch.softmax(z, dim=2)
    else:
        per_step = ((used - targets) ** 2).mean(dim=2)
        outputs = z
    value = (per_step * target_mask).sum() / batch
    outputs = outputs * mask.unsqueeze(2)
    value.backward()

    yes_no = lambda flag: "yes" if flag else "no"
    lines = [
        f"torch {torch.__version__}",
        f"input {VOCAB if embedding else n_in}", f"hidden {hidden}", f"output {width}",
        f"layers {layers}", f"bidirectional {yes_no(bidirectional)}",
        f"embedding {EMBED if embedding else 0}",
        f"layer_bias {'two' if layer_bias else 'none'}", f"head {yes_no(head)}",
        f"head_bias {yes_no(head_bias) if head else '-'}",
        f"activation {activation}", f"loss {loss}",
        f"targets {'every' if every_step else 'last'}", f"masked {yes_no(masked)}",
        f"steps {steps}", f"batch {batch}",
        f"value {value.item():.17g}",
    ]

    def emit(name, tensor):
        data = tensor.detach().double().reshape(-1).tolist()
        lines.append("tensor " + name + " " + " ".join(str(d) for d in tensor.shape))
        lines.append(" ".join(f"{v:.17g}" for v in data))

    for name, parameter in parameters.items():
        emit(name, parameter)
    if embedding:
        emit("tokens", tokens)
    else:
        emit("x", x)
    if masked:
        emit("mask", mask)
    emit("h0", h0)
    emit("targets", targets)
    emit("outputs", outputs)
    emit("h_n", h_n)
    for name, parameter in parameters.items():
        emit("grad_" + name, parameter.grad)
    if not embedding:
        emit("grad_x", x.grad)
    emit("grad_h0", h0.grad)
    return "\n".join(lines) + "\n"


def describe(index, case):
    (layers, bidirectional, embedding, layer_bias, head, head_bias, activation, loss,
     every_step, masked, *_rest) = case
    parts = [f"{index:02d}", f"{layers}-layer", "bi" if bidirectional else "uni",
             "embedding" if embedding else "dense",
             "two-biases" if layer_bias else "no-bias",
             ("head-bias" if head_bias else "head-no-bias") if head else "no-head",
             activation, loss, "many-to-many" if every_step else "many-to-one"]
    if masked:
        parts.append("masked")
    return "-".join(parts) + ".txt"


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for index, case in enumerate(CASES):
        with open(os.path.join(OUT_DIR, describe(index, case)), "w") as f:
            f.write(build_case(index, case))
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT_DIR)}", file=sys.stderr)


if __name__ == "__main__":
    main()
