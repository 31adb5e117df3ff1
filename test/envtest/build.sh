#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and etcd from the Go modules
# pinned in test/envtest/go.mod into a cache folder keyed by version:
#   <repo>/.envtest/bin/k8s-<version>/   (override with ENVTEST_BIN_DIR)
# Skips the build when the three binaries are already there. With
# KUBEBUILDER_ASSETS set (controller-runtime's envtest convention) it only
# checks that folder and builds nothing.
# Prints the folder holding the binaries as its last line.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bins=(etcd kube-apiserver kube-controller-manager)

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  for b in "${bins[@]}"; do
    [[ -x "$KUBEBUILDER_ASSETS/$b" ]] || { echo "envtest: KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no executable $b" >&2; exit 1; }
  done
  echo "envtest: using binaries from KUBEBUILDER_ASSETS" >&2
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

k8s_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
out="${ENVTEST_BIN_DIR:-$root/.envtest/bin/k8s-$k8s_version-etcd-$etcd_version}"

missing=()
for b in "${bins[@]}"; do [[ -x "$out/$b" ]] || missing+=("$b"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "envtest: binaries present in $out, build skipped" >&2
  echo "$out"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
envtest: Go is not installed, and the control-plane binaries are missing from
  $out
Either install Go (1.24 or newer: https://go.dev/doc/install, or your system's
package, e.g. 'apt-get install golang') so they can be built, or point
KUBEBUILDER_ASSETS at a folder holding etcd, kube-apiserver and
kube-controller-manager (for example from controller-runtime's setup-envtest).
MSG
  exit 1
fi

mkdir -p "$out"
cd "$here"
echo "envtest: building ${missing[*]} (Kubernetes $k8s_version, etcd $etcd_version) into $out" >&2
echo "envtest: a cold build downloads modules and compiles ~2000 packages; it takes 10-25 minutes on 2 cores" >&2
start=$SECONDS
echo "envtest: [1/2] downloading modules" >&2
go mod download
ver_pkg=k8s.io/component-base/version
minor=$(echo "$k8s_version" | cut -d. -f2)
ldflags="-s -w -X $ver_pkg.gitVersion=$k8s_version -X $ver_pkg.gitMajor=1 -X $ver_pkg.gitMinor=$minor -X $ver_pkg.gitTreeState=clean"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
i=0
for b in "${missing[@]}"; do
  i=$((i + 1))
  case $b in
    etcd) pkg=go.etcd.io/etcd/server/v3 ;;
    *) pkg=k8s.io/kubernetes/cmd/$b ;;
  esac
  echo "envtest: [2/2] building $b ($i/${#missing[@]})" >&2
  # go build -v names each package as it compiles it; print a count every 50.
  CGO_ENABLED=0 go build -v -trimpath -ldflags "$ldflags" -o "$out/$b.tmp" "$pkg" 2>&1 |
    awk -v b="$b" -v s="$(date +%s)" -v base="$((SECONDS - start))" '
      function now(  t) { "date +%s" | getline t; close("date +%s"); return t }
      /^(#|go: |.*\.go:[0-9]+)/ { print > "/dev/stderr"; next }
      { n++; if (n % 50 == 0) { printf "envtest:   %s: %d packages compiled (%ds)\n", b, n, base + now() - s > "/dev/stderr"; fflush("/dev/stderr") } }'
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "envtest: building $b failed" >&2; exit 1; }
  mv "$out/$b.tmp" "$out/$b"
  echo "envtest:   $b done ($((SECONDS - start))s)" >&2
done
echo "envtest: built in $((SECONDS - start))s" >&2
echo "$out"
