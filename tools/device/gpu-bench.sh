#!/bin/sh
# GPU figures for BENCHMARKS.md (issue 17) on a machine with a real GPU, in one short run:
# burn's wgpu (Vulkan) training epoch at GPCR size, against the authors' published ~4.4 s/epoch on
# one GPU, and the signature kernels (`gpu_bench`: forward, forward + backward, error vs the CPU).
#
#   tools/device/gpu-bench.sh prepare   here: builds both programs into .device/ and downloads the
#                                       Vulkan/EGL loader packages into .gl/ (both git-ignored)
#   tools/device/gpu-bench.sh run       there (the device tool: carry [".device", ".gl"],
#                                       timeout_s 540): prints and writes $OUT/*.json
#
# The browser half of the GPU figures (bench.html in Chromium on the real GPU) needs Chromium on
# that machine, which it lacks and cannot download; it is not part of this script.
set -eu
cd "$(dirname "$0")/../.."

case "${1:-}" in
prepare)
    cargo build --release -q -p molsig-cli
    cargo build --release -q -p molsig-signature --features gpu --example gpu_bench
    mkdir -p .device
    cp target/release/molsig target/release/examples/gpu_bench .device/
    strip .device/molsig .device/gpu_bench
    exclude=$(git rev-parse --git-path info/exclude)
    mkdir -p "$(dirname "$exclude")"
    for d in /.device/ /.gl/; do grep -qx "$d" "$exclude" 2>/dev/null || echo "$d" >>"$exclude"; done
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    # shellcheck disable=SC2086
    apt-get $o update -qq
    # shellcheck disable=SC2086
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
    du -sh .device .gl
    ;;
run)
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
    out="${OUT:-/tmp/gpu-bench}"
    mkdir -p "$out"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
    # Signature kernels first: a minute at most.
    timeout 150 .device/gpu_bench --rounds 3 | tee "$out/signature-gpu.json"
    # One warm-up epoch and two timed ones, as `cargo xtask bench model` sizes them.
    for model in reference improved; do
        timeout 150 .device/molsig bench --backend gpu --model "$model" --epochs 2 \
            | tee "$out/epoch-gpu-$model.json"
    done
    ;;
*)
    echo "usage: $0 prepare|run" >&2
    exit 2
    ;;
esac
