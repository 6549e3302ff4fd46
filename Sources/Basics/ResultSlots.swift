import Synchronization

/// A fixed number of result slots that concurrent workers fill by index.
package final class ResultSlots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    package init(count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
    }

    package func set(_ index: Int, _ value: Value?) {
        slots.withLock { $0[index] = value }
    }

    package func get(_ index: Int) -> Value? {
        slots.withLock { $0[index] }
    }
}
