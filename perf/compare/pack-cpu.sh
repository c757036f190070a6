#!/usr/bin/env bash
# The cpu figures of the packed sweep engine (issue 24's targets), one after another on this machine:
#   1. bench --models: 16 MLPs 784-256-10 and 64 softmax models at batch 128 against as many solo steps
#      (3 interleaved rounds inside each call);
#   2. PyTorch on the same CPU (perf/compare/torch_pack.py: a loop of solo models and a pack by hand);
#   3. 16 MLPs on Fashion-MNIST, 5 epochs, end to end: gpunet sweep against the 16 gpunet train runs (sweep-vs-train.sh);
#   4. peak resident memory: a sweep of 64 softmax models against one softmax train run on Fashion-MNIST (GNU time).
# OpenBLAS is told its kernel (this VM's CPUID made it pick Prescott's); OMP_WAIT_POLICY=PASSIVE keeps idle threads off the cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DLL="${GPUNET_DLL:-$ROOT/src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll}"
G=(dotnet "$DLL")
PY=(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE_PEER:-SkylakeX}" OMP_WAIT_POLICY=PASSIVE /usr/bin/python3)
echo "== 1. gpunet bench --models (cpu, batch 128)"
"${G[@]}" bench --device cpu --model mlp --hidden 256 --batch-sizes 128 --models 16 --seconds 2 2>&1 | tail -1
"${G[@]}" bench --device cpu --model softmax --batch-sizes 128 --models 64 --seconds 2 2>&1 | tail -1
"${G[@]}" bench --device cpu --model mlp --hidden 256 --batch-sizes 128 --models 16 --profile --steps 20 2>&1 | grep -E "^profile|^launches|gemm|pack update"
echo "== 2. PyTorch $("${PY[@]}" -c 'import torch; print(torch.__version__)'), same CPU"
"${PY[@]}" "$ROOT/perf/compare/torch_pack.py" --device cpu --hidden 256 --models 16 --ways solo,packed --windows 5 --steps-per-window 4 --lines
"${PY[@]}" "$ROOT/perf/compare/torch_pack.py" --device cpu --hidden "" --models 64 --ways solo,packed --windows 5 --steps-per-window 4 --lines
echo "== 3. 16 MLPs on Fashion-MNIST, 5 epochs, end to end"
bash "$ROOT/perf/compare/sweep-vs-train.sh" "$DLL" 1 -- --data fashion-mnist --hidden 256 --lr 0.1,0.05,0.02,0.01 --seeds 0-3 --epochs 5 --device cpu
echo "== 4. peak memory on Fashion-MNIST (1 epoch)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
/usr/bin/time -f "  64 softmax models (sweep): %M KB, %e s" "${G[@]}" sweep --data fashion-mnist --model softmax --lr 0.1,0.05,0.02,0.01 --seeds 0-15 --epochs 1 --device cpu --quiet --out "$work/sweep" > /dev/null
/usr/bin/time -f "  one softmax model (train): %M KB, %e s" "${G[@]}" train --data fashion-mnist --model softmax --lr 0.1 --epochs 1 --device cpu --quiet --out "$work/train" > /dev/null
