#!/usr/bin/python3
"""Issue 13's streaming figures, interleaved over rounds (the machine is shared; medians are reported).

1. Streamed against in-memory epoch throughput on the same data, the file in the page cache:
   a 1.2 GB uint8 .npy (1.5M x 800; softmax: the data-bound worst case) and Fashion-MNIST as uint8 .npy (default mlp 784-256-10).
   In memory: --max-memory 100G (nothing streams). Streamed: a limit below twice the training features.
2. A large CSV against `gpunet convert` + .npy training (wall time of each command).

Usage: /usr/bin/python3 perf/streaming/measure.py GPUNET_DLL WORKDIR [ROUNDS]
"""
import json, os, statistics, subprocess, sys, time
import numpy as np

dll, work = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
os.makedirs(work, exist_ok=True)

def gpunet(*args):
    start = time.monotonic()
    out = subprocess.run(["nice", "-n", "15", "dotnet", dll, *args], capture_output=True, text=True)
    wall = time.monotonic() - start
    if out.returncode != 0:
        sys.exit(f"gpunet {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return out.stdout, out.stderr, wall

def big_npy():
    x, y = os.path.join(work, "big_x.npy"), os.path.join(work, "big_y.npy")
    if os.path.exists(x): return x, y
    rng = np.random.default_rng(1)
    rows, cols = 1_500_000, 800
    labels = rng.integers(0, 10, rows).astype(np.uint8)
    m = np.lib.format.open_memmap(x, mode="w+", dtype=np.uint8, shape=(rows, cols))
    for s in range(0, rows, 100_000):
        b = rng.integers(0, 128, (min(100_000, rows - s), cols), dtype=np.uint8)
        for c in range(10):
            b[np.ix_(labels[s:s + len(b)] == c, np.arange(c * 80, c * 80 + 80))] += 100
        m[s:s + len(b)] = b
    m.flush(); np.save(y, labels)
    return x, y

def fashion_npy():
    x, y = os.path.join(work, "fm_x.npy"), os.path.join(work, "fm_y.npy")
    if os.path.exists(x): return x, y
    base = "/usr/share/datasets/fashion-mnist"
    def idx(name):
        path = next(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs if f.startswith(name))
        import gzip
        raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
        return raw
    images = np.frombuffer(idx("train-images-idx3-ubyte"), np.uint8, offset=16).reshape(-1, 784)
    labels = np.frombuffer(idx("train-labels-idx1-ubyte"), np.uint8, offset=8)
    np.save(x, images); np.save(y, labels)
    return x, y

def big_csv():
    path = os.path.join(work, "big.csv")
    if os.path.exists(path): return path
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200_000, 100)).astype(np.float32)
    labels = (X[:, :5].argmax(axis=1)).astype(np.int64)
    np.savetxt(path, np.column_stack([X, labels]), delimiter=",", fmt=["%.6g"] * 100 + ["%d"])
    return path

def epoch_rate(stdout):
    return json.loads(stdout)["samples_per_second"]

cases = []
bx, by = big_npy()
fx, fy = fashion_npy()
common = ["--epochs", "1", "--device", "cpu", "--quiet", "--json"]
cases.append(("1.2 GB uint8 .npy, softmax", ["train", "--data", bx, "--labels", by, "--model", "softmax", *common], "1G"))
cases.append(("Fashion-MNIST uint8 .npy, mlp 784-256-10", ["train", "--data", fx, "--labels", fy, *common], "64M"))
rates = {(name, mode): [] for name, _, _ in cases for mode in ("in memory", "streamed")}
headers = {}
for r in range(rounds):
    for name, args, limit in cases:
        for mode, extra in (("in memory", ["--max-memory", "100G"]), ("streamed", ["--max-memory", limit])):
            out, err, _ = gpunet(*args, *extra)
            rates[(name, mode)].append(epoch_rate(out))
            headers[(name, mode)] = [l for l in err.splitlines() if l.startswith("streaming:")]
print(f"load average {os.getloadavg()[0]:.1f}; {rounds} rounds, interleaved")
print("| data, model | in memory samples/s | streamed samples/s | streamed / in memory | per round |")
print("|---|---|---|---|---|")
for name, _, limit in cases:
    held, streamed = rates[(name, "in memory")], rates[(name, "streamed")]
    ratios = [s / h for s, h in zip(streamed, held)]
    print(f"| {name} (streamed: --max-memory {limit}) | {statistics.median(held):,.0f} | {statistics.median(streamed):,.0f} | "
          f"{statistics.median(ratios):.2f} | {' '.join(f'{x:.2f}' for x in ratios)} |")
for key, lines in headers.items():
    for line in lines: print(f"  {key[0]}, {key[1]}: {line}")

csv = big_csv()
outdir = os.path.join(work, "big")
walls = {"train from CSV": [], "convert": [], "train from .npy": []}
for r in range(rounds):
    walls["train from CSV"].append(gpunet("train", "--data", csv, "--label-column", "-1", "--model", "softmax", *common)[2])
    walls["convert"].append(gpunet("convert", "--data", csv, "--label-column", "-1", "--out", outdir, "--overwrite")[2])
    walls["train from .npy"].append(gpunet("train", "--data", os.path.join(outdir, "features.npy"),
                                           "--labels", os.path.join(outdir, "labels.npy"), "--model", "softmax", *common)[2])
print(f"\nCSV 200,000 x 100 + label ({os.path.getsize(csv) / 1e6:.0f} MB); wall seconds, median of {rounds} interleaved rounds:")
for k, v in walls.items():
    print(f"| {k} | {statistics.median(v):.2f} s | {' '.join(f'{x:.2f}' for x in v)} |")
