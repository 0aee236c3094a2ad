// A small, strict JSON reader and writer for checkpoint headers (RFC 8259): objects keep their
// key order, duplicate keys are refused, integers stay exact, nesting is limited so that hostile
// input cannot exhaust the stack.

/// A JSON value.
indirect enum JSON {
    case object([(key: String, value: JSON)])
    case array([JSON])
    case string(String)
    /// A number written without fraction or exponent that fits in an `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    case bool(Bool)
    case null

    /// The value's kind in words, for error messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The JSON text of this value, without spaces.
    var encoded: String {
        switch self {
        case .object(let members):
            "{" + members.map { JSON.string($0.key).encoded + ":" + $0.value.encoded }.joined(separator: ",") + "}"
        case .array(let elements):
            "[" + elements.map(\.encoded).joined(separator: ",") + "]"
        case .string(let text):
            "\"" + text.unicodeScalars.map(Self.escaped).joined() + "\""
        case .integer(let value):
            String(value)
        case .number(let value):
            value.isFinite ? "\(value)" : "null"
        case .bool(let value):
            value ? "true" : "false"
        case .null:
            "null"
        }
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return String(scalar)
        }
    }

    /// The members of this value, an object whose values are all strings; otherwise throws
    /// `problem` applied to what is wrong ("is an array, not an object", "\"a\" is a number,
    /// not a string").
    func stringMembers(_ problem: (String) -> Error) throws -> [String: String] {
        guard case .object(let members) = self else { throw problem("is \(kindName), not an object") }
        return try Dictionary(uniqueKeysWithValues: members.map { key, value in
            guard case .string(let text) = value else { throw problem("\"\(key)\" is \(value.kindName), not a string") }
            return (key, text)
        })
    }

    /// Parses `bytes` (UTF-8) as one JSON value with nothing but whitespace after it.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSON {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.failure("unexpected text after the value") }
        return value
    }
}

/// Why a text is not JSON, and where (byte offset from the start of the text).
struct JSONSyntaxError: Error {
    let message: String
    let offset: Int
}

/// A recursive-descent parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: ArraySlice<UInt8>
    var position: Int
    static let maximumDepth = 64

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var atEnd: Bool { position == bytes.endIndex }

    func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: position - bytes.startIndex)
    }

    mutating func skipWhitespace() {
        while !atEnd, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    /// The next byte after whitespace, without consuming it.
    mutating func peek() throws(JSONSyntaxError) -> UInt8 {
        skipWhitespace()
        guard !atEnd else { throw failure("unexpected end of text") }
        return bytes[position]
    }

    mutating func expect(_ literal: String) throws(JSONSyntaxError) {
        for byte in literal.utf8 {
            guard !atEnd, bytes[position] == byte else { throw failure("expected \(literal)") }
            position += 1
        }
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSON {
        guard depth < Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        switch try peek() {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return try number()
        }
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSON {
        position += 1
        var members: [(key: String, value: JSON)] = []
        var keys = Set<String>()
        if try peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a key in quotes") }
            let key = try string()
            guard keys.insert(key).inserted else { throw failure("duplicate key \"\(key)\"") }
            guard try peek() == UInt8(ascii: ":") else { throw failure("expected : after key \"\(key)\"") }
            position += 1
            members.append((key, try value(depth: depth + 1)))
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw failure("expected , or } in an object")
            }
        }
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSON {
        position += 1
        var elements: [JSON] = []
        if try peek() == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            elements.append(try value(depth: depth + 1))
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw failure("expected , or ] in an array")
            }
        }
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var start = position
        func flush(_ end: Int) throws(JSONSyntaxError) {
            guard let text = String(validating: bytes[start..<end], as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard !atEnd else { throw failure("unterminated string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                try flush(position)
                position += 1
                return String(scalars)
            } else if byte == UInt8(ascii: "\\") {
                try flush(position)
                position += 1
                scalars.append(try escape())
                start = position
            } else if byte < 0x20 {
                throw failure("control character in a string")
            } else {
                position += 1
            }
        }
    }

    /// The character of an escape sequence, after its backslash.
    mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard !atEnd else { throw failure("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hexQuad()
            guard (0xD800..<0xDC00).contains(high) else {
                guard let scalar = Unicode.Scalar(high) else { throw failure("lone low surrogate \\u\(String(high, radix: 16))") }
                return scalar
            }
            try expect("\\u")
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00)) else {
                throw failure("bad surrogate pair")
            }
            return scalar
        default: throw failure("bad escape \\\(Unicode.Scalar(byte))")
        }
    }

    mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard !atEnd, let digit = Int(String(Unicode.Scalar(bytes[position])), radix: 16) else {
                throw failure("expected four hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    mutating func number() throws(JSONSyntaxError) -> JSON {
        let start = position
        func digits() -> Int {
            let first = position
            while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - first
        }
        if !atEnd, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        guard digits() > 0 else { throw failure("expected a value") }
        guard bytes[integerStart] != UInt8(ascii: "0") || position - integerStart == 1 else { throw failure("leading zero in a number") }
        var isInteger = true
        if !atEnd, bytes[position] == UInt8(ascii: ".") {
            position += 1
            isInteger = false
            guard digits() > 0 else { throw failure("expected digits after the decimal point") }
        }
        if !atEnd, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            isInteger = false
            if !atEnd, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else { throw failure("number \(text) out of range") }
        return .number(value)
    }
}
