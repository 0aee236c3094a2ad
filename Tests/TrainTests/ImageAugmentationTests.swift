import Autograd
import Testing
import Train

@Suite("Image augmentation")
struct ImageAugmentationTests {
    /// 64 images of 4×5 with two channels, all values distinct and positive.
    static let images = Tensor<Float>((0..<64 * 4 * 5 * 2).map { Float($0 + 1) }, shape: [64, 4, 5, 2])

    /// Image `n` of `images`.
    static func image(_ images: Tensor<Float>, _ n: Int) -> [Float] { Array(images.scalars[n * 40..<(n + 1) * 40]) }

    /// `image` (4×5×2) shifted so that output (y, x) is input (y + dy, x' + dx), x' mirrored when
    /// `flipped`, with `fill` where that falls outside: the definition of crop and flip.
    static func moved(_ image: [Float], dy: Int, dx: Int, flipped: Bool, fill: [Float]) -> [Float] {
        var result = [Float]()
        for y in 0..<4 {
            for x in 0..<5 {
                let (row, column) = (y + dy, (flipped ? 4 - x : x) + dx)
                for c in 0..<2 {
                    result.append((0..<4).contains(row) && (0..<5).contains(column) ? image[(row * 5 + column) * 2 + c] : fill[c])
                }
            }
        }
        return result
    }

    @Test("every image is a crop of its padded self, flipped or not; all shifts within the padding occur")
    func cropAndFlip() {
        let augmentation = ImageAugmentation(cropPadding: 1, flipsHorizontally: true, seed: 9)
        var generator = augmentation.generator(at: TrainingPosition(epoch: 0))
        let fill: [Float] = [-1, -2]
        let result = augmentation.applied(to: Self.images, fill: fill, using: &generator)
        var seen = Set<[Int]>()
        for n in 0..<64 {
            let input = Self.image(Self.images, n), output = Self.image(result, n)
            let matches = (-1...1).flatMap { dy in (-1...1).flatMap { dx in [false, true].map { [dy, dx, $0 ? 1 : 0] } } }
                .filter { Self.moved(input, dy: $0[0], dx: $0[1], flipped: $0[2] == 1, fill: fill) == output }
            #expect(matches.count == 1, "image \(n) is no crop of its padded self")
            seen.formUnion(matches)
        }
        #expect(seen.count >= 14, "of 18 shifts and flips, only \(seen.count) occurred in 64 images")
    }

    @Test("the choices depend only on the seed and the position; no augmentation and empty batches change nothing")
    func determinism() {
        let augmentation = ImageAugmentation(cropPadding: 2, flipsHorizontally: true, seed: 3)
        func run(_ step: Int) -> [Float] {
            var generator = augmentation.generator(at: TrainingPosition(epoch: 1, step: step, stepsPerEpoch: 4))
            return augmentation.applied(to: Self.images, fill: [0, 0], using: &generator).scalars
        }
        #expect(run(2) == run(2) && run(2) != run(3))
        var generator = SeededGenerator(seed: 1)
        #expect(ImageAugmentation().applied(to: Self.images, fill: [0, 0], using: &generator).scalars == Self.images.scalars)
        #expect(generator == SeededGenerator(seed: 1))
        #expect(augmentation.applied(to: Tensor.zeros([0, 4, 5, 2]), fill: [0, 0], using: &generator).shape == [0, 4, 5, 2])
    }
}
