#!/usr/bin/env bash
# Issue 26's figures in one run: the training step of MLP 784-256-10 before GEMM epilogues were fused (OLD, a build of
# the commit before them), fused (NEW), and NEW with --unfused (the same build running the old launches), in interleaved
# rounds. On opencl:0 (PoCL) at batch 32 and 128; on cpu at 32, 128 and 512 ("no step slower") for OLD and NEW.
#   GPUNET_OPENCL_POCL=1 perf/compare/fusion.sh OLD/gpunet.dll NEW/gpunet.dll [ROUNDS]
# Prints each round's samples/s and, per device, batch and build, the median over the rounds.
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
out=$(mktemp -d)
bench() { # name, dll, args...
  local name=$1 dll=$2; shift 2
  dotnet "$dll" bench --json --seconds 2 "$@" 2>/dev/null > "$out/$name.$round.json"
}
for round in $(seq 1 "$rounds"); do
  bench pocl-old "$old" --device opencl:0 --batch-sizes 32,128
  bench pocl-new "$new" --device opencl:0 --batch-sizes 32,128
  bench pocl-unfused "$new" --device opencl:0 --batch-sizes 32,128 --unfused
  bench cpu-old "$old" --device cpu --batch-sizes 32,128,512
  bench cpu-new "$new" --device cpu --batch-sizes 32,128,512
done
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
rows = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    name, round_ = os.path.basename(path).rsplit(".", 2)[:2]
    for r in json.load(open(path)):
        rows.setdefault((r["device"], r["batch_size"], name.split("-", 1)[1]), []).append(r["samples_per_second"])
print("| device | batch | build | samples/s per round | median |")
print("|---|---|---|---|---|")
for (device, batch, build), values in sorted(rows.items()):
    print(f"| {device} | {batch} | {build} | {', '.join(f'{v / 1000:.1f}k' for v in values)} | {statistics.median(values) / 1000:.1f}k |")
PY
