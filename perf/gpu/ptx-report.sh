#!/usr/bin/env bash
# The GPU kernels through NVIDIA's own assembler, with no GPU:
#
#   perf/gpu/ptx-report.sh OUTDIR
#
#   1. `gpunet ptx --out OUTDIR/ptx` writes the PTX of every kernel the ILGPU backend loads,
#      compiled as the CUDA backend compiles it;
#   2. ptxas -v assembles each for sm_80 and sm_90, nvdisasm disassembles the result;
#   3. OUTDIR/report.json and OUTDIR/report.md hold registers, spills, stack, shared memory,
#      occupancy (H100/H200 limits) and, for the GEMM rungs, the main loop's instruction mix.
#
# ptxas and nvdisasm come from $GPUNET_CUDA_TOOLS, else from perf/gpu/cuda-tools.sh (Debian 12's
# nvidia-cuda-toolkit, unpacked, not installed). gpunet is $GPUNET if set, else the Release
# build (built here if missing). Exit 1 if any kernel fails to assemble, spills, or has a stack frame.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUTDIR="${1:?usage: perf/gpu/ptx-report.sh OUTDIR}"
mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"

tools="${GPUNET_CUDA_TOOLS:-}"
[[ -n "$tools" ]] || tools="$(bash "$ROOT/perf/gpu/cuda-tools.sh")"

if [[ -n "${GPUNET:-}" ]]; then
    read -r -a gpunet <<< "$GPUNET"
else
    dll="$ROOT/src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll"
    [[ -f "$dll" ]] || dotnet build "$ROOT/src/GpuNet.Cli/GpuNet.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
    gpunet=(dotnet "$dll")
fi

rm -rf "$OUTDIR/ptx" "$OUTDIR/sass"
"${gpunet[@]}" ptx --out "$OUTDIR/ptx"
python3 "$ROOT/perf/gpu/ptx_report.py" "$OUTDIR/ptx" "$OUTDIR" --tools "$tools"
