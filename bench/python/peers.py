#!/usr/bin/python3
"""recur's peers, on the models recur is benchmarked with (Debian's python3-torch).

  export DIR   for each hidden size: a PyTorch model (nn.RNN, tanh, + nn.Linear head; I = O = 64)
               saved three ways into DIR: H<h>.safetensors (recur loads it through its PyTorch
               interop), H<h>-step.onnx (x[1,I], h[1,H] -> y[1,O], h_next[1,H]) and
               H<h>-sequence.onnx (x[T,1,I] -> y[T,1,O], from h = 0) for ONNX Runtime.
  bench        times PyTorch on one thread (torch.set_num_threads(1)) and prints one JSON
               object per line:
                 step      one step at batch 1, hidden state fed back; the fastest of eager
                           nn.RNNCell + nn.Linear, the same under TorchScript, and hand-written
                           addmm/tanh into preallocated tensors (named in "variant")
                 step-int8 the step after quantize_dynamic (qint8 weights of nn.RNNCell
                           and nn.Linear), where PyTorch has a quantized engine
                 sequence  nn.RNN + nn.Linear over T=128, batch 1, per step
                 train     forward + backward + SGD step, T=64, MSE at every step, batch 1 and
                           32, per timestep (of the whole minibatch)

Options: --hidden 128,256,512  --seconds S (per figure; default 2).
"""

import argparse
import json
import os
import sys
import time

# One thread everywhere: torch.set_num_threads does not reach a generic BLAS's own pool.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "python"))
from pytorch_interop import write_safetensors  # noqa: E402

INPUT = 64
OUTPUT = 64
SEQUENCE = 128
TRAIN_STEPS = 64


