#!/usr/bin/python3
"""Writes PyTorch reference trajectories for recur's OptimizerGoldenTest.

Three float32 tensors shaped like a bias-free recur model with I=2, H=3, O=2
(W_x 3x2, W_h 3x3, W_y 2x3) are updated for 6 steps by each torch.optim
optimizer below, in float64, from float32 starting weights and float32
gradients. One file per optimizer: its settings, the learning rate, the
gradients of every step and the weights after every step.

Usage: /usr/bin/python3 src/test/python/make_optimizer_golden.py
"""

import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "dev", "recur", "optim")
SHAPES = [(3, 2), (3, 3), (2, 3)]
STEPS = 6
LR = 0.05

CASES = {
    "sgd": (torch.optim.SGD, {}),
    "sgd-momentum": (torch.optim.SGD, {"momentum": 0.9, "weight_decay": 0.01}),
    "sgd-nesterov": (torch.optim.SGD, {"momentum": 0.8, "nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {"eps": 1e-10}),
    "rmsprop": (torch.optim.RMSprop, {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.001}),
    "adam": (torch.optim.Adam, {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01}),
    "adamw": (torch.optim.AdamW, {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01}),
}


def fmt(tensors):
    return " ".join(f"{v:.17g}" for t in tensors for v in t.detach().reshape(-1).tolist())


def main():
    os.makedirs(OUT, exist_ok=True)
    for index, (name, (cls, settings)) in enumerate(CASES.items()):
        generator = torch.Generator().manual_seed(7 + index)
        params = [torch.randn(s, generator=generator, dtype=torch.float32).double().requires_grad_()
                  for s in SHAPES]
        optimizer = cls(params, lr=LR, **settings)
        lines = [f"torch {torch.__version__}", f"lr {LR}", f"steps {STEPS}",
                 "settings " + " ".join(f"{k}={v}" for k, v in settings.items()),
                 "initial " + fmt(params)]
        for step in range(STEPS):
            grads = [torch.randn(s, generator=generator, dtype=torch.float32).double() for s in SHAPES]
            for p, g in zip(params, grads):
                p.grad = g.clone()
            optimizer.step()
            lines.append(f"grad{step} " + fmt(grads))
            lines.append(f"after{step} " + fmt(params))
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print(f"wrote {len(CASES)} trajectories to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
