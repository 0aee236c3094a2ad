/// A list that holds up to three elements inline and only the rest in an array: the inputs of a
/// recorded primitive and their tangents. Nearly every primitive has one to three inputs, so
/// recording and differentiating them allocates nothing for the list; a primitive of more
/// inputs (a concatenation, a fused layer) costs one array.
struct InlineList<Element>: RandomAccessCollection, MutableCollection {
    private var inline0: Element?
    private var inline1: Element?
    private var inline2: Element?
    /// The elements after the third.
    private var rest: [Element] = []
    private(set) var count = 0

    /// An empty list.
    init() {}

    /// A list of the given elements, in order.
    init<Elements: Sequence>(_ elements: Elements) where Elements.Element == Element {
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "InlineList: index \(position) out of 0..<\(count)")
            switch position {
            case 0: return inline0!
            case 1: return inline1!
            case 2: return inline2!
            default: return rest[position - 3]
            }
        }
        set {
            precondition(position >= 0 && position < count, "InlineList: index \(position) out of 0..<\(count)")
            switch position {
            case 0: inline0 = newValue
            case 1: inline1 = newValue
            case 2: inline2 = newValue
            default: rest[position - 3] = newValue
            }
        }
    }

    /// Adds `element` at the end.
    mutating func append(_ element: Element) {
        switch count {
        case 0: inline0 = element
        case 1: inline1 = element
        case 2: inline2 = element
        default: rest.append(element)
        }
        count += 1
    }
}
