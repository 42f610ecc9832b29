#!/usr/bin/python3
"""PyTorch <-> recur interop through safetensors files (Debian's python3-torch).

  export   writes PyTorch models (a module with fields `rnn` = nn.RNN, `head` = nn.Linear)
           as safetensors, with inputs and PyTorch's outputs, into
           src/test-fixtures/resources/dev/recur/interop/ for SafeTensorsInteropTest
           (and the CLI's tests).
  check F...  loads each safetensors file written by recur (F) into a PyTorch module with
           fields `embedding` = nn.Embedding (if F has embedding.weight), `rnn` = nn.RNN
           (num_layers and bidirectional from the rnn.*_l<n>[_reverse] names) and `head` =
           nn.Linear (if F has head.weight; its bias if F has head.bias), with strict
           load_state_dict; runs the inputs recur recorded beside it (F + '.io.txt': dense
           'inputs' or token 'tokens', one sequence) and compares PyTorch's outputs with
           recur's: max |difference| / max |output| must be <= 1e-4.

The safetensors format is written and read by hand (8-byte header length, JSON
header, raw little-endian data), so nothing beyond torch is needed.
"""

import json
import os
import re
import struct
import sys

import torch

HERE = os.path.dirname(__file__)
OUT_DIR = os.path.join(HERE, "..", "..", "test-fixtures", "resources", "dev", "recur", "interop")
BOUND = 1e-4


class Model(torch.nn.Module):
    def __init__(self, n_in, hidden, n_out, nonlinearity, bias):
        super().__init__()
        self.rnn = torch.nn.RNN(n_in, hidden, nonlinearity=nonlinearity, bias=bias)
        self.head = torch.nn.Linear(hidden, n_out, bias=bias)

    def forward(self, x, softmax):
        states, _ = self.rnn(x)
        z = self.head(states)
        return torch.softmax(z, dim=-1) if softmax else z


class DeepModel(torch.nn.Module):
    """Any structure recur writes: optional embedding, stacked/bidirectional RNN, optional head."""

    def __init__(self, vocab, n_in, hidden, layers, bidirectional, bias, n_out, head_bias,
                 nonlinearity):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, n_in) if vocab else None
        self.rnn = torch.nn.RNN(n_in, hidden, num_layers=layers, nonlinearity=nonlinearity,
                                bias=bias, bidirectional=bidirectional)
        width = (2 if bidirectional else 1) * hidden
        self.head = torch.nn.Linear(width, n_out, bias=head_bias) if n_out else None

    def forward(self, x, softmax):
        if self.embedding is not None:
            x = self.embedding(x)
        states, _ = self.rnn(x)
        z = self.head(states) if self.head is not None else states
        return torch.softmax(z, dim=-1) if softmax else z


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.float64: "F64"}


def write_safetensors(path, tensors, metadata):
    """Each tensor in its own dtype (F32, F16, BF16 or F64), little-endian."""
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous()
        # numpy has no bfloat16: its bits travel as int16
        raw = tensor.view(torch.int16) if tensor.dtype == torch.bfloat16 else tensor
        data = raw.numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (len(text) + 8) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"])
    return tensors, metadata


