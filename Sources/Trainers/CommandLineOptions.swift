import Autograd
import Foundation
import KernelSupport
import Train

/// One command-line option of an example trainer: `--name VALUE`, `--name=VALUE`, or a flag.
public struct OptionSpec: Sendable {
    /// The option's name without the leading dashes.
    public let name: String
    /// What the option does, for `--help`.
    public let help: String
    /// The value used when the option is absent; nil for a flag (present or not).
    public let defaultValue: String?
    /// The placeholder shown in `--help`, such as `N` or `DIR`.
    public let placeholder: String

    /// An option that takes a value.
    public static func value(_ name: String, default defaultValue: String, placeholder: String = "VALUE", help: String) -> OptionSpec {
        OptionSpec(name: name, help: help, defaultValue: defaultValue, placeholder: placeholder)
    }

    /// A flag: present or absent.
    public static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, help: help, defaultValue: nil, placeholder: "")
    }
}

/// A problem with the command line, described for the user.
public struct CommandLineError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let description: String
}

/// The parsed command line of an example trainer.
public struct CommandLineOptions {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Whether `--help` was given.
    public private(set) var wantsHelp = false

    /// Parses `arguments` (without the program name) against `specs`.
    public init(_ arguments: [String], specs: [OptionSpec]) throws {
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
        for spec in specs { if let value = spec.defaultValue { values[spec.name] = value } }
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if argument == "--help" || argument == "-h" { wantsHelp = true; continue }
            guard argument.hasPrefix("--") else {
                throw CommandLineError(description: "unexpected argument '\(argument)' (options start with --)")
            }
            let body = argument.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            guard let spec = byName[name] else {
                throw CommandLineError(description: "unknown option '--\(name)'")
            }
            if spec.defaultValue == nil {
                guard !body.contains("=") else { throw CommandLineError(description: "'--\(name)' is a flag and takes no value") }
                flags.insert(name)
            } else if let equals = body.firstIndex(of: "=") {
                values[name] = String(body[body.index(after: equals)...])
            } else if let value = remaining.popFirst(), !value.hasPrefix("--") {
                values[name] = value
            } else {
                throw CommandLineError(description: "'--\(name)' needs a value (\(spec.placeholder))")
            }
        }
    }

    /// Whether the flag `name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The text of option `name`.
    public func string(_ name: String) -> String { values[name] ?? "" }

    /// The value of option `name` as an integer in `range`.
    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        let text = string(name)
        guard let value = Int(text) ?? Double(text).flatMap({ Int(exactly: $0) }), range.contains(value)
        else { throw CommandLineError(description: "'--\(name) \(string(name))': expected an integer in \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    /// The value of option `name` as a number in `range`.
    public func number(_ name: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double {
        guard let value = Double(string(name)), range.contains(value) else {
            throw CommandLineError(description: "'--\(name) \(string(name))': expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The value of option `name`, which must be one of `choices`.
    public func choice(_ name: String, among choices: [String]) throws -> String {
        let value = string(name)
        guard choices.contains(value) else {
            throw CommandLineError(description: "'--\(name) \(value)': expected one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// The `--help` text: usage line, summary and every option with its default.
    public static func usage(program: String, summary: String, specs: [OptionSpec]) -> String {
        var lines = ["usage: \(program) [options]", "", summary, "", "options:"]
        for spec in specs {
            let left = spec.defaultValue == nil ? "--\(spec.name)" : "--\(spec.name) \(spec.placeholder)"
            let suffix = spec.defaultValue.map { $0.isEmpty ? "" : " (default: \($0))" } ?? ""
            lines.append("  " + left.padding(toLength: max(24, left.count + 2), withPad: " ", startingAt: 0) + spec.help + suffix)
        }
        lines.append("  " + "--help".padding(toLength: 24, withPad: " ", startingAt: 0) + "print this help")
        return lines.joined(separator: "\n")
    }
}

/// Runs a trainer's `main`: parses the command line, prints `--help`, and turns errors into a
/// message on standard error and a non-zero exit status (64 for usage errors, 1 otherwise).
/// With a data-parallel `launch`, messages name the process's rank, only rank 0 prints the
/// help, and the process ends through the launch's `exit`.
public func runTrainer(
    program: String, summary: String, specs: [OptionSpec], launch: DataParallelLaunch? = nil,
    _ main: (CommandLineOptions) throws -> Void
) -> Never {
    let exit = launch?.exit ?? { Foundation.exit($0) }
    let program = launch.map { $0.group.size > 1 ? "\(program) (rank \($0.group.rank) of \($0.group.size))" : program } ?? program
    let options: CommandLineOptions
    do {
        options = try CommandLineOptions(Array(CommandLine.arguments.dropFirst()), specs: specs)
    } catch {
        FileHandle.standardError.write(Data("\(program): \(error)\nrun '\(program) --help' for the options\n".utf8))
        exit(64)
    }
    if options.wantsHelp {
        if launch?.group.isPrimary ?? true { say(CommandLineOptions.usage(program: program, summary: summary, specs: specs)) }
        exit(0)
    }
    AllocatorTuning.keepFreedMemory()
    do {
        try main(options)
        exit(0)
    } catch let error as CommandLineError {
        FileHandle.standardError.write(Data("\(program): \(error)\nrun '\(program) --help' for the options\n".utf8))
        exit(64)
    } catch {
        FileHandle.standardError.write(Data("\(program): \(error)\n".utf8))
        exit(1)
    }
}

/// A Foundation error in words: the operating system's reason (such as "Not a directory") when
/// it has one, its localized description otherwise.
func systemReason(_ error: any Error) -> String {
    let error = error as NSError
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
        let reason = underlying as NSError
        if reason.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(reason.code))) }
    }
    return error.localizedDescription
}

/// Writes `text` and a newline to standard output at once, unbuffered, so that it interleaves
/// correctly with the training progress lines (which are written the same way).
public func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
