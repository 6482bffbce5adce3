#!/usr/bin/env bash
# Debian packages the harness and its tests need on a fresh machine:
#   python3-torch, python3-numpy  the external-protocol clients (real torch.optim.RMSprop, NumPy tutorial form)
#   libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri  Mesa llvmpipe for Dawn's OpenGL ES backend (WebGPU on CPU)
#   chromium  the browser test of the HTML report
# Idempotent: does nothing when everything is present. `--check` only lists what is missing (exit 1 if any).
# Also run as `npx rmsprop-harness setup` from a project that installed the harness.
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; fi
packages=(python3-torch python3-numpy libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all Debian packages present"
  exit 0
fi
if [ "$check" -eq 1 ]; then
  echo "setup-system: missing ${missing[*]}"
  exit 1
fi
echo "setup-system: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done"
