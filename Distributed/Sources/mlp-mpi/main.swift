import MPITrainers
import Trainers

// `mlp` as one process of a data-parallel run: `mpirun -np N mlp-mpi [mlp's options]` (Docs/Distributed.md).
MLPTrainer.main(launch: .mpi())
