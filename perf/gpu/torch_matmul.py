"""torch.matmul on CUDA for the shapes `gpunet selftest --time` takes (MxNxK[:NN|NT|TN|TT] or N),
in FP32 with TF32 off (the baseline for GpuNet's FP32 GEMM) and with TF32 on. Timed like
GemmLadder.Time: warm-up, then back-to-back launches and one synchronisation, for at least
`--seconds`. Prints one JSON object."""
import argparse, json, time
import torch


def parse(text):
    dims, _, trans = text.partition(":")
    parts = dims.split("x")
    m, n, k = (int(parts[0]),) * 3 if len(parts) == 1 else map(int, parts)
    trans = (trans or "NN").upper()
    return m, n, k, trans[0] == "T", trans[1] == "T"


def time_one(m, n, k, ta, tb, seconds):
    # Stored as GpuNet stores them: A is K×M when transposed, B is N×K when transposed.
    a = torch.rand((k, m) if ta else (m, k), device="cuda") * 2 - 1
    b = torch.rand((n, k) if tb else (k, n), device="cuda") * 2 - 1
    opa, opb = (a.t() if ta else a), (b.t() if tb else b)
    out = torch.empty((m, n), device="cuda")
    for _ in range(2):
        torch.matmul(opa, opb, out=out)
    torch.cuda.synchronize()
    launches, round_, start = 0, 1, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(round_):
            torch.matmul(opa, opb, out=out)
        torch.cuda.synchronize()
        launches += round_
        round_ = min(round_ * 2, 64)
    ms = (time.perf_counter() - start) * 1e3 / launches
    return ms, 2.0 * m * n * k / ms / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()
    rows = []
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        for text in args.shapes.split(","):
            m, n, k, ta, tb = parse(text)
            ms, gflops = time_one(m, n, k, ta, tb, args.seconds)
            rows.append({"shape": f"{m}x{n}x{k}:{'T' if ta else 'N'}{'T' if tb else 'N'}",
                         "precision": "tf32" if tf32 else "fp32", "ms": ms, "gflops": gflops})
    print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "matmul": rows}))


if __name__ == "__main__":
    main()
