#!/usr/bin/env bash
# A sweep end to end against the same models trained by `gpunet train` one after another: loading, training,
# evaluation and every file included, wall time of each side (GNU time), in interleaved rounds. Each train run gets
# the sweep's own train_args (sweep.json), so both sides train the same models to the same bits on cpu.
#
#   perf/compare/sweep-vs-train.sh GPUNET_DLL ROUNDS -- SWEEP ARGS…
#   e.g. perf/compare/sweep-vs-train.sh src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll 2 -- \
#          --data fashion-mnist --hidden 256 --lr 0.1,0.05,0.02,0.01 --seeds 0-3 --epochs 5 --device cpu
set -euo pipefail
dll="$1"; rounds="$2"; shift 2; [[ "$1" == "--" ]] && shift
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
seconds() { /usr/bin/time -f %e -o "$work/t" "$@" > /dev/null 2>&1; cat "$work/t"; }
for round in $(seq 1 "$rounds"); do
    rm -rf "$work/sweep" "$work/runs"
    sweep=$(seconds dotnet "$dll" sweep "$@" --quiet --out "$work/sweep")
    mapfile -t lines < <(python3 -c 'import json,sys; [print("\x1f".join(m["train_args"])) for m in json.load(open(sys.argv[1]))["models"]]' "$work/sweep/sweep.json")
    start=$(date +%s.%N)
    i=0
    for line in "${lines[@]}"; do
        IFS=$'\x1f' read -r -a args <<< "$line"
        dotnet "$dll" train "${args[@]}" --quiet --out "$work/runs/$i" > /dev/null 2>&1
        i=$((i + 1))
    done
    train=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$start")
    same=$(for j in $(seq 0 $((i - 1))); do cmp -s "$work/runs/$j/model.safetensors" "$work/sweep/models/$(printf %03d "$j")/model.safetensors" && echo same || echo differ; done | sort | uniq -c | tr '\n' ' ')
    echo "round $round: sweep ${sweep} s, ${#lines[@]} train runs ${train} s, ratio $(python3 -c "print(f'{float(\"$train\") / float(\"$sweep\"):.2f}')")x; weights: $same"
done
