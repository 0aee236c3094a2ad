// swift-tools-version: 6.2
// Data-parallel training over MPI: an optional companion of SwiftAutograd. The root package never
// depends on it, so building and testing the root needs only the Swift toolchain; this one needs
// Open MPI too (Debian: `apt-get install libopenmpi-dev openmpi-bin`). See Docs/Distributed.md.
import PackageDescription

let package = Package(
    name: "SwiftAutogradDistributed",
    products: [
        .library(name: "MPI", targets: ["MPI"]),
        .executable(name: "mlp-mpi", targets: ["mlp-mpi"]),
        .executable(name: "cnn-mpi", targets: ["cnn-mpi"]),
        .executable(name: "gpt-mpi", targets: ["gpt-mpi"]),
        .executable(name: "resnet-mpi", targets: ["resnet-mpi"]),
        .executable(name: "distributed-checks", targets: ["distributed-checks"]),
    ],
    dependencies: [.package(name: "SwiftAutograd", path: "..")],
    targets: [
        // Open MPI's C library and headers, through pkg-config's ompi-c (libopenmpi-dev on Debian).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "MPI", dependencies: ["CMPI", .product(name: "Train", package: "SwiftAutograd"),
                                            .product(name: "Autograd", package: "SwiftAutograd")]),
        // The example trainers on MPI: what mlp-mpi, cnn-mpi and resnet-mpi share.
        .target(name: "MPITrainers", dependencies: ["MPI", .product(name: "Trainers", package: "SwiftAutograd")]),
        .executableTarget(name: "mlp-mpi", dependencies: ["MPITrainers", .product(name: "Trainers", package: "SwiftAutograd")]),
        .executableTarget(name: "cnn-mpi", dependencies: ["MPITrainers", .product(name: "Trainers", package: "SwiftAutograd")]),
        .executableTarget(name: "gpt-mpi", dependencies: ["MPITrainers", .product(name: "Trainers", package: "SwiftAutograd")]),
        .executableTarget(name: "resnet-mpi", dependencies: ["MPITrainers", .product(name: "Trainers", package: "SwiftAutograd")]),
        // The package's tests: run under `mpirun -np 2` (scripts/test-distributed.sh), every rank checks.
        .executableTarget(name: "distributed-checks", dependencies: [
            "MPI", .product(name: "Train", package: "SwiftAutograd"), .product(name: "Layers", package: "SwiftAutograd"),
            .product(name: "Autograd", package: "SwiftAutograd"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
