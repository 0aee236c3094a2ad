extension History {
    /// The training and validation loss after each epoch (x = epochs completed), on a
    /// logarithmic axis by default, as the seeds plot their cost.
    public func lossChart(title: String = "Loss", yScale: AxisScale = .logarithmic) -> LineChart {
        var chart = LineChart(title: title, xLabel: "epoch", yLabel: "loss", yScale: yScale)
        chart.add("training", points: epochs.map { (Double($0.epoch + 1), $0.trainingLoss) }, colour: LineChart.palette[0])
        addValidation(\.validationLoss, to: &chart, colour: LineChart.palette[0])
        return chart
    }

    /// The top-1 error (1 − accuracy) and, where measured, the top-k error after each epoch,
    /// training solid and validation dashed (seed 004 Figs. 7.2/7.3 plot these).
    public func errorChart(title: String = "Error", yScale: AxisScale = .linear) -> LineChart {
        var chart = LineChart(title: title, xLabel: "epoch", yLabel: "error", yScale: yScale)
        let (first, second) = (LineChart.palette[0], LineChart.palette[1])
        chart.add("training top-1", points: epochs.map { (Double($0.epoch + 1), 1 - $0.trainingAccuracy) }, colour: first)
        addValidation(\.validationAccuracy, to: &chart, name: "validation top-1", colour: first) { 1 - $0 }
        if epochs.contains(where: { $0.trainingTopKError != nil }) {
            chart.add("training top-\(topK)", points: epochs.compactMap { record in
                record.trainingTopKError.map { (Double(record.epoch + 1), $0) }
            }, colour: second)
        }
        addValidation(\.validationTopKError, to: &chart, name: "validation top-\(topK)", colour: second)
        return chart
    }

    /// The loss of every `every`-th step against the step number, on a logarithmic axis: the
    /// seeds' `semilogy(1:1e4:Niter, savecost(1:1e4:Niter))`.
    public func stepLossChart(every: Int = 1, title: String = "Loss per step", yScale: AxisScale = .logarithmic) -> LineChart {
        guard every >= 1 else { fatalError("stepLossChart: every must be at least 1, not \(every)") }
        var chart = LineChart(title: title, xLabel: "step", yLabel: "loss", yScale: yScale)
        chart.add("training", points: stride(from: 0, to: stepLosses.count, by: every).map { (Double($0 + 1), stepLosses[$0]) })
        return chart
    }

    /// Adds a dashed validation series from `value` of the epochs that have one.
    private func addValidation(_ value: KeyPath<EpochRecord, Double?>, to chart: inout LineChart, name: String = "validation",
                               colour: String, transform: (Double) -> Double = { $0 }) {
        let points = epochs.compactMap { record in record[keyPath: value].map { (Double(record.epoch + 1), transform($0)) } }
        if !points.isEmpty { chart.add(name, points: points, dashed: true, colour: colour) }
    }
}