class Model(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.rnn = torch.nn.RNN(INPUT, hidden)
        self.head = torch.nn.Linear(hidden, OUTPUT)

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.head(states)


class Step(torch.nn.Module):
    """One step of the same weights: an nn.RNNCell sharing nn.RNN's tensors, and the head."""

    def __init__(self, model):
        super().__init__()
        hidden = model.rnn.hidden_size
        self.cell = torch.nn.RNNCell(INPUT, hidden)
        with torch.no_grad():
            self.cell.weight_ih.copy_(model.rnn.weight_ih_l0)
            self.cell.weight_hh.copy_(model.rnn.weight_hh_l0)
            self.cell.bias_ih.copy_(model.rnn.bias_ih_l0)
            self.cell.bias_hh.copy_(model.rnn.bias_hh_l0)
        self.head = model.head

    def forward(self, x, h):
        h_next = self.cell(x, h)
        return self.head(h_next), h_next


def model(hidden):
    torch.manual_seed(hidden)
    return Model(hidden).eval()


def export(directory, sizes):
    os.makedirs(directory, exist_ok=True)
    for hidden in sizes:
        m = model(hidden)
        tensors = {"rnn." + k: v for k, v in m.rnn.state_dict().items()}
        tensors.update({"head." + k: v for k, v in m.head.state_dict().items()})
        write_safetensors(os.path.join(directory, "H%d.safetensors" % hidden), tensors,
                          {"format": "pt", "recur.activation": "TANH", "recur.output": "IDENTITY"})
        step = Step(m).eval()
        torch.onnx.export(step, (torch.zeros(1, INPUT), torch.zeros(1, hidden)),
                          os.path.join(directory, "H%d-step.onnx" % hidden),
                          input_names=["x", "h"], output_names=["y", "h_next"], opset_version=13)
        torch.onnx.export(m, (torch.zeros(SEQUENCE, 1, INPUT),),
                          os.path.join(directory, "H%d-sequence.onnx" % hidden),
                          input_names=["x"], output_names=["y"], opset_version=13)
        print("exported H=%d into %s" % (hidden, directory), file=sys.stderr)


def per_call(function, seconds):
    """Seconds per call: calls in rounds of growing size until a round lasts `seconds` / 5,
    then the best of five such rounds (the least disturbed)."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        took = time.perf_counter() - start
        if took >= seconds / 5:
            break
        calls *= 2
    best = took / calls
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def step_variants(m):
    hidden = m.rnn.hidden_size
    step = Step(m).eval()
    x = torch.randn(1, INPUT)

    state = {"h": torch.zeros(1, hidden)}

    def eager():
        y, state["h"] = step(x, state["h"])
        return y

    scripted = torch.jit.trace(step, (x, torch.zeros(1, hidden)))
    scripted = torch.jit.freeze(scripted.eval())
    traced_state = {"h": torch.zeros(1, hidden)}

    def torchscript():
        y, traced_state["h"] = scripted(x, traced_state["h"])
        return y

    w_ih_t = step.cell.weight_ih.detach().t().contiguous()
    w_hh_t = step.cell.weight_hh.detach().t().contiguous()
    bias = (step.cell.bias_ih + step.cell.bias_hh).detach().reshape(1, -1).contiguous()
    w_out_t = m.head.weight.detach().t().contiguous()
    b_out = m.head.bias.detach().reshape(1, -1).contiguous()
    buffers = {"h": torch.zeros(1, hidden), "next": torch.zeros(1, hidden)}
    y = torch.zeros(1, OUTPUT)

    def preallocated():
        h, h_next = buffers["h"], buffers["next"]
        torch.addmm(bias, x, w_ih_t, out=h_next)
        h_next.addmm_(h, w_hh_t)
        torch.tanh(h_next, out=h_next)
        torch.addmm(b_out, h_next, w_out_t, out=y)
        buffers["h"], buffers["next"] = h_next, h
        return y

    return {"eager": eager, "torchscript": torchscript, "preallocated": preallocated}


def int8_step(m):
    """The step with dynamic int8 quantization (nn.RNNCell and nn.Linear weights in qint8,
    activations quantized on the fly), as a call that feeds its state back; None where this
    PyTorch has no quantized engine."""
    if torch.backends.quantized.engine == "none":
        return None
    step = torch.ao.quantization.quantize_dynamic(
        Step(m).eval(), {torch.nn.RNNCell, torch.nn.Linear}, dtype=torch.qint8)
    x = torch.randn(1, INPUT)
    state = {"h": torch.zeros(1, m.rnn.hidden_size)}

    def call():
        y, state["h"] = step(x, state["h"])
        return y

    return call


def bench(sizes, seconds):
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    environment = {"torch": torch.__version__, "threads": torch.get_num_threads(),
                   "blas": blas()}
    for hidden in sizes:
        m = model(hidden)
        times = {name: per_call(f, seconds) for name, f in step_variants(m).items()}
        fastest = min(times, key=times.get)
        emit("step", hidden, 1, times[fastest] * 1e9, fastest,
             {k: round(v * 1e9, 1) for k, v in times.items()}, environment)

        quantized = int8_step(m)
        if quantized is not None:
            emit("step-int8", hidden, 1, per_call(quantized, seconds) * 1e9,
                 "quantize_dynamic qint8, " + torch.backends.quantized.engine, None, environment)

        x = torch.randn(SEQUENCE, 1, INPUT)
        emit("sequence", hidden, 1, per_call(lambda: m(x), seconds) * 1e9 / SEQUENCE, "nn.RNN",
             None, environment)

        with torch.enable_grad():
            trained = model(hidden).train()
            optimizer = torch.optim.SGD(trained.parameters(), lr=1e-9)
            for batch in (1, 32):
                inputs = torch.randn(TRAIN_STEPS, batch, INPUT)
                targets = torch.randn(TRAIN_STEPS, batch, OUTPUT)

                def update():
                    optimizer.zero_grad(set_to_none=False)
                    loss = torch.nn.functional.mse_loss(trained(inputs), targets, reduction="sum")
                    loss.backward()
                    optimizer.step()

                emit("train", hidden, batch, per_call(update, seconds) * 1e9 / TRAIN_STEPS,
                     "nn.RNN + SGD", None, environment)


def blas():
    """The BLAS PyTorch calls: its build's BLAS_INFO, or for a generic build the library that
    libblas.so.3 resolves to (Debian's alternatives: OpenBLAS when libopenblas0 is installed)."""
    config = torch.__config__.show()
    info = config.split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in config else "unknown"
    if info == "generic":
        for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
            if os.path.exists(path):
                return "generic -> " + os.path.realpath(path)
    return info


def emit(what, hidden, batch, nanos, variant, detail, environment):
    record = {"peer": "pytorch", "what": what, "hidden": hidden, "batch": batch,
              "ns": round(nanos, 1), "variant": variant}
    if detail:
        record["variants_ns"] = detail
    record.update(environment)
    print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["export", "bench"])
    parser.add_argument("directory", nargs="?")
    parser.add_argument("--hidden", default="128,256,512")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    sizes = [int(h) for h in args.hidden.split(",")]
    if args.command == "export":
        if not args.directory:
            parser.error("export needs a directory")
        export(args.directory, sizes)
    else:
        bench(sizes, args.seconds)


if __name__ == "__main__":
    main()
