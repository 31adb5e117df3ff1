#!/usr/bin/env bash
# Builds the local control plane's binaries into cache folders keyed by version:
#   <repo>/.envtest/bin/k8s-<version>-etcd-<version>/  etcd, kube-apiserver,
#       kube-controller-manager, kube-scheduler: from the Go modules pinned in
#       test/envtest/go.mod (the versions Kubernetes itself pins);
#   <repo>/.envtest/bin/kwok-<version>/kwok: KWOK (sigs.k8s.io/kwok, the
#       Kubernetes SIG project that simulates nodes and their pods), with
#       `go install sigs.k8s.io/kwok/cmd/kwok@<version>`: its own module and
#       go.sum, so its dependencies never meet the apiserver's.
# ENVTEST_BIN_DIR puts all five in one folder instead.
# Each binary is looked up first in KUBEBUILDER_ASSETS (controller-runtime's
# envtest convention, e.g. from setup-envtest) when that is set, then in the
# cache; only the ones found in neither are built, so a present binary is never
# rebuilt and KUBEBUILDER_ASSETS with all five needs no Go.
# Progress goes to stderr; stdout ends with one `name=path` line per binary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# KWOK v0.7.0 is built against the Kubernetes 1.33 libraries (its go.mod), the
# minor version of test/envtest/go.mod.
kwok_version=v0.7.0
k8s_bins=(etcd kube-apiserver kube-controller-manager kube-scheduler)
all_bins=("${k8s_bins[@]}" kwok)

k8s_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ {print $2; exit}' "$here/go.mod")
k8s_out="${ENVTEST_BIN_DIR:-$root/.envtest/bin/k8s-$k8s_version-etcd-$etcd_version}"
kwok_out="${ENVTEST_BIN_DIR:-$root/.envtest/bin/kwok-$kwok_version}"

cache_path() { if [[ $1 == kwok ]]; then echo "$kwok_out/kwok"; else echo "$k8s_out/$1"; fi; }

declare -A found=()
missing=()
for b in "${all_bins[@]}"; do
  if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/$b" ]]; then
    found[$b]="$KUBEBUILDER_ASSETS/$b"
  elif [[ -x "$(cache_path "$b")" ]]; then
    found[$b]=$(cache_path "$b")
  else
    missing+=("$b")
  fi
done

print_paths() { for b in "${all_bins[@]}"; do echo "$b=${found[$b]}"; done; }

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "envtest: binaries present (${KUBEBUILDER_ASSETS:+KUBEBUILDER_ASSETS, }$k8s_out, $kwok_out), build skipped" >&2
  print_paths
  exit 0
fi
[[ -n "${KUBEBUILDER_ASSETS:-}" ]] && echo "envtest: KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks ${missing[*]}: building them into the cache" >&2

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
envtest: Go is not installed, and these control-plane binaries are missing: ${missing[*]}
(looked in ${KUBEBUILDER_ASSETS:-KUBEBUILDER_ASSETS (unset)}, $k8s_out and $kwok_out).
Either install Go (1.24 or newer: https://go.dev/doc/install, or your system's
package, e.g. 'apt-get install golang') so they can be built, or point
KUBEBUILDER_ASSETS at a folder holding etcd, kube-apiserver,
kube-controller-manager, kube-scheduler and kwok.
MSG
  exit 1
fi

start=$SECONDS
# `go build -v` / `go install -v` name each package as they compile it: print a count every 50.
progress() {
  awk -v b="$1" -v base="$((SECONDS - start))" -v s="$(date +%s)" '
    function now(  t) { "date +%s" | getline t; close("date +%s"); return t }
    /^(#|go: |.*\.go:[0-9]+)/ { print > "/dev/stderr"; next }
    { n++; if (n % 50 == 0) { printf "envtest:   %s: %d packages compiled (%ds)\n", b, n, base + now() - s > "/dev/stderr"; fflush("/dev/stderr") } }'
}

echo "envtest: building ${missing[*]} (Kubernetes $k8s_version, etcd $etcd_version, KWOK $kwok_version)" >&2
echo "envtest: a cold build downloads modules and compiles ~2500 packages; it takes 15-30 minutes on 2 cores (kube-scheduler alone, warm: ~15 s; kwok, warm: ~1 min)" >&2
ver_pkg=k8s.io/component-base/version
minor=$(echo "$k8s_version" | cut -d. -f2)
ldflags="-s -w -X $ver_pkg.gitVersion=$k8s_version -X $ver_pkg.gitMajor=1 -X $ver_pkg.gitMinor=$minor -X $ver_pkg.gitTreeState=clean"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
i=0
for b in "${missing[@]}"; do
  i=$((i + 1))
  echo "envtest: [$i/${#missing[@]}] building $b" >&2
  if [[ $b == kwok ]]; then
    # Its own module (go.sum checked by the Go checksum database); GOBIN is the cache folder.
    mkdir -p "$kwok_out"
    tmp=$(mktemp -d "$kwok_out/.build.XXXXXX")
    (cd "$tmp" && GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-trimpath go install -v -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$kwok_version" 2>&1) | progress "$b"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { rm -rf "$tmp"; echo "envtest: building $b failed" >&2; exit 1; }
    mv "$tmp/kwok" "$kwok_out/kwok"
    rm -rf "$tmp"
  else
    case $b in
      etcd) pkg=go.etcd.io/etcd/server/v3 ;;
      *) pkg=k8s.io/kubernetes/cmd/$b ;;
    esac
    mkdir -p "$k8s_out"
    (cd "$here" && CGO_ENABLED=0 go build -v -trimpath -ldflags "$ldflags" -o "$k8s_out/$b.tmp" "$pkg" 2>&1) | progress "$b"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "envtest: building $b failed" >&2; exit 1; }
    mv "$k8s_out/$b.tmp" "$k8s_out/$b"
  fi
  found[$b]=$(cache_path "$b")
  echo "envtest:   $b done ($((SECONDS - start))s)" >&2
done
echo "envtest: built in $((SECONDS - start))s" >&2
print_paths
