/// Zero rows and columns added around each image.
package struct Margins: Hashable, Sendable {
    package var top: Int, bottom: Int, left: Int, right: Int

    package init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// No margin on any side.
    package static let zero = Margins(top: 0, bottom: 0, left: 0, right: 0)
}

/// How a window slides over a batch of images: the image and window sizes, the strides and the
/// zero padding. Output size per axis: ⌊(in + pad before + pad after − window) / stride⌋ + 1.
package struct SlidingWindow: Hashable, Sendable {
    package var batch: Int, inputHeight: Int, inputWidth: Int
    package var windowHeight: Int, windowWidth: Int
    package var strideHeight: Int, strideWidth: Int
    package var padding: Margins

    package init(batch: Int, inputHeight: Int, inputWidth: Int, windowHeight: Int, windowWidth: Int,
                 strideHeight: Int, strideWidth: Int, padding: Margins) {
        (self.batch, self.inputHeight, self.inputWidth) = (batch, inputHeight, inputWidth)
        (self.windowHeight, self.windowWidth, self.strideHeight, self.strideWidth) =
            (windowHeight, windowWidth, strideHeight, strideWidth)
        self.padding = padding
    }

    package var outputHeight: Int { (inputHeight + padding.top + padding.bottom - windowHeight) / strideHeight + 1 }
    package var outputWidth: Int { (inputWidth + padding.left + padding.right - windowWidth) / strideWidth + 1 }
    /// The number of window cells.
    package var area: Int { windowHeight * windowWidth }
}

/// The sizes of one 2-D convolution: NHWC images of `inputChannels`, an HWIO filter (the window)
/// with `outputChannels`, and NHWC outputs.
package struct ConvolutionGeometry: Hashable, Sendable {
    package var window: SlidingWindow
    package var inputChannels: Int, outputChannels: Int

    package init(window: SlidingWindow, inputChannels: Int, outputChannels: Int) {
        (self.window, self.inputChannels, self.outputChannels) = (window, inputChannels, outputChannels)
    }

    package var inputShape: [Int] { [window.batch, window.inputHeight, window.inputWidth, inputChannels] }
    package var filterShape: [Int] { [window.windowHeight, window.windowWidth, inputChannels, outputChannels] }
    package var outputShape: [Int] { [window.batch, window.outputHeight, window.outputWidth, outputChannels] }
}

/// The sizes of one 2-D pooling: NHWC images in and out, channel by channel.
package struct PoolingGeometry: Hashable, Sendable {
    package var window: SlidingWindow
    package var channels: Int

    package init(window: SlidingWindow, channels: Int) { (self.window, self.channels) = (window, channels) }

    package var inputShape: [Int] { [window.batch, window.inputHeight, window.inputWidth, channels] }
    package var outputShape: [Int] { [window.batch, window.outputHeight, window.outputWidth, channels] }
}
