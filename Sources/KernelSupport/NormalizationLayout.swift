/// How a normalisation groups the elements of a row-major array viewed as
/// [samples, positions, groups, groupWidth]: each (sample, group) is one group of
/// `positions · groupWidth` elements, normalised with its own mean and variance, and the
/// `channels = groups · groupWidth` elements of the last two axes each have a scale and a shift.
///
/// Layer normalisation is (rows, 1, 1, width); batch normalisation (1, rows, channels, 1);
/// group normalisation (batch, positions, groups, channels / groups).
package struct NormalizationLayout: Sendable, Hashable {
    package let samples: Int, positions: Int, groups: Int, groupWidth: Int

    /// The layout of `samples` × `positions` rows of `groups` × `groupWidth` channels.
    package init(samples: Int, positions: Int, groups: Int, groupWidth: Int) {
        (self.samples, self.positions, self.groups, self.groupWidth) = (samples, positions, groups, groupWidth)
    }

    /// The elements of one row, each with its own scale and shift.
    package var channels: Int { groups * groupWidth }
    /// The rows of `channels` elements: samples × positions.
    package var rows: Int { samples * positions }
    /// The number of groups, each with its own statistics: samples × groups.
    package var groupCount: Int { samples * groups }
    /// The elements of one group.
    package var groupSize: Int { positions * groupWidth }
    /// Whether each group is one whole column of the rows (batch normalisation: one sample,
    /// groups of one channel), so that per-channel sums over the rows are the groups' sums.
    package var groupsAreColumns: Bool { samples == 1 && groupWidth == 1 }
}
