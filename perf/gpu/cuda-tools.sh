#!/usr/bin/env bash
# Puts NVIDIA's ptxas, cuobjdump and nvdisasm (CUDA 11.8) into a folder and prints that folder.
#
#   perf/gpu/cuda-tools.sh [DIR]     DIR defaults to ~/.cache/gpunet/cuda-tools
#
# They come from Debian 12's non-free nvidia-cuda-toolkit package, fetched with one
# `apt-get download` through a private sources list (the machine's apt configuration is not
# touched) and unpacked with `dpkg-deb -x`. Nothing is installed: the .deb is 84 MB, installing
# it pulls in 1.5 GB of dependencies, and these three programs need only libc.
set -euo pipefail

DEST="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/gpunet/cuda-tools}"
if [[ -x "$DEST/ptxas" && -x "$DEST/cuobjdump" && -x "$DEST/nvdisasm" ]]; then
    echo "$DEST"
    exit 0
fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
    echo "cuda-tools.sh: needs apt-get and dpkg-deb (Debian 12); or put ptxas, cuobjdump and nvdisasm in $DEST" >&2
    exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial"
cat > "$work/sources/non-free.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update -qq >&2
(cd "$work" && apt-get "${apt_opts[@]}" download -qq nvidia-cuda-toolkit >&2)
dpkg-deb -x "$work"/nvidia-cuda-toolkit_*.deb "$work/x"
mkdir -p "$DEST"
for tool in ptxas cuobjdump nvdisasm; do
    install -m 0755 "$work/x/usr/bin/$tool" "$DEST/$tool"
done
"$DEST/ptxas" --version | tail -n1 >&2
echo "$DEST"
