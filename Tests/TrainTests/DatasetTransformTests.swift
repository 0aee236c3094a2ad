import Autograd
import Testing
import Train

@Suite("Batches, normalisation, padding and splits")
struct DatasetTransformTests {
    @Test("a batch gathers the images and labels at its indices, repeats included")
    func batchGathering() {
        let dataset = indexDataset(count: 12)
        let batch = dataset.batch([7, 0, 11, 7])
        #expect(batch.images.shape == [4, 2, 3, 2])
        #expect(batch.labels == [7, 0, 1, 7])
        #expect(batch.images.scalars == [7, 0, 11, 7].flatMap { Array(repeating: Float($0), count: 12) })
        var generator = SeededGenerator(seed: 1)
        let plan = Sampler(exampleCount: 12, scheme: .miniBatch(size: 5, withReplacement: false)).epoch(using: &generator)
        let seen = plan.flatMap { dataset.batch($0).images.scalars.enumerated().filter { $0.offset % 12 == 0 }.map { Int($0.element) } }
        #expect(seen == plan.order)
        #expect(dataset.batch([]).images.shape == [0, 2, 3, 2])
    }

    @Test("normalisation standardises every element by its own channel, for any pixel count (1 and 3 channels)")
    func normalisationPerElement() {
        var generator = SeededGenerator(seed: 5)
        for (channels, mean, deviation) in [(1, [Float(0.3)], [Float(0.7)]), (3, [0.1, -2, 5], [0.5, 3, 0.25])] {
            // 5 × 7 pixels: not a multiple of the 16 pixels the loop walks at once.
            let images = Tensor<Float>(randomUniform: [2, 5, 7, channels], in: -4..<4, using: &generator)
            let normalization = ChannelNormalization(mean: mean, standardDeviation: deviation)
            let expected = images.scalars.enumerated().map { ($0.element - mean[$0.offset % channels]) * (1 / deviation[$0.offset % channels]) }
            #expect(normalization.applied(to: images).scalars == expected, "\(channels) channels")
        }
    }

    @Test("normalisation fitted on training data gives per-channel mean 0 and std 1, and reuses its statistics")
    func normalisation() throws {
        var generator = SeededGenerator(seed: 2)
        let raw = Tensor<Float>(randomUniform: [50, 4, 4, 3], in: 0..<1, using: &generator)
        // Channel c gets scale c + 1 and offset 10c, so the channels' statistics differ.
        let scaled = Tensor(raw.scalars.enumerated().map { $0.element * Float($0.offset % 3 + 1) + Float(10 * ($0.offset % 3)) }, shape: raw.shape)
        let training = ImageDataset(images: scaled, labels: Array(repeating: 0, count: 50), classCount: 1)
        let normalization = try ChannelNormalization(fitting: training)
        #expect(abs(normalization.mean[2] - 21.5) < 0.3 && abs(normalization.standardDeviation[2] - 3 / Float(12).squareRoot()) < 0.1)
        let normalized = normalization.applied(to: training).images.scalars
        for channel in 0..<3 {
            let values = normalized.enumerated().filter { $0.offset % 3 == channel }.map { Double($0.element) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(mean) < 1e-5 && abs(variance.squareRoot() - 1) < 1e-5, "channel \(channel): mean \(mean), variance \(variance)")
        }
        let other = Tensor<Float>([20, 20, 20], shape: [1, 1, 1, 3])
        let applied = normalization.applied(to: other).scalars
        for channel in 0..<3 {
            #expect(abs(applied[channel] - (20 - normalization.mean[channel]) / normalization.standardDeviation[channel]) < 1e-5)
        }
        let constant = try ChannelNormalization(fitting: indexDataset(count: 1))
        #expect(constant.standardDeviation == [1, 1] && constant.mean == [0, 0])
    }

    @Test("normalisation is not fitted on a NaN or an infinity: the error names the image, pixel and channel")
    func normalisationOfNonFiniteImages() {
        var images = indexDataset(count: 4, height: 3, width: 3, channels: 2).images
        images[2, 1, 0, 1] = .nan
        let nan = ImageDataset(images: images, labels: [0, 1, 2, 3], classCount: 10)
        let error = #expect(throws: DataError.self) { _ = try ChannelNormalization(fitting: nan) }
        #expect(error?.message.contains("image 2, row 1, column 0, channel 1 is nan") == true, "\(String(describing: error))")
        images[2, 1, 0, 1] = -.infinity
        #expect(throws: DataError.self) {
            _ = try ChannelNormalization(fitting: ImageDataset(images: images, labels: [0, 1, 2, 3], classCount: 10))
        }
    }

    @Test("28×28 pads to 32×32 with the image centred, and grey repeats into three equal channels")
    func paddingAndChannels() {
        var generator = SeededGenerator(seed: 3)
        let grey = ImageDataset(images: Tensor(randomUniform: [2, 28, 28, 1], in: 0.1..<1, using: &generator), labels: [0, 1], classCount: 2)
        let padded = grey.padded(toHeight: 32, width: 32)
        #expect(padded.images.shape == [2, 32, 32, 1] && padded.labels == [0, 1])
        for (image, row, column) in [(0, 0, 0), (1, 5, 9), (1, 27, 27), (0, 13, 0)] {
            #expect(padded.images[image, row + 2, column + 2, 0] == grey.images[image, row, column, 0])
        }
        let border = (0..<32).flatMap { r in (0..<32).map { (r, $0) } }.filter { !(2..<30).contains($0.0) || !(2..<30).contains($0.1) }
        #expect(border.count == 32 * 32 - 28 * 28 && border.allSatisfy { padded.images[1, $0.0, $0.1, 0] == 0 })
        #expect(padded.images.scalars.filter { $0 != 0 }.count == 2 * 28 * 28)
        let lopsided = grey.padded(top: 0, bottom: 1, left: 3, right: 0, value: -1)
        #expect(lopsided.images.shape == [2, 29, 31, 1] && lopsided.images[0, 28, 3, 0] == -1 && lopsided.images[0, 0, 3, 0] == grey.images[0, 0, 0, 0])

        let rgb = padded.repeatingGreyChannel()
        #expect(rgb.images.shape == [2, 32, 32, 3])
        for (image, row, column) in [(0, 2, 2), (1, 20, 17), (1, 0, 31)] {
            let value = padded.images[image, row, column, 0]
            #expect((0..<3).allSatisfy { rgb.images[image, row, column, $0] == value })
        }
    }

    @Test("a seeded split has the asked sizes, disjoint parts that cover the data, and repeats per seed")
    func split() {
        let dataset = indexDataset(count: 40)
        func parts(seed: UInt64) -> (training: [Int], validation: [Int]) {
            var generator = SeededGenerator(seed: seed)
            let (training, validation) = dataset.split(validationCount: 12, using: &generator)
            func indices(_ part: ImageDataset) -> [Int] { stride(from: 0, to: part.images.elementCount, by: 12).map { Int(part.images.scalars[$0]) } }
            #expect(training.labels == indices(training).map { $0 % 10 })
            return (indices(training), indices(validation))
        }
        let (training, validation) = parts(seed: 4)
        #expect(training.count == 28 && validation.count == 12)
        #expect(Set(training).isDisjoint(with: validation) && (training + validation).sorted() == Array(0..<40))
        #expect(training == training.sorted() && validation == validation.sorted())
        #expect(parts(seed: 4) == (training, validation) && parts(seed: 5).validation != validation)
    }
}
