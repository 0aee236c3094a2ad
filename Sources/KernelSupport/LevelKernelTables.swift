/// The kernels of one level: a table per scalar type, and the FMA throughput probe of `bench peak`.
package struct LevelKernelTables: Sendable {
    package let float: KernelTable<Float>
    package let double: KernelTable<Double>
    /// `iterations` steps of 12 independent FMA chains on vectors of `lanes` (8 or 16) `Float`s.
    package let fmaChains: @Sendable (_ lanes: Int, _ iterations: Int) -> Float

    package init(float: KernelTable<Float>, double: KernelTable<Double>,
                 fmaChains: @escaping @Sendable (_ lanes: Int, _ iterations: Int) -> Float) {
        (self.float, self.double, self.fmaChains) = (float, double, fmaChains)
    }

    /// The table for `Scalar`, `Float` or `Double`.
    package func table<Scalar>(_: Scalar.Type) -> KernelTable<Scalar> {
        if let table = float as? KernelTable<Scalar> { return table }
        if let table = double as? KernelTable<Scalar> { return table }
        fatalError("Kernels: no kernels for \(Scalar.self); tensors hold Float or Double")
    }
}
