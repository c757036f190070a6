#!/usr/bin/env python3
"""An ESTIMATE of GpuNet's training-step time on an H200, from the launch plan alone.

    estimate.py LAUNCHES_JSON        (gpunet ptx --out DIR writes DIR/launches.json)

Nothing here is measured on a GPU. The model, stated so it can be checked against a lent one:
- a GEMM kernel runs at PER_SM_RATE on each multiprocessor it occupies (min(groups, SMs) of
  them): 85% of the main loop is FFMA (ptx report) at 2 groups (16 warps) per SM, taken as half
  the FP32 peak of 128 lanes x 2 FLOP x 1.98 GHz;
- every launch costs LAUNCH_US (GPU-side launch plus ILGPU's host enqueue, back to back with
  no host wait), and split-K adds one reduction pass over its partial planes at HBM_BW;
- bias + activation, the activation's backward and the bias gradient ride in the GEMMs' launches
  (their epilogues); the other kernels of a step (gather, loss, SGD) are launch-bound at these
  sizes: LAUNCH_US each.
"""
import json
import sys
from collections import defaultdict

SMS = 132
PER_SM_RATE = 0.5 * 128 * 2 * 1.98e9      # FLOP/s per SM
LAUNCH_US = 4.0
HBM_BW = 4.0e12                              # bytes/s (4.8 TB/s peak, 4.3 seen through a PyTorch copy)


def gemm_us(op):
    flops = 2.0 * op["m"] * op["n"] * op["k"]
    busy = min(op["groups"], SMS)
    t = flops / (busy * PER_SM_RATE) * 1e6 + LAUNCH_US
    if op["splits"] > 1:
        t += LAUNCH_US + 2 * 4 * op["splits"] * op["m"] * op["n"] / HBM_BW * 1e6
    return t


def main():
    launches = json.load(open(sys.argv[1]))
    steps = defaultdict(lambda: {"gemm_us": 0.0, "flops": 0.0})
    for op in launches:
        model, _, rest = op["op"].partition(" batch ")
        batch, _, _ = rest.partition(" layer ")
        key = (model, int(batch))
        s = steps[key]
        s["gemm_us"] += gemm_us(op)
        s["flops"] += 2.0 * op["m"] * op["n"] * op["k"]
    print("| model | batch | GEMM FLOP per step | estimated step | estimated samples/s |")
    print("|---|---|---|---|---|")
    for (model, batch), s in sorted(steps.items()):
        # gather, loss and one SGD launch over the flat parameters: the rest is in the GEMMs' epilogues
        elementwise = 3
        step_us = s["gemm_us"] + elementwise * LAUNCH_US
        print(f"| {model} | {batch} | {s['flops'] / 1e6:,.0f} M | {step_us:,.0f} µs | {batch / step_us * 1e6:,.0f} |")


if __name__ == "__main__":
    main()
