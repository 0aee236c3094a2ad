#!/usr/bin/env bash
# Tests the companion package Distributed/ (data-parallel training over Open MPI) under
# `mpirun -np 2` on this machine:
#
#   scripts/test-distributed.sh
#
# Installs Open MPI (Debian's libopenmpi-dev and openmpi-bin) when missing, builds Distributed/
# (debug), then runs: distributed-checks (collectives, gradient buckets, 2 ranks against 1
# process, mismatched models, a NaN on one rank, resuming), a rank killed mid-training (the job
# must end, not hang), and mlp-mpi / cnn-mpi / gpt-mpi from the command line (training, checkpoint, resume
# with the same and with another number of processes). Ends with "distributed: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mpirun > /dev/null || ! pkg-config --exists ompi-c 2> /dev/null; then
    sudo=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
    $sudo apt-get update -qq && $sudo apt-get install -y -qq libopenmpi-dev openmpi-bin pkg-config > /dev/null
fi
# Open MPI refuses root unless told, and a 2-core machine has 2 slots (or 1 with hyperthreads counted as cores).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none)

swift build --package-path Distributed
bin=$(swift build --package-path Distributed --show-bin-path)

passed=0 failed=0
result() {  # NAME STATUS
    if (($2 == 0)); then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The checks of the API and the training loop (every rank checks; rank 0 reports).
status=0
timeout 600 "${mpirun[@]}" -np 2 "$bin/distributed-checks" || status=$?
result "distributed-checks under mpirun -np 2" "$status"

# 2. A rank that dies: mpirun must stop the job and name the rank, within the timeout.
status=0
timeout 120 "${mpirun[@]}" -np 2 "$bin/distributed-checks" die > "$work/die.log" 2>&1 || status=$?
cat "$work/die.log"
[[ $status != 0 && $status != 124 ]] && grep -q "rank 1" "$work/die.log"
result "a killed rank ends the job (status $status), naming rank 1" $?

# 3. The trainers from the command line, on a tiny MNIST-format dataset of two patterns.
python3 - "$work/data" <<'PY'
import os, struct, sys
folder = sys.argv[1]; os.makedirs(folder, exist_ok=True)
def write(name, count, images):
    with open(os.path.join(folder, name), "wb") as f:
        if images:
            f.write(struct.pack(">4B3I", 0, 0, 8, 3, count, 28, 28))
            for i in range(count):
                f.write(bytes((220 if (r < 14 if i % 2 == 0 else c < 14) else 10) for r in range(28) for c in range(28)))
        else:
            f.write(struct.pack(">4BI", 0, 0, 8, 1, count) + bytes(i % 2 for i in range(count)))
for prefix, count in (("train", 40), ("t10k", 8)):
    write(f"{prefix}-images-idx3-ubyte", count, True); write(f"{prefix}-labels-idx1-ubyte", count, False)
PY
mlp=("$bin/mlp-mpi" --dataset mnist --data "$work/data" --batch 8 --validation 8 --hidden 16 --lr 0.01 --threads 1)
status=0
"${mpirun[@]}" -np 2 "${mlp[@]}" --epochs 2 --out "$work/mlp" --json > "$work/mlp.log" 2>&1 || status=$?
cat "$work/mlp.log"
((status == 0)) && grep -q '"trainer":"mlp"' "$work/mlp.log" && grep -q "2 processes" "$work/mlp.log" \
    && grep -q "gradient all-reduce over 2 processes" "$work/mlp.log" && [[ -s "$work/mlp/checkpoint.safetensors" ]] \
    && (($(grep -c "test accuracy" "$work/mlp.log") == 2))  # rank 0 only: the results line and the JSON line
result "mlp-mpi trains with 2 processes; rank 0 alone reports and writes" $?

# Resuming: cnn's recipes do not depend on --epochs, so 1 epoch resumed to 2 is the same run.
cnn=("$bin/cnn-mpi" --dataset mnist --data "$work/data" --batch 8 --validation 8 --threads 1)
status=0
"${mpirun[@]}" -np 2 "${cnn[@]}" --epochs 1 --out "$work/cnn" > "$work/cnn1.log" 2>&1 || status=$?
tail -n 2 "$work/cnn1.log"
((status == 0)) && [[ -s "$work/cnn/checkpoint.safetensors" ]]
result "cnn-mpi trains 1 epoch with 2 processes and writes a checkpoint" $?

status=0
"${mpirun[@]}" -np 1 "${cnn[@]}" --epochs 2 --resume "$work/cnn/checkpoint.safetensors" > "$work/resume1.log" 2>&1 || status=$?
cat "$work/resume1.log"
((status != 0)) && grep -q "written by a run of 2 process(es) and this run has 1" "$work/resume1.log" \
    && grep -q "mpirun -np 2" "$work/resume1.log"
result "--resume with another number of processes stops with a clear message (status $status)" $?

status=0
"${mpirun[@]}" -np 2 "${cnn[@]}" --epochs 2 --resume "$work/cnn/checkpoint.safetensors" > "$work/resume2.log" 2>&1 || status=$?
tail -n 2 "$work/resume2.log"
((status == 0)) && grep -q "resumed from" "$work/resume2.log" && grep -q "Epoch 2/2" "$work/resume2.log"
result "--resume with the same number of processes continues" $?

status=0
"${mpirun[@]}" -np 2 "$bin/gpt-mpi" --quick --threads 1 --generate 20 --out "$work/gpt" --json > "$work/gpt.log" 2>&1 || status=$?
tail -n 3 "$work/gpt.log"
((status == 0)) && grep -q '"trainer":"gpt"' "$work/gpt.log" && grep -q "2 processes" "$work/gpt.log" \
    && (($(grep -c "greedy continuation" "$work/gpt.log") == 1)) && [[ -s "$work/gpt/checkpoint.safetensors" ]]
result "gpt-mpi trains with 2 processes; rank 0 alone generates text and writes" $?

mkdir -p "$work/cifar"
python3 scripts/synthetic-cifar10.py "$work/cifar" --per-batch 20 > /dev/null
status=0
"${mpirun[@]}" -np 2 "$bin/cnn-mpi" --dataset cifar10 --data "$work/cifar" --epochs 1 --batch 10 --validation 20 --limit 60 \
    --threads 1 > "$work/cnn.log" 2>&1 || status=$?
tail -n 3 "$work/cnn.log"
((status == 0)) && grep -q "cnn: " "$work/cnn.log"
result "cnn-mpi trains with 2 processes" $?

# resnet-mpi: a narrow ResNet-20 (BatchNorm on each process's part of the batch), stopped after
# epoch 1 of 2 and resumed with the same number of processes.
resnet=("$bin/resnet-mpi" --dataset mnist --data "$work/data" --width 2 --batch 8 --validation 8 --epochs 2 --threads 1 --out "$work/resnet")
status=0
"${mpirun[@]}" -np 2 "${resnet[@]}" --stop-after 1 > "$work/resnet1.log" 2>&1 || status=$?
"${mpirun[@]}" -np 2 "${resnet[@]}" --resume "$work/resnet/checkpoint.safetensors" > "$work/resnet2.log" 2>&1 || status=$?
tail -n 2 "$work/resnet2.log"
((status == 0)) && grep -q "resumed from" "$work/resnet2.log" && grep -q "resnet: " "$work/resnet2.log"
result "resnet-mpi trains with 2 processes and resumes" $?

echo "distributed: $passed passed, $failed failed"
((failed == 0))
