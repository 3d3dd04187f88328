#!/usr/bin/env bash
# A throwaway Kubernetes cluster on loopback: etcd, kube-apiserver (Pod Security admission on),
# kube-controller-manager, kube-scheduler and kwok with fake nodes. Nothing listens on anything
# but 127.0.0.1; no container runs and no image is pulled (kwok writes the pod statuses, see
# e2e/kwok-stages.yaml).
#
#   e2e/cluster.sh up [DIR]    start it, wait until ready, print KUBECONFIG=... and
#                              E2E_CLUSTER_DIR=... and return; the cluster keeps running
#   e2e/cluster.sh down DIR    stop the processes recorded in DIR/pids (by pid) and remove DIR
#   e2e/cluster.sh keep        start it and stay in the foreground to look around; Ctrl-C (or
#                              SIGTERM) tears it down
#
# If starting fails, everything started so far is stopped and the folder removed.
# Tools: from PATH when SMARTEM_E2E_TOOLS_ON_PATH=1, otherwise from e2e/build-tools.sh
# (which builds what is missing). Environment: E2E_NODES (default 3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
nodes="${E2E_NODES:-3}"

log() { echo "e2e-cluster: $*" >&2; }

use_tools() {
  if [[ "${SMARTEM_E2E_TOOLS_ON_PATH:-}" != 1 ]]; then
    local p
    p="$("$here/build-tools.sh" --path)"
    export PATH="$p:$PATH"
  fi
  local t
  for t in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
    command -v "$t" >/dev/null || { log "missing tool: $t"; exit 1; }
  done
}

