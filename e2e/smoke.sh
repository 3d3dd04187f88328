#!/usr/bin/env bash
# Smoke checks of the e2e tools. Each check prints `e2e: <id>: passed` or
# `e2e: <id>: failed (<why>)`; the last line is `N passed, N failed`.
#
#   e2e/smoke.sh [check...]     checks: cluster-smoke pulumi-offline stand-ins (default: all)
#
# Puts the built tools first on PATH (building what is missing) unless SMARTEM_E2E_TOOLS_ON_PATH=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "${SMARTEM_E2E_TOOLS_ON_PATH:-}" != 1 ]]; then
  PATH="$("$here/build-tools.sh" --path):$PATH"
  export PATH SMARTEM_E2E_TOOLS_ON_PATH=1
fi
passed=0
failed=0
work="$(mktemp -d "${TMPDIR:-/tmp}/smartem-e2e-smoke.XXXXXX")"
cluster_dir=""
down_leftover() { # a check that failed half-way leaves its cluster in $work/cluster
  if [[ -d "$work/cluster" ]]; then "$here/cluster.sh" down "$work/cluster" 2>/dev/null || true; fi
}
cleanup() {
  down_leftover
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# checks run in a subshell: fail ends it
fail() {
  echo "$*" >"$work/why"
  exit 1
}

# wait_until timeout-seconds description command...
wait_until() {
  local timeout="$1" what="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || fail "timed out after ${timeout}s: $what"
    sleep 1
  done
}

manifests() {
  local ns=e2e-smoke image=registry.invalid/smartem-e2e/app
  cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
EOF
  pod_template() { # image restartPolicy
    cat <<EOF
    metadata:
      labels: {app: $1}
    spec:
      restartPolicy: $3
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: main
        image: $2
        ports: [{containerPort: 8000}]
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
EOF
  }
  deployment() { # name image replicas
    cat <<EOF
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: $ns}
spec:
  replicas: $3
  selector: {matchLabels: {app: $1}}
  template:
EOF
    pod_template "$1" "$2" Always
  }
  job() { # name image
    cat <<EOF
---
apiVersion: batch/v1
kind: Job
metadata: {name: $1, namespace: $ns}
spec:
  backoffLimit: 0
  template:
EOF
    pod_template "$1" "$2" Never
  }
  deployment api "$image:1.0.0" 2
  deployment api-unready "$image:1.0.0-broken-ready" 1
  job migrate "$image:1.0.0"
  job migrate-broken "$image:1.0.0-broken-migration"
  cat <<EOF
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: $ns}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8000}]
EOF
}

ready_endpoints() { # namespace service: prints the number of ready endpoints
  kubectl -n "$1" get endpointslices -l "kubernetes.io/service-name=$2" \
    -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}{"\n"}{end}' | grep -c '^true$' || true
}

