import MPITrainers
import Trainers

// `gpt` as one process of a data-parallel run: `mpirun -np N gpt-mpi [gpt's options]` (Docs/Distributed.md).
GPTTrainer.main(launch: .mpi())
