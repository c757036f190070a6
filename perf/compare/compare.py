#!/usr/bin/python3
"""GpuNet's cpu backend beside PyTorch CPU and numpy/OpenBLAS, measured in one run, interleaved.

Each round times every case on both sides back to back (PyTorch in this process, GpuNet through
`gpunet bench --json`), so both see the same machine load; the report gives each round's ratio and
the median over rounds. Same model, same SGD (lr 0.01, momentum 0.9), same random data shape
(60000 x 784, 10 classes), same gather of shuffled rows, same threads (2), median ms per step.

With --before DIR (a copy of an earlier build's src/GpuNet.Cli/bin/Release/net10.0), that build runs
too, in the same rounds, and the report adds the ratio of this build to it: a before/after table from one run.

Needs libopenblas0-pthread: without it Debian's libblas.so.3 is the reference BLAS (3 GFLOP/s), which the
header then names. OpenBLAS 0.3.21 (Debian 12) does not recognise every newer CPU and falls back to its SSE3
"Prescott" kernels (30 GFLOP/s on this Xeon where its AVX-512 ones reach 100), so on an AVX-512 CPU this
script names OpenBLAS's SkylakeX kernels unless OPENBLAS_CORETYPE is already set.

Run with Debian's python3 (its python3-torch and python3-numpy over libopenblas0-pthread):
    /usr/bin/python3 perf/compare/compare.py [--rounds 3] [--seconds 2] [--before DIR]
"""
import argparse, json, os, statistics, subprocess, sys, time

THREADS = 2
# Set before torch and numpy load their thread pools: idle OpenMP/OpenBLAS threads sleep instead of spinning.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))


def cpu_flags():
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            return next((line.split(":", 1)[1].split() for line in info if line.startswith("flags")), [])
    except OSError:
        return []


if "avx512f" in cpu_flags():
    os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")

import numpy as np  # noqa: E402
import torch  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GPUNET = os.path.join(REPO, "src", "GpuNet.Cli", "bin", "Release", "net10.0", "gpunet.dll")

# (label, gpunet --model, hidden sizes, batch size, target ratio or None): the cases of issue 16
TRAIN_CASES = [
    ("mlp 784-256-10, batch 32", "mlp", [256], 32, 2.0),
    ("mlp 784-256-10, batch 128", "mlp", [256], 128, 2.0),
    ("mlp 784-256-10, batch 512", "mlp", [256], 512, None),
    ("softmax 784-10, batch 128", "softmax", [], 128, 2.0),
    ("mlp 784-1024-1024-10, batch 128", "mlp", [1024, 1024], 128, None),
]
SQUARE_SIZES = [1024]
TRAIN_GEMM_BATCHES = [32, 128]  # the training shapes of 784-256: forward NT, dW TN, dX NN


def timed(run, warmup_runs, seconds, min_runs=20):
    """Median milliseconds of single runs, after warm-up; like gpunet's BenchTiming."""
    start = time.perf_counter()
    i = 0
    while i < warmup_runs or time.perf_counter() - start < 0.5:
        run()
        i += 1
    samples = []
    start = time.perf_counter()
    while len(samples) < min_runs or time.perf_counter() - start < seconds:
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1e3)
    return statistics.median(samples)


def torch_train_ms(kind, hidden, batch, seconds, rows=60000, features=784, classes=10):
    """ms per training step: gather a shuffled minibatch, forward, cross-entropy, backward, SGD step."""
    g = torch.Generator().manual_seed(0)
    x_all = torch.rand(rows, features, generator=g)
    y_all = torch.randint(0, classes, (rows,), generator=g)
    layers, width = [], features
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, classes))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(rows, generator=g)
    steps = rows // batch
    state = {"step": 0}

    def step():
        s = state["step"] % steps
        state["step"] += 1
        idx = order[s * batch:(s + 1) * batch]
        xb, yb = x_all.index_select(0, idx), y_all.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        opt.step()

    return timed(step, 5, seconds)


