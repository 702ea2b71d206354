#!/usr/bin/env bash
# End-to-end test of netgrow on a real Slurm cluster: brings up a
# throwaway single-node cluster on 127.0.0.1 (Debian's slurm-wlm and munge,
# installed when missing), submits a small sweep with the script written by
# `netgrow sweep --emit-slurm 4` (a job array of 4 shards and a dependent
# merge job), waits for it, and checks that the merged sweep.csv is
# byte-identical to the same sweep run here in one piece. It also runs
# `--shard slurm` in a 0-based array and checks each task found its shard.
#
#   sudo scripts/slurm/cluster-test.sh          # builds netgrow first
#   NETGROW=path/to/netgrow scripts/slurm/cluster-test.sh
#
# Needs root on Debian/Ubuntu; works without systemd. Everything the
# cluster writes (config, state, spool, logs, the sweep) lives in one
# temporary directory, removed on success and kept (its path printed) on
# failure. Only the daemons this script starts are stopped, by their PIDs;
# a munged that is already running is used and left alone.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
T0=$SECONDS
say() { printf '[cluster-test %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() {
    say "FAIL: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts munged, slurmctld and slurmd)"

# --- netgrow -----------------------------------------------------------------
if [[ -z ${NETGROW:-} ]]; then
    say "building netgrow (cargo build --release)"
    cargo build --release --locked --quiet
    NETGROW=${CARGO_TARGET_DIR:-$ROOT/target}/release/netgrow
fi
NETGROW=$(realpath "$NETGROW")
[[ -x $NETGROW ]] || die "no netgrow executable at $NETGROW"

# --- packages ----------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
    ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$(mktemp /tmp/netgrow-slurm-apt.XXXXXX)
    if ! { apt-get update -q && apt-get install -y -q --no-install-recommends slurm-wlm munge; } >"$apt_log" 2>&1; then
        tail -n 20 "$apt_log"
        die "could not install slurm-wlm and munge (log: $apt_log)"
    fi
    rm -f "$apt_log"
    say "installed"
fi
say "slurm $(slurmd -V | awk '{print $2}'), munge $(munged --version 2>&1 | awk '{print $1}' | sed 's/^munge-//')"

# --- state and cleanup ---------------------------------------------------------
WORK=$(mktemp -d /tmp/netgrow-slurm-test.XXXXXX)
STARTED=()   # "name pid" of each daemon started here, in start order
JOBS=()      # job ids submitted here
export SLURM_CONF=$WORK/slurm.conf

cleanup() {
    local rc=$? i name pid
    trap - EXIT
    set +e
    if ((${#JOBS[@]})) && ((rc != 0)); then
        scancel "${JOBS[@]}" 2>/dev/null
        sleep 1
    fi
    # Stop in reverse order: slurmd, slurmctld, then munged.
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        read -r name pid <<<"${STARTED[i]}"
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name ($pid) did not stop; killing it"
            kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    done
    if ((rc == 0)); then
        rm -rf "$WORK"
    else
        for log in slurmctld.log slurmd.log; do
            [[ -f $WORK/$log ]] && { echo "--- last lines of $log"; tail -n 15 "$WORK/$log"; }
        done
        for out in "$WORK"/run/slurm-*.out; do
            [[ -f $out ]] && { echo "--- $out"; tail -n 15 "$out"; }
        done
        say "kept $WORK for inspection"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'say "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

# Starts "$@" in its own session and records its PID (setsid does not fork
# here: a background job of a script is not a process-group leader).
start() {
    local name=$1
    shift
    setsid "$@" </dev/null >>"$WORK/$name.out" 2>&1 &
    STARTED+=("$name $!")
}

# Polls "$@" every 0.1 s for up to $1 seconds.
wait_for() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# --- munge ---------------------------------------------------------------------
munge_works() { munge -n </dev/null | unmunge >/dev/null; }
if munge_works 2>/dev/null; then
    say "using the munged already running"
else
    if [[ ! -s /etc/munge/munge.key ]]; then
        mungekey --create --keyfile=/etc/munge/munge.key
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    for d in /run/munge /var/lib/munge /var/log/munge; do
        mkdir -p "$d"
        chown munge:munge "$d"
    done
    chmod 755 /run/munge
    # munged refuses to run as root; --force takes over a socket left by a
    # munged that was killed.
    start munged setpriv --reuid=munge --regid=munge --init-groups munged --foreground --force
    wait_for 10 munge_works || die "munged did not start (see /var/log/munge/munged.log)"
    say "munged started"
fi

# --- slurm ---------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
CTLD_PORT=
for p in 16817 17817 18817 19817; do
    if port_free "$p" && port_free "$((p + 1))"; then
        CTLD_PORT=$p
        break
    fi
done
[[ -n $CTLD_PORT ]] || die "no free pair of ports for slurmctld and slurmd"
HOST=$(hostname -s)
# The node as slurmd sees it: claiming more CPUs or memory drains the node.
NODE=$(slurmd -C | head -n 1)
[[ $NODE == "NodeName=$HOST "* ]] || die "slurmd -C describes '$NODE', not $HOST"
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/run"
cat >"$SLURM_CONF" <<EOF
ClusterName=netgrowtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$((CTLD_PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
start slurmctld slurmctld -D -c
start slurmd slurmd -D
node_idle() { [[ $(sinfo -h -n "$HOST" -o %T) == idle ]]; }
wait_for 30 node_idle || die "node $HOST did not become idle: $(sinfo -h -N -o '%N %T %E' 2>&1)"
say "cluster up: $NODE (slurmctld on 127.0.0.1:$CTLD_PORT)"

# --- the sweep -----------------------------------------------------------------
# 6 points x 2 replicates of a small population, 1 year.
SWEEP=(sweep "$ROOT/scenarios/trust-speed.toml"
    --set population.size=1500 --set groups.count=4
    --set cohorts.connecting.members=30 --set cohorts.networking.members=30
    --years 1 --replicates 2 --threads 1 --no-charts
    --vary relationships.hours_to_trust=1,8,32
    --vary strategies.networking.generosity=0.3,0.9)

"$NETGROW" --quiet "${SWEEP[@]}" --out "$WORK/one" >/dev/null &
ONE=$!

cd "$WORK/run"
"$NETGROW" --quiet "${SWEEP[@]}" --out "$WORK/run/merged" --emit-slurm 4 >sweep.sbatch
submitted=$(bash sweep.sbatch)
echo "$submitted"
ARRAY=$(sed -n 's/.*submitted as job array \([0-9]*\).*/\1/p' <<<"$submitted")
MERGE=$(sed -n 's/.*submitted as job \([0-9]*\),.*/\1/p' <<<"$submitted")
[[ -n $ARRAY && -n $MERGE ]] || die "cannot read the job ids from the submit output"
JOBS+=("$ARRAY" "$MERGE")

# --shard slurm in a 0-based array: each task prints its share.
CHECK=$(sbatch --parsable --array=0-3 --output="$WORK/run/slurm-check-%a.out" \
    --wrap="'$NETGROW' --quiet ${SWEEP[*]@Q} --shard slurm --dry-run")
CHECK=${CHECK%%;*}
JOBS+=("$CHECK")

# Waits for every task of job $1 to end (polling every half second, up to
# 120 s); fails unless all completed with exit code 0.
wait_job() {
    local job=$1 deadline=$((SECONDS + 120)) info states
    while :; do
        info=$(scontrol -o show job "$job")
        states=$(grep -o 'JobState=[A-Z_]*' <<<"$info" | sort -u | tr '\n' ' ')
        case $states in
        *PENDING* | *RUNNING* | *CONFIGURING* | *COMPLETING* | *SUSPENDED* | *REQUEUED* | *RESIZING* | '') ;;
        *) break ;;
        esac
        ((SECONDS < deadline)) || die "job $job still not done after 120 s: $states"
        sleep 0.5
    done
    awk '{ printf " "; for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobState|ExitCode)=/) printf " %s", $i; print "" }' <<<"$info"
    if grep -q -v -e 'JobState=COMPLETED .*ExitCode=0:0' <<<"$info"; then
        die "job $job did not succeed: $states"
    fi
}
wait_job "$ARRAY"
[[ $(scontrol -o show job "$ARRAY" | grep -c 'ArrayTaskId=') -ge 4 ]] || die "the array has fewer than 4 tasks"
wait_job "$MERGE"
wait_job "$CHECK"
say "array $ARRAY (4 shards) and merge $MERGE done"

for k in 0 1 2 3; do
    grep -q "^shard $((k + 1))/4:" "$WORK/run/slurm-check-$k.out" ||
        die "--shard slurm in task $k of --array=0-3 did not run shard $((k + 1))/4: $(cat "$WORK/run/slurm-check-$k.out")"
done
say "--shard slurm found shards 1/4..4/4 in --array=0-3"

wait "$ONE" || die "the one-machine sweep failed"
for k in 1 2 3 4; do
    [[ -f $WORK/run/merged-shard-$k-of-4/shard.json ]] || die "no shard directory merged-shard-$k-of-4"
done
cmp "$WORK/one/sweep.csv" "$WORK/run/merged/sweep.csv" ||
    die "merged sweep.csv differs from the one-machine sweep.csv"
say "PASS: merged sweep.csv ($(wc -l <"$WORK/run/merged/sweep.csv") lines) is byte-identical to the one-machine sweep"