free_ports() { # n: prints n distinct free loopback ports
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# ---- stopping: only the pids recorded in DIR/pids, and only if they still run with DIR in
# their command line (so a recycled pid is never hit).
is_ours() { # dir pid
  local cmdline
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline")" || return 1
  grep -qF -- "$1" <<<"$cmdline"
}

stop_dir() { # dir
  local dir="$1" name pid left
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/pids" ]]; then
    # reverse start order: kwok, scheduler, controller-manager, apiserver, etcd
    while read -r name pid; do
      if is_ours "$dir" "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done < <(tac "$dir/pids")
    for _ in $(seq 1 100); do
      left=0
      while read -r name pid; do is_ours "$dir" "$pid" && left=1; done <"$dir/pids"
      [[ $left == 0 ]] && break
      sleep 0.1
    done
    while read -r name pid; do
      if is_ours "$dir" "$pid"; then
        log "$name ($pid) ignored SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$dir/pids"
    # the processes are our children only when stopped from the script that started them
    while read -r name pid; do wait "$pid" 2>/dev/null || true; done <"$dir/pids"
  fi
  [[ -f "$dir/.e2e-cluster" ]] || { log "refusing to remove $dir: not a cluster folder"; return 1; }
  rm -rf "$dir"
}

# ---- starting
start() { # name args... (stdout/stderr to DIR/logs/name.log, pid to DIR/pids)
  local name="$1"
  shift
  "$@" </dev/null >"$dir/logs/$name.log" 2>&1 &
  echo "$name $!" >>"$dir/pids"
}

check_alive() {
  local name pid
  while read -r name pid; do
    if ! is_ours "$dir" "$pid"; then
      log "$name exited; last lines of $dir/logs/$name.log:"
      tail -n 20 "$dir/logs/$name.log" >&2 || true
      return 1
    fi
  done <"$dir/pids"
}

wait_for() { # description timeout-seconds command...
  local what="$1" timeout="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    check_alive || return 1
    if ((SECONDS - start > timeout)); then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
  log "$what: ok after $((SECONDS - start)) s"
}

gen_certs() {
  local pki="$dir/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj "/CN=smartem-e2e-ca" 2>/dev/null
    sign() { # name subject extensions
      openssl req -new "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile <(printf '%s\n' "$3") -out "$1.crt" 2>/dev/null
      rm -f "$1.csr"
    }
    sign apiserver "/CN=kube-apiserver" \
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
    sign admin "/O=system:masters/CN=e2e-admin" "extendedKeyUsage=clientAuth"
    sign controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
    sign scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
    # the service-account key pair, new for every cluster
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
}

write_kubeconfig() { # file user
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smartem-e2e
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $dir/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $dir/pki/$2.crt
    client-key: $dir/pki/$2.key
contexts:
- name: smartem-e2e
  context: {cluster: smartem-e2e, user: $2}
current-context: smartem-e2e
EOF
}

fake_nodes() {
  local i
  for i in $(seq 1 "$nodes"); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: e2e-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: e2e-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
spec: {}
EOF
  done
}

up() { # [dir]
  if [[ -n "${1:-}" ]]; then
    dir="$1"
    [[ ! -e "$dir" ]] || [[ -z "$(ls -A "$dir")" ]] || { log "$dir exists and is not empty"; exit 1; }
    mkdir -p "$dir"
  else
    dir="$(mktemp -d "${TMPDIR:-/tmp}/smartem-e2e-cluster.XXXXXX")"
  fi
  dir="$(cd "$dir" && pwd)"
  touch "$dir/.e2e-cluster"
  mkdir -p "$dir/logs" "$dir/kubecache"
  : >"$dir/pids"
  ready=0
  trap 'if [[ $ready != 1 ]]; then log "start failed: tearing down"; stop_dir "$dir"; fi' EXIT
  trap 'exit 130' INT TERM
  use_tools

  local t0=$SECONDS
  read -r etcd_port peer_port api_port < <(free_ports 3)
  gen_certs
  write_kubeconfig "$dir/kubeconfig" admin
  write_kubeconfig "$dir/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$dir/scheduler.kubeconfig" scheduler
  export KUBECONFIG="$dir/kubeconfig" KUBECACHEDIR="$dir/kubecache"

  start etcd etcd --name e2e --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "e2e=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn

  start kube-apiserver kube-apiserver \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode RBAC \
    --enable-admission-plugins PodSecurity \
    --allow-privileged=false \
    --endpoint-reconciler-type none \
    --profiling=false

  wait_for "kube-apiserver /readyz" 120 kubectl get --raw /readyz

  start kube-controller-manager kube-controller-manager \
    --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --controllers '*' --use-service-account-credentials \
    --service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
    --leader-elect=false --profiling=false

  start kube-scheduler kube-scheduler \
    --kubeconfig "$dir/scheduler.kubeconfig" \
    --authentication-kubeconfig "$dir/scheduler.kubeconfig" \
    --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --leader-elect=false --profiling=false

  start kwok kwok --kubeconfig "$dir/kubeconfig" --config "$here/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 --node-ip 10.240.0.1

  fake_nodes | kubectl apply -f - >/dev/null
  wait_for "$nodes nodes Ready" 120 kubectl wait node --all --for=condition=Ready --timeout=1s
  wait_for "default service account" 120 kubectl -n default get serviceaccount default
  ready=1
  trap - EXIT INT TERM

  cat >"$dir/env" <<EOF
export KUBECONFIG=$dir/kubeconfig
export E2E_CLUSTER_DIR=$dir
EOF
  log "ready in $((SECONDS - t0)) s: API server https://127.0.0.1:$api_port, logs in $dir/logs"
  echo "KUBECONFIG=$dir/kubeconfig"
  echo "E2E_CLUSTER_DIR=$dir"
  echo "E2E_CLUSTER_PIDS=$dir/pids"
}

cmd="${1:-}"
case "$cmd" in
up)
  up "${2:-}"
  ;;
down)
  [[ -n "${2:-}" ]] || { log "usage: $0 down DIR"; exit 2; }
  stop_dir "$2"
  log "stopped and removed $2"
  ;;
keep)
  up "${2:-}" >/dev/null
  trap 'log "tearing down"; stop_dir "$dir"; exit 0' INT TERM
  trap 'stop_dir "$dir"' EXIT
  echo "cluster up. In another shell:"
  echo "  export KUBECONFIG=$dir/kubeconfig KUBECACHEDIR=$dir/kubecache PATH=$(dirname "$(command -v kubectl)"):\$PATH"
  echo "  kubectl get nodes,pods -A"
  echo "Ctrl-C here stops it and removes $dir."
  while true; do sleep 1; done
  ;;
*)
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
