import KernelSupport

// Reference loops for convolution and pooling over NHWC images. All five kernels walk the same
// (output pixel, window cell) pairs; each only differs in what it does per channel.

extension SlidingWindow {
    /// Calls `body(outputPixel, inputPixel, cell)` for every output pixel and every cell of its
    /// window that lies inside the image (padding cells are skipped), output pixels in row-major
    /// order and, within a window, cells in row-major order. Pixels are numbered over N·H·W of
    /// their tensor, cells over windowHeight·windowWidth.
    @inline(__always)
    func forEachCell(_ body: (_ outputPixel: Int, _ inputPixel: Int, _ cell: Int) -> Void) {
        var outputPixel = 0
        for image in 0..<batch {
            for row in 0..<outputHeight {
                for column in 0..<outputWidth {
                    for i in 0..<windowHeight {
                        let inputRow = row * strideHeight - padding.top + i
                        guard inputRow >= 0 && inputRow < inputHeight else { continue }
                        for j in 0..<windowWidth {
                            let inputColumn = column * strideWidth - padding.left + j
                            guard inputColumn >= 0 && inputColumn < inputWidth else { continue }
                            body(outputPixel, (image * inputHeight + inputRow) * inputWidth + inputColumn, i * windowWidth + j)
                        }
                    }
                    outputPixel += 1
                }
            }
        }
    }
}

extension ReferenceKernels {
    /// y[n, r, c, o] = Σ_{i, j, k} x[n, r·sh − top + i, c·sw − left + j, k] · w[i, j, k, o] (zeros outside x),
    /// then + b[o] and max(0, ·) when `rectify`, if there is a bias.
    static func convolution(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ rectify: Bool,
                            _ y: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        y.initialize(repeating: 0, count: g.outputShape.elementCount)
        g.window.forEachCell { outputPixel, inputPixel, cell in
            let (yRow, xRow, wBlock) = (y + outputPixel * cout, x + inputPixel * cin, w + cell * cin * cout)
            for k in 0..<cin {
                let value = xRow[k]
                for o in 0..<cout { yRow[o] += value * wBlock[k * cout + o] }
            }
        }
        guard let bias else { return }
        addBias(y, bias, y, rows: g.outputShape.elementCount / max(1, cout), columns: cout, rectify: rectify)
    }

    /// x̄[n, r·sh − top + i, c·sw − left + j, k] += Σ_o ȳ[n, r, c, o] · w[i, j, k, o].
    static func convolutionInputGradient(_ gy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                         _ g: ConvolutionGeometry) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        gx.initialize(repeating: 0, count: g.inputShape.elementCount)
        g.window.forEachCell { outputPixel, inputPixel, cell in
            let (gyRow, gxRow, wBlock) = (gy + outputPixel * cout, gx + inputPixel * cin, w + cell * cin * cout)
            for k in 0..<cin {
                var total: T = 0
                for o in 0..<cout { total += gyRow[o] * wBlock[k * cout + o] }
                gxRow[k] += total
            }
        }
    }

    /// w̄[i, j, k, o] = Σ_{n, r, c} x[n, r·sh − top + i, c·sw − left + j, k] · ȳ[n, r, c, o].
    static func convolutionFilterGradient(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>,
                                          _ g: ConvolutionGeometry) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        gw.initialize(repeating: 0, count: g.filterShape.elementCount)
        g.window.forEachCell { outputPixel, inputPixel, cell in
            let (gyRow, xRow, gwBlock) = (gy + outputPixel * cout, x + inputPixel * cin, gw + cell * cin * cout)
            for k in 0..<cin {
                let value = xRow[k]
                for o in 0..<cout { gwBlock[k * cout + o] += value * gyRow[o] }
            }
        }
    }

    static func pool(_ operation: PoolingKernel, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                     _ g: PoolingGeometry) {
        let (channels, count) = (g.channels, g.outputShape.elementCount)
        switch operation {
        case .average:
            let scale = 1 / T(g.window.area)
            y.initialize(repeating: 0, count: count)
            g.window.forEachCell { outputPixel, inputPixel, _ in
                for c in 0..<channels { y[outputPixel * channels + c] += scale * x[inputPixel * channels + c] }
            }
        case .maximum(let routes):
            y.initialize(repeating: -T.infinity, count: count)
            routes.initialize(repeating: -1, count: count)
            g.window.forEachCell { outputPixel, inputPixel, _ in
                for c in 0..<channels {
                    let (target, source) = (outputPixel * channels + c, inputPixel * channels + c)
                    if routes[target] < 0 || x[source] > y[target] {
                        y[target] = x[source]
                        routes[target] = source
                    }
                }
            }
        case .gather(let routes):
            for i in 0..<count { y[i] = x[routes[i]] }
        }
    }

    static func poolGradient(_ operation: PoolingGradientKernel, _ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                             _ g: PoolingGeometry) {
        let channels = g.channels
        gx.initialize(repeating: 0, count: g.inputShape.elementCount)
        switch operation {
        case .average:
            let scale = 1 / T(g.window.area)
            g.window.forEachCell { outputPixel, inputPixel, _ in
                for c in 0..<channels { gx[inputPixel * channels + c] += scale * gy[outputPixel * channels + c] }
            }
        case .scatter(let routes):
            for i in 0..<g.outputShape.elementCount { gx[routes[i]] += gy[i] }
        }
    }
}
