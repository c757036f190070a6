"""PyTorch's side of `gpunet bench --models N`: N copies of a model trained on the same minibatch, three ways.

  solo   a loop of N solo models (nn.Sequential + torch.optim.SGD each), one step each per minibatch;
  packed packed by hand as gpunet packs them: one GEMM over the first layers side by side, torch.bmm for the later
         layers, one SGD over the packed tensors (the loss is the sum of the members' mean losses, so each member's
         gradient is its own);
  vmap   torch.func (functorch on torch 1.13) stack_module_state + vmap(grad(functional_call)), with the per-model SGD
         update (momentum) written by hand over the stacked tensors.

Random Fashion-MNIST-shaped data (60000 x 784, 10 classes), SGD lr 0.01 momentum 0.9, FP32 (TF32 off on CUDA). Timed in
windows of steps, each closed by one synchronisation; prints one JSON object per (way, batch size) with aggregate
model-samples per second (batch x models per step). On a CPU run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
and OMP_WAIT_POLICY=PASSIVE (it then uses every core, as gpunet's cpu backend does).
"""
import argparse, json, os, statistics, time
import torch

ROWS, INPUTS, CLASSES = 60000, 784, 10

try:  # torch 2: torch.func
    from torch.func import functional_call, grad, stack_module_state, vmap
    FUNCTORCH = False
except ImportError:  # torch 1.13: functorch's combine_state_for_ensemble
    from functorch import combine_state_for_ensemble, grad, vmap
    FUNCTORCH = True


def sequential(hidden, device):
    layers, width = [], INPUTS
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, CLASSES))
    return torch.nn.Sequential(*layers).to(device)


def solo_step(hidden, models, device):
    nets = [sequential(hidden, device) for _ in range(models)]
    opts = [torch.optim.SGD(n.parameters(), lr=0.01, momentum=0.9) for n in nets]
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(x, y):
        for net, opt in zip(nets, opts):
            opt.zero_grad(set_to_none=True)
            loss_fn(net(x), y).backward()
            opt.step()
    return step


def packed_step(hidden, models, device):
    widths = [INPUTS] + list(hidden) + [CLASSES]
    nets = [sequential(hidden, device) for _ in range(models)]
    linears = [[m for m in n if isinstance(m, torch.nn.Linear)] for n in nets]
    # Layer 0 side by side along the output dimension; later layers stacked for bmm.
    params = []
    for depth in range(len(widths) - 1):
        w = torch.cat([l[depth].weight.detach() for l in linears]) if depth == 0 else torch.stack([l[depth].weight.detach() for l in linears])
        b = torch.cat([l[depth].bias.detach() for l in linears]) if depth == 0 else torch.stack([l[depth].bias.detach() for l in linears])
        params += [w.requires_grad_(), b.requires_grad_()]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        h = torch.nn.functional.linear(x, params[0], params[1])            # [B, N*out0]
        h = h.view(x.shape[0], models, widths[1]).transpose(0, 1)            # [N, B, out0]
        for depth in range(1, len(widths) - 1):
            h = torch.relu(h)
            h = torch.baddbmm(params[2 * depth + 1].unsqueeze(1), h, params[2 * depth].transpose(1, 2))
        logits = h                                                            # [N, B, C]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, CLASSES), y.repeat(models), reduction="sum") / x.shape[0]
        loss.backward()
        opt.step()
    return step


def vmap_step(hidden, models, device):
    nets = [sequential(hidden, device) for _ in range(models)]
    if FUNCTORCH:
        fmodel, stacked, buffers = combine_state_for_ensemble(nets)
        params = [p.detach() for p in stacked]

        def loss(p, x, y):
            return torch.nn.functional.cross_entropy(fmodel(p, buffers, x), y)
    else:
        stacked, _ = stack_module_state(nets)
        names = list(stacked)
        params = [stacked[k].detach() for k in names]
        base = nets[0]

        def loss(p, x, y):
            return torch.nn.functional.cross_entropy(functional_call(base, dict(zip(names, p)), (x,)), y)
    velocity = [torch.zeros_like(p) for p in params]
    grads = vmap(grad(loss), in_dims=(0, None, None))

    def step(x, y):
        g = grads(params, x, y)
        for p, v, gp in zip(params, velocity, g):  # torch.optim.SGD with momentum 0.9, by hand over the stacked tensors
            v.mul_(0.9).add_(gp)
            p.sub_(0.01 * v)
    return step


def measure(way, hidden, batch, models, device, windows, steps_per_window):
    torch.manual_seed(0)
    x_all = torch.rand(ROWS, INPUTS, device=device)
    y_all = torch.randint(0, CLASSES, (ROWS,), device=device)
    step = {"solo": solo_step, "packed": packed_step, "vmap": vmap_step}[way](hidden, models, device)
    order, position = torch.randperm(ROWS, device=device), 0

    def next_step():
        nonlocal order, position
        if position + batch > ROWS:
            order, position = torch.randperm(ROWS, device=device), 0
        idx = order[position:position + batch]
        position += batch
        step(x_all[idx], y_all[idx])

    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(10):
        next_step()
    sync()
    per_step = []
    for _ in range(windows):
        start = time.perf_counter()
        for _ in range(steps_per_window):
            next_step()
        sync()
        per_step.append((time.perf_counter() - start) * 1e3 / steps_per_window)
    ms = statistics.median(per_step)
    return {"device": device, "framework": f"pytorch-{way}", "hidden": hidden, "batch_size": batch, "models": models,
            "ms_per_step": ms, "model_samples_per_second": batch * models / ms * 1e3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", default="256", help="comma list of hidden widths; empty for softmax regression")
    ap.add_argument("--models", required=True, help="comma list of pack sizes")
    ap.add_argument("--batch-sizes", default="128")
    ap.add_argument("--ways", default="solo,packed,vmap")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--windows", type=int, default=10)
    ap.add_argument("--steps-per-window", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads (Debian's torch starts with 1)")
    ap.add_argument("--lines", action="store_true", help="print a line per result instead of JSON")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    hidden = [int(h) for h in args.hidden.split(",") if h]
    rows = []
    for models in (int(m) for m in args.models.split(",")):
        for batch in (int(b) for b in args.batch_sizes.split(",")):
            for way in args.ways.split(","):
                rows.append(measure(way, hidden, batch, models, args.device, args.windows, args.steps_per_window))
    if args.lines:
        for r in rows:
            print(f"  {r['framework']:16} x{r['models']:<4} batch {r['batch_size']}: {r['ms_per_step']:8.3f} ms/step, {r['model_samples_per_second'] / 1e3:9.1f}k model-samples/s")
        return
    print(json.dumps({"device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu", "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "results": rows}))


if __name__ == "__main__":
    main()
