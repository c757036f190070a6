#!/usr/bin/env bash
# GpuNet's main job, from a fresh clone with only the .NET 10 SDK:
#   ./run.sh            build, make sure Fashion-MNIST is there, train the default MLP on the best device
#   ./run.sh ARGS...    the same, with `gpunet train` options replacing the recipe's, e.g. --device cpu;
#                       each run writes a new folder runs/default, runs/default-2, ... (--resume DIR continues one)
#   ./run.sh test       run the test suite (what CI runs)
#   ./run.sh test --fast  the same without the tests tagged [Slow] (Category=Slow): the quick loop while editing
#   ./run.sh install    pack the CLI as a .NET tool into .pack/ and install it for the user, so `gpunet` works in a new
#                       shell (`dotnet tool install --global`, or `update` when it is there); --tool-path DIR installs into DIR
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "install" ]; then
  shift
  where=(--global)
  if [ "${1:-}" = "--tool-path" ] && [ -n "${2:-}" ]; then where=(--tool-path "$2"); shift 2; fi
  if [ $# -gt 0 ]; then echo "run.sh install: unknown argument '$1' (only --tool-path DIR)" >&2; exit 2; fi
  # A new version each time: NuGet caches a package by id and version, so a re-pack under the same one would install the old bits.
  version="0.1.0-local.$(date -u +%Y%m%d%H%M%S)"
  rm -f .pack/GpuNet.Cli.*.nupkg
  dotnet pack src/GpuNet.Cli/GpuNet.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly -p:Version="$version"
  verb=install
  dotnet tool list "${where[@]}" | awk '{print tolower($1)}' | grep -qx gpunet.cli && verb=update
  dotnet tool "$verb" "${where[@]}" --add-source .pack --ignore-failed-sources --allow-downgrade --version "$version" GpuNet.Cli
  if [ "${where[0]}" = "--global" ]; then
    tools="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
    case ":$PATH:" in
      *":$tools:"*) ;;
      *) echo "run.sh: $tools is not on your PATH; add it (e.g. in ~/.bashrc) to run gpunet from any shell:"
         echo "  export PATH=\"\$PATH:$tools\"" ;;
    esac
  fi
  exit 0
fi

if [ "${1:-}" = "test" ]; then
  shift
  filter=()
  if [ "${1:-}" = "--fast" ]; then
    shift
    filter=(--filter-not-trait "Category=Slow")
  fi
  exec dotnet test --project tests/GpuNet.Tests/GpuNet.Tests.csproj -c Release "${filter[@]}" "$@"
fi

dotnet build src/GpuNet.Cli/GpuNet.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

# Fashion-MNIST: the places gpunet searches (README "Data"). Install Debian's package when we can.
have_data() {
  for d in "${GPUNET_DATA:-}" "$HOME/.cache/gpunet/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    for base in "$d" "$d/fashion-mnist"; do
      [ -n "$d" ] && ls "$base"/train-images-idx3-ubyte* >/dev/null 2>&1 && return 0
    done
  done
  return 1
}
if ! have_data; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
    echo "run.sh: installing Fashion-MNIST (Debian package dataset-fashion-mnist)..."
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "run.sh: Fashion-MNIST not found. Either run 'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu)," >&2
    echo "        or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and" >&2
    echo "        t10k-labels-idx1-ubyte.gz in ~/.cache/gpunet/fashion-mnist (or a folder named by \$GPUNET_DATA)." >&2
    exit 1
  fi
fi

gpunet=(dotnet src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll train)
given=" $* "
# --resume continues a run with the options it recorded: nothing may be added to it.
if [[ "$given" == *" --resume "* ]]; then
  exec "${gpunet[@]}" "$@"
fi

# The recipe; an option the caller gives replaces its default (System.CommandLine takes each once).
defaults=(--data fashion-mnist --model mlp --hidden 256 --activation relu
          --epochs 10 --batch-size 128 --lr 0.05 --momentum 0.9 --lr-schedule cosine
          --device auto --seed 0)
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  [[ "$given" == *" ${defaults[i]} "* ]] || args+=("${defaults[i]}" "${defaults[i + 1]}")
done
# Each run gets its own folder, as PyTorch Lightning's version_N: runs/default, then runs/default-2, ...
if [[ "$given" != *" --out "* ]]; then
  out=runs/default n=1
  while [[ -e "$out" ]]; do n=$((n + 1)); out="runs/default-$n"; done
  args+=(--out "$out")
fi
exec "${gpunet[@]}" "${args[@]}" "$@"
