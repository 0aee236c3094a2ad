import Foundation

/// A minimal SVG writer: shapes and text appended in drawing order, serialised as a standalone
/// SVG 1.1 document. Coordinates are in pixels, y pointing down.
struct SVGCanvas {
    let width: Double
    let height: Double
    private var elements: [String] = []
    private var definitions: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A clip rectangle that later elements can refer to by `id`.
    mutating func defineClip(id: String, x: Double, y: Double, width: Double, height: Double) {
        definitions.append("<clipPath id=\"\(id)\"><rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\"/></clipPath>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil) {
        elements.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\""
                        + (stroke.map { " stroke=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
                       dashed: Bool = false) {
        elements.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
                        + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dashed: Bool, clip: String?) {
        let coordinates = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
                        + " stroke-linejoin=\"round\"" + (dashed ? " stroke-dasharray=\"6 4\"" : "")
                        + (clip.map { " clip-path=\"url(#\($0))\"" } ?? "") + "/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        elements.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\"/>")
    }

    /// Text anchored at (x, y): `anchor` is start, middle or end; `rotation` in degrees about the anchor.
    mutating func text(_ string: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                       fill: String = "#222222", bold: Bool = false, rotation: Double = 0) {
        elements.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
                        + (bold ? " font-weight=\"bold\"" : "")
                        + (rotation != 0 ? " transform=\"rotate(\(n(rotation)) \(n(x)) \(n(y)))\"" : "")
                        + ">\(escapeXML(string))</text>")
    }

    /// The SVG document.
    var document: String {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(n(width))\" height=\"\(n(height))\""
            + " viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        if !definitions.isEmpty { text += "<defs>" + definitions.joined() + "</defs>\n" }
        text += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>\n"
        text += elements.joined(separator: "\n") + "\n</svg>\n"
        return text
    }

    /// A coordinate with at most two decimals.
    private func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// `text` with the five XML special characters escaped.
func escapeXML(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        default: result.append(character)
        }
    }
    return result
}
