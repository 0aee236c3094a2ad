import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes progress lines: on a terminal, one line redrawn in place (carriage return and
/// clear-line) at most every `redrawInterval` seconds; elsewhere (a file, a pipe, CI logs),
/// plain lines at most every `lineInterval` seconds. Epoch summaries are always written, as
/// lines of their own.
public struct ProgressReporter: Sendable {
    /// How the output is shown.
    public enum Style: Hashable, Sendable {
        /// Redraw one line in place (`\r`, then ESC [2K to clear it).
        case terminal
        /// Write a new line for progress, at most every `lineInterval` seconds.
        case lines
        /// Write nothing.
        case silent
    }

    /// How the output is shown.
    public var style: Style
    /// The smallest interval between two redraws on a terminal, in seconds.
    public var redrawInterval = 0.1
    /// The smallest interval between two plain progress lines, in seconds.
    public var lineInterval = 10.0
    private let write: @Sendable (String) -> Void
    private var lastWrite = -Double.infinity
    private var hasOpenLine = false

    /// A reporter of the given style writing through `write` (standard output by default).
    public init(style: Style, write: @escaping @Sendable (String) -> Void = ProgressReporter.writeToStandardOutput) {
        self.style = style
        self.write = write
    }

    /// The reporter for standard output: `.terminal` when it is a terminal, `.lines` otherwise.
    public static var standardOutput: ProgressReporter {
        ProgressReporter(style: isatty(STDOUT_FILENO) != 0 ? .terminal : .lines)
    }

    /// Writes `text` to standard output without buffering.
    @Sendable public static func writeToStandardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Shows `line` at time `now` (seconds) if enough time has passed since the last write or
    /// `force` is set (the last step of an epoch).
    public mutating func show(_ line: ProgressLine, at now: Double, force: Bool = false) {
        switch style {
        case .silent: return
        case .terminal:
            guard force || now - lastWrite >= redrawInterval else { return }
            write("\r\u{1B}[2K" + line.description)
            hasOpenLine = true
        case .lines:
            guard now - lastWrite >= lineInterval else { return }
            write(line.description + "\n")
        }
        lastWrite = now
    }

    /// Writes `text` as a line of its own (an epoch summary or a message), replacing the line
    /// being redrawn on a terminal.
    public mutating func finish(_ text: String) {
        guard style != .silent else { return }
        write((hasOpenLine ? "\r\u{1B}[2K" : "") + text + "\n")
        hasOpenLine = false
    }

    /// Starts counting the interval afresh (at the start of an epoch), so that a plain-lines
    /// reporter waits a whole interval before its first progress line.
    public mutating func restart(at now: Double) {
        lastWrite = style == .lines ? now : -Double.infinity
    }
}
