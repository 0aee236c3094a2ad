import Train

/// Reads `input` with both IDX readers; each must throw a ``DataError`` or, for a plain file
/// (not starting 1f 8b), return exactly the bytes after its header: pixels of shape
/// `[count, rows, columns, 1]`, labels in 0..<10.
public func checkIDXReaders(_ input: [UInt8]) {
    let isPlain = !(input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B)
    _ = answer(input, isTyped: isDataError) { input in
        let images = try IDX.images(bytes: input, file: "fuzz")
        require(images.rank == 4 && images.shape[3] == 1, "images of shape \(images.shape)")
        require(!isPlain || arePixels(images.scalars, of: input.dropFirst(16)), "the pixels are not the file's bytes / 255")
    }
    _ = answer(input, isTyped: isDataError) { input in
        let labels = try IDX.labels(bytes: input, file: "fuzz", classCount: 10)
        require(labels.allSatisfy { (0..<10).contains($0) }, "a label outside 0..<10")
        require(!isPlain || labels == input.dropFirst(8).map(Int.init), "the labels are not the file's bytes")
    }
}
