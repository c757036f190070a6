#!/usr/bin/env bash
# The GPU measurement, in two halves.
#
#   perf/gpu/run.sh pack     here (no GPU needed): self-contained linux-x64 publish of gpunet,
#                            packed with xz into .pack/ (ignored by git), then prints the device
#                            tool call that runs the second half.
#   perf/gpu/run.sh device   on the lent GPU machine, from the repository root, with .pack/
#                            carried: unpacks, checks every kernel against the float64 reference, times
#                            every GEMM rung beside torch.matmul (FP32, TF32 off; and TF32 on),
#                            gpunet bench beside PyTorch eager for two MLPs, the fused step beside
#                            --unfused (GEMM epilogues launched on their own), and packs of 1, 8, 64 and
#                            256 models (bench --models) beside PyTorch's (perf/compare/torch_pack.py). Everything lands
#                            under $OUT/perf/results/<device>-<date>.json (+ raw files).
#
# A step that cannot run (no torch, no `gpunet bench`) is recorded as skipped, never faked.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PACK_DIR="$ROOT/.pack"
ARCHIVE="$PACK_DIR/gpunet-linux-x64.tar.xz"
LIMIT_BYTES=$((64 * 1024 * 1024))   # what the device tool carries

# GEMM shapes: the square ones, then the training shapes of both MLPs (forward NT, weight
# gradient TN, input gradient NN) at the batches the targets name (512 and 4096).
SQUARE_SHAPES="1024,4096"
TRAIN_SHAPES="512x256x784:NT,256x784x512:TN,512x10x256:NT,10x256x512:TN,512x256x10:NN"
TRAIN_SHAPES+=",4096x1024x784:NT,1024x784x4096:TN,4096x1024x1024:NT,1024x1024x4096:TN,4096x1024x1024:NN,4096x10x1024:NT,4096x1024x10:NN"
BATCHES="128,256,512,1024,2048,4096,8192,16384"
# Local dry runs of the device half (no GPU): GPUNET_PERF_DEVICE=opencl:0 GPUNET_PERF_SHAPES=64.
DEVICE="${GPUNET_PERF_DEVICE:-cuda}"
PACKS="${GPUNET_PERF_PACKS:-1 8 64 256}"
if [[ -n "${GPUNET_PERF_SHAPES:-}" ]]; then SQUARE_SHAPES="$GPUNET_PERF_SHAPES"; TRAIN_SHAPES=""; fi

pack() {
    command -v xz >/dev/null || { echo "run.sh: xz is needed to pack" >&2; exit 1; }
    rm -rf "$PACK_DIR/publish" "$ARCHIVE"
    mkdir -p "$PACK_DIR"
    dotnet publish "$ROOT/src/GpuNet.Cli" -c Release -r linux-x64 --self-contained -o "$PACK_DIR/publish" -nologo -v quiet
    tar -C "$PACK_DIR/publish" -cf - . | xz -6 -T0 > "$ARCHIVE"
    rm -rf "$PACK_DIR/publish"
    local size; size=$(stat -c %s "$ARCHIVE")
    echo "packed $ARCHIVE: $((size / 1024 / 1024)) MiB ($size bytes)"
    if (( size > LIMIT_BYTES )); then
        echo "run.sh: the pack exceeds the 64 MiB the device tool carries" >&2
        exit 1
    fi
    cat <<CALL

Run the measurement on the lent GPU machine with the device tool:
  run(command="bash perf/gpu/run.sh device", carry=[".pack"], timeout_s=600)
then copy the returned files under perf/results/ (and the figures into perf/RESULTS.md).
CALL
}

