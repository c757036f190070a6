#!/usr/bin/env bash
# Puts NVIDIA's ptxas, cuobjdump and nvdisasm (CUDA 11.8) into a folder and prints that folder.
#
#   perf/gpu/cuda-tools.sh [DIR]     DIR defaults to ~/.cache/gpunet/cuda-tools
#   perf/gpu/cuda-tools.sh --archive prints the archive URI (and keyring) it would fetch from
#
# They come from Debian 12's non-free nvidia-cuda-toolkit package, fetched with one
# `apt-get download` through a private sources list (the machine's apt configuration is not
# touched) and unpacked with `dpkg-deb -x`. Nothing is installed: the .deb is 84 MB, installing
# it pulls in 1.5 GB of dependencies, and these three programs need only libc.
# The private list names the Debian archive this machine's own apt sources use (its deb822
# /etc/apt/sources.list.d/*.sources or its one-line /etc/apt/sources.list), so the script
# names no mirror of its own and fetches from wherever the machine is set up to.
set -euo pipefail

# The first archive of the machine's sources that serves a release's main suite (not -security,
# -updates or -backports), with its Signed-By keyring when it names one: "URI KEYRING" ("-" for none).
machine_archive() {
    local etc="${CUDA_TOOLS_APT_ETC:-/etc/apt}" f
    for f in "$etc"/sources.list.d/*.sources; do if [[ -f "$f" ]]; then cat "$f"; echo; fi; done | awk '
        function flush() { if (deb && enabled && main && uri != "" && !done) { print uri, (key == "" ? "-" : key); done = 1 }
                           deb = 0; enabled = 1; main = 0; uri = ""; key = "" }
        BEGIN { enabled = 1 }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
        tolower($1) == "enabled:" { enabled = tolower($2) != "no" }
        tolower($1) == "uris:" { uri = $2 }
        tolower($1) == "signed-by:" && NF == 2 { key = $2 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i !~ /[-\/]/) main = 1 }
        END { flush() }'
    if [[ -f "$etc/sources.list" ]]; then awk '
        $1 == "deb" { i = 2; key = "-"
                      if ($2 ~ /^\[/) for (; i <= NF; i++) {
                          if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
                          if ($i ~ /\]$/) { i++; break } }
                      if ($(i + 1) !~ /[-\/]/) { print $i, key; exit } }' "$etc/sources.list"; fi
    return 0
}
# --archive: print what it found and stop (for checking a machine's sources, and for the tests).
if [[ "${1:-}" == "--archive" ]]; then machine_archive | head -n1; exit 0; fi

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
read -r mirror keyring < <(machine_archive | head -n1) || true
if [[ -z "${mirror:-}" ]]; then
    echo "cuda-tools.sh: found no Debian archive in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; or put ptxas, cuobjdump and nvdisasm in $DEST" >&2
    exit 1
fi
[[ "${keyring:--}" == "-" ]] && keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$work/sources/non-free.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm
Components: main contrib non-free
Signed-By: $keyring
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
