import MPITrainers
import Trainers

// `cnn` as one process of a data-parallel run: `mpirun -np N cnn-mpi [cnn's options]` (Docs/Distributed.md).
CNNTrainer.main(launch: .mpi())