device() {
    : "${OUT:?run.sh device expects \$OUT (the device tool sets it)}"
    local work; work="$(mktemp -d)"
    xz -dc "$ARCHIVE" | tar -C "$work" -xf -
    local gpunet="$work/gpunet"
    chmod +x "$gpunet"

    local name date tag raw
    name=$( (nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo cuda) | head -n1)
    date=$(date -u +%Y-%m-%d)
    tag=$(echo "$name" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g')
    raw="$OUT/perf/results/$tag-$date"
    mkdir -p "$raw"

    # Start-up (CUDA context and compilation of every kernel) is reported by selftest as
    # startup_seconds, apart from throughput.
    "$gpunet" devices > "$raw/devices.txt" 2>&1 || true
    nvidia-smi > "$raw/nvidia-smi.txt" 2>&1 || true

    # 1. correctness of every rung and of a training step, then every rung timed.
    local rc=0
    "$gpunet" selftest --device "$DEVICE" --time "$SQUARE_SHAPES,$TRAIN_SHAPES" --seconds 1 --json > "$raw/selftest.json" || rc=$?
    echo "selftest exit code $rc" | tee "$raw/selftest-exit.txt"

    # 2. cuBLAS through torch.matmul on the same card, same shapes.
    if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        python3 "$ROOT/perf/gpu/torch_matmul.py" --shapes "$SQUARE_SHAPES,$TRAIN_SHAPES" > "$raw/torch_matmul.json"
        python3 "$ROOT/perf/gpu/torch_mlp.py" --hidden 256 --batch-sizes "$BATCHES" > "$raw/torch_mlp_256.json"
        python3 "$ROOT/perf/gpu/torch_mlp.py" --hidden 1024,1024 --batch-sizes "$BATCHES" > "$raw/torch_mlp_1024_1024.json"
    else
        echo '{"skipped": "no python3 with CUDA torch on this machine"}' > "$raw/torch_matmul.json"
    fi

    # 3. gpunet training throughput (the bench verb belongs to perf/; skipped if this build lacks it).
    if "$gpunet" bench --help >/dev/null 2>&1; then
        "$gpunet" bench --device "$DEVICE" --model mlp --hidden 256 --batch-sizes "$BATCHES" --window 10 --json > "$raw/gpunet_mlp_256.json" || true
        "$gpunet" bench --device "$DEVICE" --model mlp --hidden 1024,1024 --batch-sizes "$BATCHES" --window 10 --json > "$raw/gpunet_mlp_1024_1024.json" || true
    else
        echo '{"skipped": "this gpunet build has no bench verb"}' > "$raw/gpunet_mlp_256.json"
    fi

    # 3b. the fused step beside the step before fusion (--unfused: each GEMM epilogue launched on its own), same build and
    # card, batches 32 to 512 where launches weigh most, with each one's profile (launches and host waits per step).
    if "$gpunet" bench --help 2>/dev/null | grep -q -- --unfused; then
        for fused in fused unfused; do
            local flag=""; [[ $fused == unfused ]] && flag="--unfused"
            "$gpunet" bench --device "$DEVICE" --model mlp --hidden 256 --batch-sizes 32,128,512 --window 10 $flag --json \
                > "$raw/gpunet_mlp_256_$fused.json" 2> "$raw/gpunet_mlp_256_$fused.log" || true
            "$gpunet" bench --device "$DEVICE" --model mlp --hidden 256 --batch-sizes 128 --profile --steps 50 $flag \
                > "$raw/gpunet_mlp_256_${fused}_profile.txt" 2>&1 || true
        done
    else
        echo '{"skipped": "this gpunet build has no bench --unfused"}' > "$raw/gpunet_mlp_256_unfused.json"
    fi

    # 4. packs (gpunet sweep's engine): 1, 8, 64 and 256 copies of MLP 784-256-10 and of softmax 784-10 at batch 128,
    # each against as many solo steps (bench --models), beside PyTorch's solo loop, hand pack and vmap on the same card.
    for models in $PACKS; do
        "$gpunet" bench --device "$DEVICE" --model mlp --hidden 256 --batch-sizes 128 --models "$models" --window 10 --seconds 1 --json \
            > "$raw/gpunet_pack_mlp_256_x$models.json" 2> "$raw/gpunet_pack_mlp_256_x$models.log" || true
        "$gpunet" bench --device "$DEVICE" --model softmax --batch-sizes 128 --models "$models" --window 10 --seconds 1 --json \
            > "$raw/gpunet_pack_softmax_x$models.json" 2> "$raw/gpunet_pack_softmax_x$models.log" || true
    done
    "$gpunet" bench --device "$DEVICE" --model mlp --hidden 256 --batch-sizes 128 --models 64 --profile --steps 20 > "$raw/gpunet_pack_profile.txt" 2>&1 || true
    if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        python3 "$ROOT/perf/compare/torch_pack.py" --hidden 256 --models "${PACKS// /,}" --batch-sizes 128 > "$raw/torch_pack_mlp_256.json" || true
        python3 "$ROOT/perf/compare/torch_pack.py" --hidden "" --models "${PACKS// /,}" --batch-sizes 128 > "$raw/torch_pack_softmax.json" || true
    fi

    # One file with everything, named <device>-<date>.json.
    python3 "$ROOT/perf/gpu/combine.py" "$raw" "$name" "$date" > "$OUT/perf/results/$tag-$date.json" \
        || echo "combine.py failed: the raw files under $raw are the result" >&2
    rm -rf "$work"
    return $rc
}

case "${1:-}" in
    pack) pack ;;
    device) device ;;
    *) echo "usage: perf/gpu/run.sh pack|device" >&2; exit 2 ;;
esac