def numpy_gemm(cases, seconds):
    """GFLOP/s of numpy float32 matmul (OpenBLAS SGEMM) for (label, m, n, k, transA, transB)."""
    out = {}
    rng = np.random.default_rng(0)
    for label, m, n, k, ta, tb in cases:
        a = rng.random((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.random((n, k) if tb else (k, n), dtype=np.float32)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        c = np.empty((m, n), dtype=np.float32)
        ms = timed(lambda: np.matmul(opa, opb, out=c), 3, seconds, min_runs=5)
        out[label] = 2.0 * m * n * k / (ms * 1e6)
    return out


def blas_library():
    """The BLAS shared library numpy loaded (through Debian's libblas.so.3 alternative), from this process's maps."""
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line}
    except OSError:
        return "unknown BLAS"
    return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "no BLAS library mapped"


def gpunet(args, dll=GPUNET):
    proc = subprocess.run(["dotnet", dll, "bench", "--device", "cpu", "--json"] + args,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"gpunet bench {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for r in rows:
        print(line(r))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=2.0, help="timed seconds per case and side")
    p.add_argument("--skip-gemm", action="store_true")
    p.add_argument("--skip-train", action="store_true")
    p.add_argument("--before", metavar="DIR", help="an earlier build's output folder (holding gpunet.dll) to run beside this one")
    a = p.parse_args()
    before = os.path.join(a.before, "gpunet.dll") if a.before else None
    if before and not os.path.exists(before):
        sys.exit(f"--before: {before} does not exist")
    torch.set_num_threads(THREADS)
    if not os.path.exists(GPUNET):
        subprocess.run(["dotnet", "build", os.path.join(REPO, "src", "GpuNet.Cli", "GpuNet.Cli.csproj"),
                        "-c", "Release", "--nologo", "-v", "quiet"], check=True)
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {a.rounds} rounds, {a.seconds} s per case and side")
    print(f"BLAS: {blas_library()}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(detected)')}; "
          f"AVX-512: {'yes' if 'avx512f' in cpu_flags() else 'no'}")

    # Per case: PyTorch or OpenBLAS, this GpuNet build, and the --before build (empty without it).
    train = {c[0]: ([], [], []) for c in TRAIN_CASES}
    shapes = [(f"square {n}x{n}x{n} NN", n, n, n, False, False) for n in SQUARE_SIZES]
    i, h = 784, 256
    for b in TRAIN_GEMM_BATCHES:
        shapes += [(f"fwd {b}x{h}x{i} NT", b, h, i, False, True),
                   (f"dW {h}x{i}x{b} TN", h, i, b, True, False),
                   (f"dX {b}x{i}x{h} NN", b, i, h, False, False)]
    gemm = {s[0]: ([], [], []) for s in shapes}
    builds = [GPUNET] + ([before] if before else [])
    for r in range(a.rounds):
        if not a.skip_train:
            for label, model, hidden, batch, _ in TRAIN_CASES:
                train[label][0].append(batch * 1e3 / torch_train_ms(model, hidden, batch, a.seconds))
                args = ["--model", model, "--batch-sizes", str(batch), "--seconds", str(a.seconds)]
                if hidden:
                    args += ["--hidden", ",".join(map(str, hidden))]
                for side, dll in enumerate(builds, start=1):
                    train[label][side].append(gpunet(args, dll)[0]["samples_per_second"])
        if not a.skip_gemm:
            for label, value in numpy_gemm(shapes, a.seconds / 2).items():
                gemm[label][0].append(value)
            sizes = ",".join(map(str, SQUARE_SIZES))
            batches = ",".join(map(str, TRAIN_GEMM_BATCHES))
            for side, dll in enumerate(builds, start=1):
                for row in gpunet(["--op", "gemm", "--sizes", sizes, "--batch-sizes", batches, "--seconds", str(a.seconds / 2)], dll):
                    gemm[row["shape"]][side].append(row["gflops"])
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)

    def ratios(numerator, denominator):
        """Each round's ratio: both sides of a round ran back to back."""
        return [n / d for n, d in zip(numerator, denominator)]

    def median_cells(sides, fmt):
        return [fmt.format(statistics.median(v)) for v in sides if v]

    def ratio_cells(rs):
        return [f"{statistics.median(rs):.2f}x", " ".join(f"{x:.2f}" for x in rs)]

    before_header = ["before", "before ratio", "after/before"] if before else []

    def before_cells(theirs, ours, old):
        if not before:
            return []
        return [ratio_cells(ratios(old, theirs))[0], f"{statistics.median(ratios(ours, old)):.2f}x"]

    if not a.skip_train:
        print("\nTraining samples/s (median over rounds), GpuNet cpu / PyTorch CPU:")
        rows = []
        for label, *_, target in TRAIN_CASES:
            t, g, old = train[label]
            rs = ratios(g, t)
            verdict = [f">= {target:.1f}x", "met" if statistics.median(rs) >= target else "not met"] if target else ["", ""]
            rows.append([label] + median_cells(train[label], "{:,.0f}") + ratio_cells(rs) + before_cells(t, g, old) + verdict)
        table(["case", "PyTorch", "GpuNet"] + before_header[:1] + ["ratio", "per round"] + before_header[1:] + ["target", ""], rows)
    if not a.skip_gemm:
        print("\nSGEMM GFLOP/s (median over rounds), GpuNet cpu / numpy-OpenBLAS:")
        rows = []
        for label in gemm:
            t, g, old = gemm[label]
            rs = ratios(g, t)
            rows.append([label] + median_cells(gemm[label], "{:.1f}") + ratio_cells(rs) + before_cells(t, g, old)
                        + ["met" if statistics.median(rs) >= 1.0 else "not met"])
        table(["shape (MxNxK)", "OpenBLAS", "GpuNet"] + before_header[:1] + ["ratio", "per round"] + before_header[1:] + [">= 1.0x"], rows)


if __name__ == "__main__":
    main()
