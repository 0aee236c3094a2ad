import Foundation

// Plain Double helpers for code that must not depend on a generic scalar type.
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
