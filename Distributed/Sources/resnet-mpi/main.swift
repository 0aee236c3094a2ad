import MPITrainers
import Trainers

// `resnet` as one process of a data-parallel run: `mpirun -np N resnet-mpi [resnet's options]` (Docs/Distributed.md).
ResNetTrainer.main(launch: .mpi())
