#!/usr/bin/env bash
# Build the e2e tools from the Go module proxy, each group into a cache folder keyed by its pins.
#
#   e2e/build-tools.sh              build what is missing, print what was built and how long it took
#   e2e/build-tools.sh --path       build what is missing (quietly), then print a PATH prefix
#   e2e/build-tools.sh --check      exit 1 if anything would be built (nothing is built)
#
# Each group is its own Go module under e2e/tools/<group>/ (their dependency graphs conflict).
# A group's cache folder is $SMARTEM_E2E_BIN/<group>-<key>/ where <key> is a digest of the group's
# go.mod, go.sum, its list of binaries and the Go version: a change of any pin builds it anew;
# an unchanged group is never rebuilt. Default SMARTEM_E2E_BIN: e2e/.bin (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_root="${SMARTEM_E2E_BIN:-$here/.bin}"
mode="${1:-build}"

# The module proxy is reachable, sum.golang.org only through it (the go command does that itself).
export GOFLAGS="-buildvcs=false -mod=readonly"
export CGO_ENABLED=0

# group | main package import path | binary name | extra -ldflags
# (one line per binary; groups build in this order)
tool_list() {
  cat <<'EOF'
etcd|go.etcd.io/etcd/server/v3|etcd|
kube|k8s.io/kubernetes/cmd/kube-apiserver|kube-apiserver|VERSION_LDFLAGS
kube|k8s.io/kubernetes/cmd/kube-controller-manager|kube-controller-manager|VERSION_LDFLAGS
kube|k8s.io/kubernetes/cmd/kube-scheduler|kube-scheduler|VERSION_LDFLAGS
kube|k8s.io/kubernetes/cmd/kubectl|kubectl|VERSION_LDFLAGS
kwok|sigs.k8s.io/kwok/cmd/kwok|kwok|
pulumi|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|pulumi|
language-host|.|pulumi-language-nodejs|
kubernetes-provider|./cmd/pulumi-resource-kubernetes|pulumi-resource-kubernetes|K8S_PROVIDER
random-provider|.|pulumi-resource-random|
EOF
}

groups() { tool_list | cut -d'|' -f1 | awk '!seen[$0]++'; }

# The version a group's main module pins (used in ldflags and printed).
module_version() { # group module-path
  (cd "$here/tools/$1" && go list -m -f '{{.Version}}' "$2")
}

group_key() { # group
  local g="$1"
  {
    go env GOVERSION
    cat "$here/tools/$g/go.mod" "$here/tools/$g/go.sum"
    # our own Go code in the group (a main of ours; not its tests), not the files copied in before a build
    find "$here/tools/$g" -name '*.go' ! -name tools.go ! -name '*_test.go' -print0 | LC_ALL=C sort -z | xargs -0 cat
    tool_list | grep "^$g|"
    echo "ldflags: -s -w; trimpath; cgo off"
  } | sha256sum | cut -c1-12
}

group_dir() { echo "$bin_root/$1-$(group_key "$1")"; }

ldflags_for() { # group extra
  local g="$1" extra="$2"
  case "$extra" in
  VERSION_LDFLAGS)
    # Kubernetes reports its version from these (kubectl version, the API server's /version);
    # without them it says v0.0.0, which some clients reject.
    local v
    v="$(module_version "$g" k8s.io/kubernetes)"
    local p=k8s.io/client-go/pkg/version q=k8s.io/component-base/version
    local mm="${v#v}"
    local major="${mm%%.*}" rest="${mm#*.}"
    local minor="${rest%%.*}"
    echo "-X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean" \
      "-X $q.gitVersion=$v -X $q.gitMajor=$major -X $q.gitMinor=$minor -X $q.gitTreeState=clean"
    ;;
  K8S_PROVIDER)
    local v
    v="$(module_version "$g" github.com/pulumi/pulumi-kubernetes/provider/v4)"
    echo "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${v#v}"
    ;;
  *) echo "" ;;
  esac
}

# Files a group's own main needs from an upstream module before it builds (git-ignored copies).
prepare_group() { # group
  case "$1" in
  kubernetes-provider)
    # Upstream's main embeds a schema its build generates; the module zip has the committed
    # schema.json it is generated from (see tools/kubernetes-provider/cmd/.../main.go).
    local dir
    dir="$(cd "$here/tools/$1" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4 &&
      go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
    install -m 0644 "$dir/cmd/pulumi-resource-kubernetes/schema.json" \
      "$here/tools/$1/cmd/pulumi-resource-kubernetes/schema.json"
    ;;
  esac
}

pulumi_ldflags() {
  local v
  v="$(module_version pulumi github.com/pulumi/pulumi/pkg/v3)"
  echo "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v"
}

build_group() { # group
  local g="$1" dir tmp
  dir="$(group_dir "$g")"
  if [[ -f "$dir/.complete" ]]; then
    [[ "$mode" == build ]] && echo "e2e-tools: $g: cached in $dir"
    return 0
  fi
  if [[ "$mode" == --check ]]; then
    echo "e2e-tools: $g: missing ($dir)"
    return 1
  fi
  mkdir -p "$bin_root"
  tmp="$(mktemp -d "$bin_root/.build-$g.XXXXXX")"
  trap 'rm -rf "$tmp"' RETURN
  local group_start=$SECONDS
  prepare_group "$g"
  while IFS='|' read -r grp pkg name extra; do
    [[ "$grp" == "$g" ]] || continue
    local flags="-s -w $(ldflags_for "$g" "$extra")"
    [[ "$g" == pulumi ]] && flags="$flags $(pulumi_ldflags)"
    local start=$SECONDS
    echo "e2e-tools: building $name ($pkg) ..." >&2
    (cd "$here/tools/$g" && go build -trimpath -ldflags "$flags" -o "$tmp/$name" "$pkg")
    echo "e2e-tools: built $name in $((SECONDS - start)) s" >&2
  done < <(tool_list)
  touch "$tmp/.complete"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  echo "e2e-tools: $g: built in $((SECONDS - group_start)) s into $dir" >&2
}

status=0
for g in $(groups); do
  build_group "$g" || status=1
done
[[ "$mode" == --check ]] && exit "$status"

if [[ "$mode" == --path ]]; then
  path=""
  for g in $(groups); do path="$path$(group_dir "$g"):"; done
  echo "${path%:}"
fi
