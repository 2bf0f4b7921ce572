#!/bin/sh
# The Slurm jobscripts, run for real on a private one-node Slurm (munge,
# slurmctld, slurmd from Debian) that this test starts and stops itself.
# The PBS scripts are checked for syntax (Debian has no PBS server).
. "$top_srcdir/tests/tap.sh"
srcdir=$(cd "$top_srcdir" && pwd)
builddir=$(cd "$top_builddir" && pwd)

for f in "$srcdir"/jobscripts/pbs/*.pbs "$srcdir"/jobscripts/slurm/*.sbatch "$srcdir"/jobscripts/*.sh; do
  check "syntax of ${f#$srcdir/}" bash -n "$f"
done
check "PBS scripts declare their resources" sh -c "grep -q '^#PBS -l' '$srcdir/jobscripts/pbs/hmc.pbs' && grep -q '^#PBS -l' '$srcdir/jobscripts/pbs/scaling.pbs'"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
   || [ "$(id -u)" -ne 0 ]; then
  echo "ok $((n + 1)) # SKIP Slurm (slurmctld, slurmd, munge) not installed, or not root"
  n=$((n + 1))
  finish
  exit $?
fi

S="$workdir/slurm"
mkdir -p "$S/state" "$S/spool"
host=$(hostname -s)
# the hardware, not nproc: nproc honours OMP_NUM_THREADS, which clusters set to 1
ncpu=$(getconf _NPROCESSORS_ONLN)
port=$((20000 + $$ % 20000))
cat > "$S/slurm.conf" <<CONF
ClusterName=latdifftest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$ncpu State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE
CONF
export SLURM_CONF="$S/slurm.conf"

# munged is stopped at the end only if this test started it
started_munge=
start_munge() {
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
  started_munge=yes
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null
  [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged || /usr/sbin/munged --force
  sleep 1
  munge -n | unmunge >/dev/null
}
stop_slurm() {
  scancel --quiet --user=root 2>/dev/null
  [ -s "$S/slurmd.pid" ] && kill "$(cat "$S/slurmd.pid")" 2>/dev/null
  [ -s "$S/slurmctld.pid" ] && kill "$(cat "$S/slurmctld.pid")" 2>/dev/null
  if [ -n "$started_munge" ]; then
    pkill -x munged 2>/dev/null
  fi
  sleep 1
}
trap 'stop_slurm; rm -rf "$workdir"' EXIT

node_idle() {
  i=0
  while [ $i -lt 60 ]; do
    sinfo -h -o %T 2>/dev/null | grep -q -E '^idle' && return 0
    sleep 1; i=$((i + 1))
  done
  cat "$S/slurmctld.log" "$S/slurmd.log" | tail -n 20
  return 1
}
check "munge runs" start_munge
check "slurmctld starts" /usr/sbin/slurmctld -f "$SLURM_CONF"
check "slurmd starts" /usr/sbin/slurmd -f "$SLURM_CONF" -N "$host"
check "the node is idle" node_idle

cat > "$workdir/small.opts" <<OPTS
-lattice 16,16
-kappa 0.21
-lambda 0.022
-ntraj 400
-therm 20
-seed 4
OPTS
export LATDIFF="$builddir/latdiff" OPENBLAS_NUM_THREADS=1
cd "$workdir" || exit 1
ln -s "$srcdir/jobscripts" jobscripts
job_ok() { # job_ok OUTFILE: the job's output names no error
  [ -s "$1" ] && ! grep -q -E 'latdiff: error|internal error|PETSC ERROR|MPI_ABORT|srun: error' "$1" || { cat "$1"; return 1; }
}
check "sbatch hmc.sbatch completes" timeout 300 sbatch --wait -o hmc.out jobscripts/slurm/hmc.sbatch small.opts s.h5
check "the job wrote the ensemble and its analysis" sh -c "test -s s.h5 && test -s s.json && grep -q '\"chi2\"' s.json"
check "the job output is clean" job_ok hmc.out
check "srun --mpi=pmix ran latdiff on 2 ranks" grep -q "latdiff hmc .* on 2 ranks" hmc.out
check "the ensemble equals a run by mpirun" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF hmc -options_file small.opts -output m.h5 >/dev/null &&
  $builddir/tests/test_compare -a s.h5 -b m.h5 -tol 1e-12"
check "sbatch scaling.sbatch completes" env RANKS="1 2" LOCAL=32 GLOBAL=64 NTRAJ=4 \
  timeout 300 sbatch --wait -o scaling.out jobscripts/slurm/scaling.sbatch
check "the scaling tables have a row per rank count" sh -c "
  test \$(grep -c -E '^ +[12] ' scaling-weak.txt) -eq 2 && test \$(grep -c -E '^ +[12] ' scaling-strong.txt) -eq 2" 
check "the scaling job output is clean" job_ok scaling.out
finish
