import Foundation
import MPI
import Trainers

extension DataParallelLaunch {
    /// The example trainers as processes of the MPI job that started this one (`mpirun -np N`;
    /// without `mpirun`, a job of one process). When training succeeded, rank 0 prints what
    /// the gradient sums cost and every process closes MPI in order; a process that fails
    /// stops the whole job (`MPI_Abort`), so that no other process waits for it.
    public static func mpi() -> DataParallelLaunch {
        let world: MPICommunicator
        do {
            world = try MPICommunicator.world()
        } catch {
            FileHandle.standardError.write(Data("cannot start MPI: \(error)\n".utf8))
            Foundation.exit(1)
        }
        return DataParallelLaunch(group: world) { status in
            guard status == 0 else { world.abort("exit status \(status)", status: status) }
            let statistics = world.statistics
            if world.isPrimary, statistics.steps > 0 {
                let perStep = { (seconds: Double) in String(format: "%.2f ms", 1000 * seconds / Double(statistics.steps)) }
                say("gradient all-reduce over \(world.size) processes: \(statistics.steps) steps of \(statistics.bytes / statistics.steps) bytes; "
                    + "per step \(perStep(statistics.stepSeconds)) backward and sum, \(perStep(statistics.waitSeconds)) waiting for the sum "
                    + "after the backward pass, \(perStep(statistics.statusSeconds)) summing losses and stop flags")
            }
            world.finalize()
            Foundation.exit(0)
        }
    }
}