def export():
    os.makedirs(OUT_DIR, exist_ok=True)
    cases = [("tanh-softmax-bias", 6, 21, 5, "tanh", True, True),
             ("relu-identity-nobias", 4, 16, 3, "relu", False, False)]
    for index, (name, n_in, hidden, n_out, nonlinearity, bias, softmax) in enumerate(cases):
        torch.manual_seed(100 + index)
        model = Model(n_in, hidden, n_out, nonlinearity, bias)
        write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), model.state_dict(),
                          {"format": "pt", "recur.activation": nonlinearity.upper(),
                           "recur.output": "SOFTMAX" if softmax else "IDENTITY"})
        steps = 12
        x = torch.randn(steps, 1, n_in)
        with torch.no_grad():
            y = model.double()(x.double(), softmax)  # float32 weights, computed in float64
        with open(os.path.join(OUT_DIR, name + ".io.txt"), "w") as f:
            f.write(f"steps {steps}\n")
            f.write("inputs " + " ".join(f"{v:.9g}" for v in x.reshape(-1).tolist()) + "\n")
            f.write("outputs " + " ".join(f"{v:.17g}" for v in y.reshape(-1).tolist()) + "\n")
    # the first model again, saved as PyTorch users save half, bfloat16 and double models
    name, n_in, hidden, n_out, nonlinearity, bias, softmax = cases[0]
    for dtype, suffix in ((torch.float16, "f16"), (torch.bfloat16, "bf16"), (torch.float64, "f64")):
        torch.manual_seed(100)
        model = Model(n_in, hidden, n_out, nonlinearity, bias).to(dtype)
        write_safetensors(os.path.join(OUT_DIR, f"{name}-{suffix}.safetensors"), model.state_dict(),
                          {"format": "pt", "recur.activation": nonlinearity.upper(),
                           "recur.output": "SOFTMAX" if softmax else "IDENTITY"})
        steps = 12
        x = torch.randn(steps, 1, n_in)
        with torch.no_grad():
            y = model.double()(x.double(), softmax)  # the saved values, computed in float64
        with open(os.path.join(OUT_DIR, f"{name}-{suffix}.io.txt"), "w") as f:
            f.write(f"steps {steps}\n")
            f.write("inputs " + " ".join(f"{v:.9g}" for v in x.reshape(-1).tolist()) + "\n")
            f.write("outputs " + " ".join(f"{v:.17g}" for v in y.reshape(-1).tolist()) + "\n")
    print(f"wrote {len(cases) + 3} cases to {os.path.normpath(OUT_DIR)}", file=sys.stderr)


def check(path):
    tensors, metadata = read_safetensors(path)
    layer_names = [re.fullmatch(r"rnn\.weight_ih_l(\d+)(_reverse)?", name) for name in tensors]
    layers = 1 + max(int(m.group(1)) for m in layer_names if m)
    bidirectional = "rnn.weight_ih_l0_reverse" in tensors
    hidden, n_in = tensors["rnn.weight_ih_l0"].shape
    vocab = tensors["embedding.weight"].shape[0] if "embedding.weight" in tensors else 0
    n_out = tensors["head.weight"].shape[0] if "head.weight" in tensors else 0
    bias = "rnn.bias_ih_l0" in tensors
    head_bias = "head.bias" in tensors
    model = DeepModel(vocab, n_in, hidden, layers, bidirectional, bias, n_out, head_bias,
                      metadata["recur.activation"].lower())
    model.load_state_dict(tensors)  # strict: every tensor of the file, and no other
    model.eval()
    with open(path + ".io.txt") as f:
        fields = dict(line.split(" ", 1) for line in f.read().splitlines())
    steps = int(fields["steps"])
    if vocab:
        x = torch.tensor([int(v) for v in fields["tokens"].split()]).reshape(steps, 1)
    else:
        x = torch.tensor([float(v) for v in fields["inputs"].split()]).reshape(steps, 1, n_in).double()
    expected = torch.tensor([float(v) for v in fields["outputs"].split()], dtype=torch.float64)
    with torch.no_grad():
        y = model.double()(x, metadata["recur.output"] == "SOFTMAX").reshape(-1)
    error = (y - expected).abs().max().item() / y.abs().max().item()
    structure = (f"{layers} layer{'s' if layers > 1 else ''}"
                 + (", bidirectional" if bidirectional else "")
                 + (f", embedding {vocab}x{n_in}" if vocab else "")
                 + (", no layer bias" if not bias else "")
                 + ((", head with bias" if head_bias else ", head without bias") if n_out
                    else ", no head"))
    print(f"{path}: PyTorch loaded recur's file ({structure}); max relative difference"
          f" {error:.3g} (bound {BOUND})")
    return 0 if error <= BOUND else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        export()
    elif sys.argv[1:2] == ["check"] and len(sys.argv) >= 3:
        sys.exit(max(check(path) for path in sys.argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
