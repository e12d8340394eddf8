# Teardown of the local cluster (sourced by local-cluster.sh): stops what `up` started by the PIDs it
# recorded (never by name), kills the containers through each containerd, then removes mounts, the
# network namespace, pod netns files and cgroups under our own names, and restores the sysctls the
# kubelets changed. Leaves the cluster directory (logs) unless --purge.

stop_everything() {
  set +e  # best effort: every step runs even when an earlier one finds nothing to stop
  local f s ns t pf pd cmd n h cg m
  for f in "$PIDS"/kubelet-*.pid "$PIDS"/kube-proxy.pid "$PIDS"/apiserver-bridge.pid "$PIDS"/device-plugin-*.pid; do
    [ -f "$f" ] && stop_pid "$(basename "$f" .pid)"
  done
  for d in "$CD"/containerd-*/; do
    s="$d/containerd.sock"; [ -S "$s" ] || continue
    for ns in k8s.io default; do
      for t in $(ctr -a "$s" -n "$ns" tasks ls -q 2>/dev/null); do ctr -a "$s" -n "$ns" tasks kill -s KILL "$t" 2>/dev/null; done
      sleep 0.3
      for t in $(ctr -a "$s" -n "$ns" tasks ls -q 2>/dev/null); do ctr -a "$s" -n "$ns" tasks rm -f "$t" >/dev/null 2>&1; done
      for c in $(ctr -a "$s" -n "$ns" containers ls -q 2>/dev/null); do ctr -a "$s" -n "$ns" containers rm "$c" >/dev/null 2>&1; done
    done
    for pf in "$d"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
      [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null
    done
  done
  # A shim still serving one of our sockets (its -address flag names it): stop it by its PID.
  for pd in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' < "$pd/cmdline" 2>/dev/null)" || continue
    case "$cmd" in *containerd-shim*"-address $CD/containerd-"*) kill "${pd#/proc/}" 2>/dev/null ;; esac
  done
  for n in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_pid "$n"; done
  for f in "$PIDS"/containerd-*.pid; do [ -f "$f" ] && stop_pid "$(basename "$f" .pid)"; done
  # The nodes' mount namespaces: with no process left in them, unmounting their files ends them and
  # every mount made inside (pod volumes, container root filesystems).
  for m in "/run/hetero-mnt-$HETERO_NETNS"/*; do
    [ -e "$m" ] || continue
    umount "$m" 2>/dev/null; rm -f "$m"
  done
  rmdir "/run/hetero-mnt-$HETERO_NETNS" 2>/dev/null
  # /var/lib/kubelet/device-plugins was made as a mount point for the nodes; remove it if empty and ours.
  [ -f "$CD/made-var-lib-kubelet" ] && rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet 2>/dev/null && rm -f "$CD/made-var-lib-kubelet"
  findmnt -rn -o TARGET | grep "^$CD/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  # Pod network namespaces made while the cluster ran (those listed before `up` are not ours).
  for n in /run/netns/cni-*; do
    [ -e "$n" ] || continue
    grep -qx "$n" "$CD/netns.before" 2>/dev/null && continue
    umount "$n" 2>/dev/null; rm -f "$n"
  done
  [ -e "/run/netns/$HETERO_NETNS" ] && ip netns del "$HETERO_NETNS"
  rm -rf "$CD"/cni-ipam-*
  for h in /sys/fs/cgroup/*/; do
    for cg in "$h"hetero-*; do
      [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  done
  if [ -f "$CD/sysctl.orig" ]; then
    while IFS= read -r kv; do sysctl -qw "$kv"; done < "$CD/sysctl.orig"
    rm -f "$CD/sysctl.orig"
  fi
  find /run/containerd -depth -type d -empty -delete 2>/dev/null
  return 0
}