check_cluster_smoke() {
  local out pids n
  out="$("$here/cluster.sh" up "$work/cluster")" || fail "cluster.sh up failed"
  cluster_dir="$(sed -n 's/^E2E_CLUSTER_DIR=//p' <<<"$out")"
  pids="$(sed -n 's/^E2E_CLUSTER_PIDS=//p' <<<"$out")"
  export KUBECONFIG="$cluster_dir/kubeconfig" KUBECACHEDIR="$cluster_dir/kubecache"
  cp "$pids" "$work/pids"

  manifests | kubectl apply -f - >/dev/null || fail "kubectl apply of the smoke manifests failed"
  # Pod Security `restricted` is enforced: a pod without a security context is refused.
  if kubectl -n e2e-smoke run bad --image=registry.invalid/x:1 --restart=Never >"$work/psa" 2>&1; then
    fail "a pod violating Pod Security restricted was admitted"
  fi
  grep -q 'violates PodSecurity "restricted' "$work/psa" || fail "unexpected refusal: $(cat "$work/psa")"

  kubectl -n e2e-smoke wait deployment/api --for=condition=Available --timeout=90s >/dev/null ||
    fail "deployment api not Available"
  kubectl -n e2e-smoke wait job/migrate --for=condition=Complete --timeout=90s >/dev/null ||
    fail "job migrate not Complete"
  kubectl -n e2e-smoke wait job/migrate-broken --for=condition=Failed --timeout=90s >/dev/null ||
    fail "job migrate-broken not Failed"
  kubectl -n e2e-smoke get pods -l app=migrate-broken \
    -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' | grep -qx 1 ||
    fail "the broken migration's pod did not exit 1"
  wait_until 60 "2 ready endpoints of service api" bash -c "[[ \$(kubectl -n e2e-smoke get endpointslices -l kubernetes.io/service-name=api -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}{\"\\n\"}{end}' | grep -c '^true$') == 2 ]]"
  # the broken-ready deployment: its pod runs but is never ready, so it never becomes Available
  wait_until 60 "api-unready pod Running" bash -c \
    "kubectl -n e2e-smoke get pods -l app=api-unready -o jsonpath='{.items[0].status.phase}' | grep -qx Running"
  sleep 3
  [[ "$(kubectl -n e2e-smoke get pods -l app=api-unready -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status}')" == False ]] ||
    fail "api-unready pod became Ready"
  [[ "$(kubectl -n e2e-smoke get deployment api-unready -o jsonpath='{.status.conditions[?(@.type=="Available")].status}')" == False ]] ||
    fail "deployment api-unready is Available"

  # a rolling update keeps endpoints: bump the image and wait for the rollout
  kubectl -n e2e-smoke set image deployment/api main=registry.invalid/smartem-e2e/app:1.1.0 >/dev/null
  kubectl -n e2e-smoke rollout status deployment/api --timeout=90s >/dev/null || fail "rollout of api to 1.1.0 did not finish"
  n="$(ready_endpoints e2e-smoke api)"
  [[ "$n" == 2 ]] || fail "after the rollout the api service has $n ready endpoints, not 2"
  kubectl apply --dry-run=client -f <(manifests) >/dev/null || fail "kubectl apply --dry-run=client failed"

  "$here/cluster.sh" down "$cluster_dir" 2>/dev/null || fail "cluster.sh down failed"
  local name pid
  while read -r name pid; do
    if [[ -e "/proc/$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$cluster_dir"; then
      fail "$name ($pid) still runs after down"
    fi
  done <"$work/pids"
  [[ ! -e "$cluster_dir" ]] || fail "$cluster_dir still exists after down"
  cluster_dir=""
}

check_pulumi_offline() {
  local home="$work/pulumi-home" v want
  mkdir -p "$home"
  export PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_URL="" \
    PULUMI_CONFIG_PASSPHRASE=e2e PULUMI_BACKEND_URL="file://$work/state"
  mkdir -p "$work/state"
  v="$(unshare -n pulumi version 2>&1)" || fail "pulumi version failed offline: $v"
  want="$(awk '{ m = $1; v = $2 } $1 == "require" { m = $2; v = $3 }
    m == "github.com/pulumi/pulumi/pkg/v3" { print v; exit }' "$here/tools/pulumi/go.mod")"
  [[ "$v" == "$want" ]] || fail "pulumi version prints $v, the pin is $want"
  unshare -n pulumi about >"$work/about" 2>&1 || fail "pulumi about failed offline: $(tail -3 "$work/about")"
  grep -q "^Version *${v#v}\$" "$work/about" || fail "pulumi about does not show ${v#v}"
  unshare -n pulumi plugin ls >"$work/plugins" 2>&1 || fail "pulumi plugin ls failed offline: $(tail -3 "$work/plugins")"
}

# Our stand-ins for what the proxy does not serve behave as the real ones for what the program
# uses (their own Go tests: e2e/tools/random-provider/main_test.go).
check_stand_ins() {
  (cd "$here/tools/random-provider" && GOFLAGS="-buildvcs=false -mod=readonly" CGO_ENABLED=0 go test ./... >"$work/go-test" 2>&1) ||
    fail "go test of the random stand-in: $(tail -5 "$work/go-test" | tr '\n' ' ')"
}

run_check() { # id
  local id="$1" fn="check_${1//-/_}"
  local rc
  rm -f "$work/why"
  set +e
  (
    set -e
    "$fn"
  )
  rc=$?
  set -e
  if [[ $rc == 0 ]]; then
    echo "e2e: $id: passed"
    passed=$((passed + 1))
  else
    echo "e2e: $id: failed ($(cat "$work/why" 2>/dev/null || echo "exit $rc"))"
    failed=$((failed + 1))
  fi
  down_leftover
}

checks=("$@")
[[ ${#checks[@]} -gt 0 ]] || checks=(cluster-smoke pulumi-offline stand-ins)
for c in "${checks[@]}"; do run_check "$c"; done
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
