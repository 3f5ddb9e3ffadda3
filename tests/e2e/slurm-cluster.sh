# shellcheck shell=bash
# A real one-machine Slurm cluster for the tests, sourced after lib.sh:
# Debian's slurmctld and slurmd (slurm-wlm) with munge, every file of it in
# one private folder (configuration, munge key and socket, state, spool,
# logs), on free ports, so it touches neither /etc nor a cluster already
# running here.
#
#   slurm_cluster_start DIR   installs SLURM_PACKAGES (the Makefile's) when
#                             missing, starts munged, slurmctld and slurmd,
#                             waits for the node to be idle, exports SLURM_CONF
#                             for sbatch, squeue, scontrol and luutru. Returns 1
#                             with the reason in SLURM_CLUSTER_WHY when the
#                             daemons cannot run here.
#   slurm_cluster_stop        cancels the cluster's jobs, stops the daemons by
#                             their pids; safe to call twice or before a start.
#   slurm_job_state JOB       "STATE EXIT" of a job, from scontrol.

SLURM_CLUSTER_DIR=
SLURM_CLUSTER_WHY=

slurm_packages() {
	sed -n 's/^SLURM_PACKAGES[[:space:]]*=[[:space:]]*//p' "$ROOT/Makefile"
}

slurm_install() {
	local missing=() p
	for p in $(slurm_packages); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		SLURM_CLUSTER_WHY="Slurm is not installed (${missing[*]}) and installing it needs root"
		return 1
	fi
	echo "installing ${missing[*]} for the Slurm test" >&2
	# policy-rc.d keeps Debian from starting the packages' own daemons here:
	# the test starts its own, on its own configuration.
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$T/apt.log" 2>&1 &&
	   ! { apt-get update -q >>"$T/apt.log" 2>&1 &&
	       DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >>"$T/apt.log" 2>&1; }; then
		SLURM_CLUSTER_WHY="cannot install ${missing[*]}: $(tail -n 1 "$T/apt.log")"
		return 1
	fi
}

# free_port: a TCP port nothing listens on now
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

slurm_cluster_start() {
	local d=$1 host cpus ctld_port slurmd_port state
	SLURM_CLUSTER_DIR=$d
	if [ "$(id -u)" != 0 ]; then
		SLURM_CLUSTER_WHY="the daemons run as root here (SlurmUser=root) and this is uid $(id -u)"
		return 1
	fi
	slurm_install || return 1
	mkdir -p "$d/munge" "$d/state" "$d/spool" "$d/log"
	chmod 700 "$d"
	chmod 711 "$d/munge"   # munged wants its socket's folder searchable
	head -c 1024 /dev/urandom >"$d/munge/munge.key"
	chmod 400 "$d/munge/munge.key"
	if ! munged --force --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
		--pid-file="$d/munge/munged.pid" --log-file="$d/log/munged.log" \
		--seed-file="$d/munge/munged.seed" 2>"$d/log/munged.err"; then
		SLURM_CLUSTER_WHY="munged cannot start: $(cat "$d/log/munged.err" "$d/log/munged.log" 2>/dev/null | tail -n 2)"
		return 1
	fi
	host=$(hostname -s)
	cpus=$(nproc)
	ctld_port=$(free_port)
	slurmd_port=$(free_port)
	while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
	cat >"$d/slurm.conf" <<EOF
# luutru's test cluster: one machine, no cgroups, no accounting daemon.
ClusterName=luutrutest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/slurmd-%n
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
PlugStackConfig=$d/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	: >"$d/plugstack.conf"
	export SLURM_CONF=$d/slurm.conf
	if ! slurmctld -f "$SLURM_CONF" 2>"$d/log/slurmctld.err"; then
		SLURM_CLUSTER_WHY="slurmctld cannot start: $(tail -n 2 "$d/log/slurmctld.err" "$d/log/slurmctld.log" 2>/dev/null)"
		return 1
	fi
	if ! slurmd -f "$SLURM_CONF" 2>"$d/log/slurmd.err"; then
		SLURM_CLUSTER_WHY="slurmd cannot start: $(tail -n 2 "$d/log/slurmd.err" "$d/log/slurmd.log" 2>/dev/null)"
		return 1
	fi
	for _ in $(seq 1 150); do
		state=$(sinfo -h -o %T 2>/dev/null || true)
		[ "$state" = idle ] && return 0
		sleep 0.2
	done
	SLURM_CLUSTER_WHY="the node is not idle after 30 s (sinfo: '$state'): $(tail -n 3 "$d/log/slurmctld.log" "$d/log/slurmd.log" 2>/dev/null)"
	return 1
}

# stop_pid FILE: TERM to the pid in FILE, KILL after 10 s
stop_pid() {
	local pid
	[ -s "$1" ] || return 0
	pid=$(cat "$1")
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

slurm_cluster_stop() {
	local d=$SLURM_CLUSTER_DIR
	[ -n "$d" ] || return 0
	SLURM_CLUSTER_DIR=
	if [ -s "$d/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
		# This cluster's jobs are all this test's.
		scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null || true
	fi
	stop_pid "$d/slurmd.pid"
	stop_pid "$d/slurmctld.pid"
	stop_pid "$d/munge/munged.pid"
}

slurm_job_state() {
	local line state code
	line=$(scontrol -o show job "$1")
	state=${line#*JobState=}; state=${state%% *}
	code=${line#* ExitCode=}; code=${code%%:*}
	echo "$state $code"
}
