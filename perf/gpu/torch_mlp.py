"""The same MLP training step as `gpunet bench --model mlp` in PyTorch CUDA eager mode: data on the
device (60000 random Fashion-MNIST-sized rows, 10 classes), a device-side permutation, a gathered
minibatch, Linear+ReLU layers, mean cross-entropy, SGD (lr 0.01, momentum 0.9), FP32 with TF32 off.
Timed like the bench: warm-up steps, then windows of steps each closed by one synchronisation;
ms_per_step is the median window divided by its steps, p10/p90 likewise. Prints one JSON object
with the bench's fields per batch size."""
import argparse, json, statistics, time
import torch

ROWS, INPUTS, CLASSES = 60000, 784, 10


def model(hidden):
    layers, width = [], INPUTS
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, CLASSES))
    return torch.nn.Sequential(*layers).cuda()


def measure(hidden, batch, windows, steps_per_window):
    torch.manual_seed(0)
    x = torch.rand(ROWS, INPUTS, device="cuda")
    y = torch.randint(0, CLASSES, (ROWS,), device="cuda")
    net = model(hidden)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(ROWS, device="cuda")
    position = 0

    def step():
        nonlocal position, order
        if position + batch > ROWS:
            order, position = torch.randperm(ROWS, device="cuda"), 0
        idx = order[position:position + batch]
        position += batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    torch.cuda.synchronize()
    per_step = []
    for _ in range(windows):
        start = time.perf_counter()
        for _ in range(steps_per_window):
            step()
        torch.cuda.synchronize()
        per_step.append((time.perf_counter() - start) * 1e3 / steps_per_window)
    q = statistics.quantiles(per_step, n=10)
    ms = statistics.median(per_step)
    return {"device": "cuda", "framework": "pytorch-eager", "model": "mlp",
            "hidden": hidden, "batch_size": batch, "samples_per_second": batch / ms * 1e3,
            "ms_per_step": ms, "ms_per_step_p10": q[0], "ms_per_step_p90": q[-1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", required=True)
    ap.add_argument("--batch-sizes", required=True)
    ap.add_argument("--windows", type=int, default=30)
    ap.add_argument("--steps-per-window", type=int, default=10)
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    hidden = [int(h) for h in args.hidden.split(",")]
    rows = [measure(hidden, int(b), args.windows, args.steps_per_window) for b in args.batch_sizes.split(",")]
    print(json.dumps({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "results": rows}))


if __name__ == "__main__":
    main()
