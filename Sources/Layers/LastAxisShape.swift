import Autograd

extension Module {
    /// `shape` when it has `rank` axes (at least 2 when `rank` is nil: a batch axis and more) and
    /// its last axis holds `size`; otherwise an error naming this layer and the `expected` shape.
    func checkedLastAxis(of shape: Shape, rank: Int? = nil, size: Int, expected: String) throws(InputShapeError) -> Shape {
        guard rank.map({ shape.rank == $0 }) ?? (shape.rank >= 2), shape[shape.rank - 1] == size else {
            throw InputShapeError(self, expected: expected, actual: shape)
        }
        return shape
    }
}
