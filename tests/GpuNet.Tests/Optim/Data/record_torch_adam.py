"""Records 20 steps of torch.optim.Adam and AdamW for TorchAdamStepTests.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/GpuNet.Tests/Optim/Data/record_torch_adam.py

It writes torch_adam_steps.json beside itself: for each case the settings, the initial weight [5, 7] and
bias [5], the gradient and learning rate of every step, and the weight, bias, exp_avg and exp_avg_sq
after every step. Every number is a float32 printed so that it parses back to the same float32.
The learning rate changes every step (a schedule), set on the param group before step() as a
torch.optim.lr_scheduler does; the last case also scales its gradients as clip_grad_norm_ would.
"""
import json
import os

import torch

STEPS = 20


def f32(t):
    # A float32 widened to a Python float is exact, and json writes the shortest text that parses back to it.
    return t.detach().to(torch.float32).flatten().tolist()


def record(seed, name, optimizer_class, weight_decay, grad_scale):
    gen = torch.Generator().manual_seed(seed)
    w = torch.nn.Parameter(torch.randn(5, 7, generator=gen))
    b = torch.nn.Parameter(torch.randn(5, generator=gen) * 0.1)
    case = {"name": name, "optimizer": optimizer_class.__name__.lower(), "beta1": 0.9, "beta2": 0.999,
            "eps": 1e-8, "weight_decay": weight_decay, "grad_scale": grad_scale,
            "weight0": f32(w), "bias0": f32(b), "steps": []}
    opt = optimizer_class([w, b], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
    for t in range(STEPS):
        lr = float(torch.tensor(1e-2 * (1 - t / (2 * STEPS)), dtype=torch.float32))
        for group in opt.param_groups:
            group["lr"] = lr
        gw = torch.randn(5, 7, generator=gen) * (0.1 if t % 5 else 2.0)
        gb = torch.randn(5, generator=gen) * 0.1
        # GpuNet scales the float32 gradient by a float32 factor, as clip_grad_norm_ multiplies in place.
        w.grad = gw.clone() * torch.tensor(grad_scale, dtype=torch.float32)
        b.grad = gb.clone() * torch.tensor(grad_scale, dtype=torch.float32)
        opt.step()
        case["steps"].append({"lr": lr, "grad_weight": f32(gw), "grad_bias": f32(gb),
                              "weight": f32(w), "bias": f32(b),
                              "exp_avg_weight": f32(opt.state[w]["exp_avg"]),
                              "exp_avg_sq_weight": f32(opt.state[w]["exp_avg_sq"]),
                              "step": int(opt.state[w]["step"])})
    return case


cases = [
    record(1, "adam", torch.optim.Adam, 0.0, 1.0),
    record(2, "adam-l2", torch.optim.Adam, 0.1, 1.0),
    record(3, "adamw", torch.optim.AdamW, 0.05, 1.0),
    record(4, "adamw-clipped", torch.optim.AdamW, 0.01, 0.25),
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_adam_steps.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {out} with torch {torch.__version__}")
