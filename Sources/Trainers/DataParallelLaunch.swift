import Foundation
import Train

/// How an example trainer runs as one process of a data-parallel group (the `mlp-mpi` and
/// `cnn-mpi` programs of the `Distributed` companion package, started by `mpirun`).
public struct DataParallelLaunch {
    /// The processes, handed to the trainer's ``Trainer/dataParallel``.
    public var group: any DataParallelGroup
    /// Ends this process with an exit status: after a success the group is closed in order;
    /// after a failure every other process must be stopped too (they would wait for this one).
    public var exit: (Int32) -> Never

    /// A launch in `group`, ending through `exit`.
    public init(group: any DataParallelGroup, exit: @escaping (Int32) -> Never) {
        self.group = group
        self.exit = exit
    }
}
