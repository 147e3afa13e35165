import CTernKernels

extension ThreadPool {
    /// `output[i * outputStride + j] = dot(weights row j, activations row i)` for every row of
    /// `activations` and every weight row, split by weight rows over the pool so each weight
    /// block is read once per call whatever the number of activation rows.
    public func matmul(
        _ weights: WeightMatrix, _ activations: ActivationBuffer, output: UnsafeMutablePointer<Float>,
        outputStride: Int
    ) {
        parallelFor(weights.rows, granularity: Self.rowGranularity) { rows in
            weights.multiplyRows(rows, activations, output: output, outputStride: outputStride)
        }
    }

    /// Several independent products over the same activations in one parallel region (for example
    /// the Q, K and V projections), saving a fork/join per extra matrix. Each thread takes its share
    /// of every matrix's rows.
    public func matmul(_ products: [(weights: WeightMatrix, output: UnsafeMutablePointer<Float>, stride: Int)],
                       _ activations: ActivationBuffer) {
        let threads = activeThreadCount
        run { index in
            for product in products {
                let units = (product.weights.rows + Self.rowGranularity - 1) / Self.rowGranularity
                let begin = units * index / threads * Self.rowGranularity
                let end = min(product.weights.rows, units * (index + 1) / threads * Self.rowGranularity)
                if begin < end {
                    product.weights.multiplyRows(
                        begin..<end, activations, output: product.output, outputStride: product.stride)
                }
            }
        }
    }

    /// Weight rows per scheduling unit: a multiple of every kernel's row tile.
    static let rowGranularity = 16
}

extension WeightMatrix {
    /// Multiplies weight rows `rows` against every activation row, single-threaded.
    public func multiplyRows(
        _ rows: Range<Int>, _ activations: ActivationBuffer, output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        tern_matmul(
            KernelInfo.isa, Int32(type.rawValue), Int32(columns), base, rowBytes, Int32(rows.lowerBound), Int32(rows.upperBound),
            activations.storage, activations.rowBytes, Int32(activations.rowCount), output, outputStride)
    }
}
