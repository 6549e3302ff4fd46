/// Walks list structure without copying `Value`s.
///
/// Copying a `Value` that holds an object retains it, and Swift emits those
/// retains in outlined enum copies that stay atomic even in this
/// single-threaded module: walking a 20,000-entry association list with
/// `assv` spent most of its time in `swift_retain`. Lookups whose key is an
/// immediate (small integer, character, boolean, symbol) only need to look at
/// bits, so they read the cells' storage in place.
///
/// The reading relies on how Swift lays out the `Value` enum: one tag byte
/// after the payload, an object payload stored as its address at offset 0.
/// That layout is checked once against probe values at start-up; when the
/// check fails (another compiler, another layout) `InPlaceList.layout` is nil
/// and every caller takes its ordinary, copying path. Nothing is ever read
/// past a `Value`'s own storage, and objects are never retained or released
/// here: the cells walked stay alive because the list handed in is held by
/// the caller for the whole walk.
enum InPlaceList {
    struct Layout {
        let tagOffset: Int
        let pairTag: UInt8
        let procedureTag: UInt8
    }

    static let layout: Layout? = probe()

    /// The tag byte and payload bytes that identify an immediate key.
    struct Key {
        let tag: UInt8
        let payload: UInt64
        let width: Int

        /// nil when `value` is not an immediate, or the layout is unknown.
        init?(_ value: Value) {
            guard let layout = InPlaceList.layout else { return nil }
            let width: Int
            switch value {
            case .fixnum, .symbol: width = 8
            case .char: width = 4
            case .boolean: width = 1
            default: return nil
            }
            var copy = value
            let bits = withUnsafeBytes(of: &copy) { raw in
                (raw[layout.tagOffset], InPlaceList.loadPayload(raw.baseAddress.unsafelyUnwrapped, width: width))
            }
            self.tag = bits.0
            self.payload = bits.1
            self.width = width
        }

        @inline(__always) func matches(_ slot: UnsafeRawPointer, _ layout: Layout) -> Bool {
            slot.load(fromByteOffset: layout.tagOffset, as: UInt8.self) == tag
                && InPlaceList.loadPayload(slot, width: width) == payload
        }
    }

    /// What an in-place walk found.
    enum Outcome {
        /// The cell whose car matched (for `memq`), or whose car's car did (`assq`).
        case found(Pair)
        /// No match up to `last`, whose cdr is not a pair: the end of a
        /// proper list when that cdr is `()`, a dotted tail otherwise.
        case ended(last: Pair)
        /// An entry that is not a pair, a list longer than the limit (perhaps
        /// circular) or an unknown layout: the checked walk decides.
        case unusual
    }

    /// The first cell of the list starting at `first` whose entry (its car,
    /// or with `entries` the car of its car) matches `key`.
    static func find(_ key: Key, from first: Pair, entries: Bool, limit: Int = 50_000_000) -> Outcome {
        guard let layout else { return .unusual }
        var cell = Unmanaged.passUnretained(first)
        for _ in 0..<limit {
            // hit: true, false, or nil for a non-pair entry; next: the cdr's pair.
            let step: (hit: Bool?, next: Unmanaged<Pair>?) = cell._withUnsafeGuaranteedRef { pair in
                let hit: Bool? = withUnsafeMutablePointer(to: &pair.car) { carSlot in
                    let car = UnsafeRawPointer(carSlot)
                    guard entries else { return key.matches(car, layout) }
                    guard let entry = pairAddress(car, layout) else { return nil }
                    return Unmanaged<Pair>.fromOpaque(entry)._withUnsafeGuaranteedRef { entry in
                        withUnsafeMutablePointer(to: &entry.car) { key.matches(UnsafeRawPointer($0), layout) }
                    }
                }
                guard hit == false else { return (hit, nil) }
                let next = withUnsafeMutablePointer(to: &pair.cdr) { pairAddress(UnsafeRawPointer($0), layout) }
                return (false, next.map { Unmanaged<Pair>.fromOpaque($0) })
            }
            switch step.hit {
            case true?: return .found(cell.takeUnretainedValue())
            case nil: return .unusual
            case false?: break
            }
            guard let next = step.next else { return .ended(last: cell.takeUnretainedValue()) }
            cell = next
        }
        return .unusual
    }

    /// The shape of a list's spine, found without retaining its cells.
    enum Spine: Equatable {
        case proper(count: Int)
        case dotted(count: Int)
        case circular
    }

    /// How the list starting at `first` ends, and how many pairs lead there;
    /// nil when the layout is unknown.
    static func spine(from first: Pair) -> Spine? {
        guard let layout else { return nil }
        @inline(__always) func next(_ cell: Unmanaged<Pair>) -> Unmanaged<Pair>? {
            cell._withUnsafeGuaranteedRef { pair in
                withUnsafeMutablePointer(to: &pair.cdr) { pairAddress(UnsafeRawPointer($0), layout) }
                    .map { Unmanaged<Pair>.fromOpaque($0) }
            }
        }
        var cell = Unmanaged.passUnretained(first)
        var slow = cell
        var count = 1
        while let following = next(cell) {
            cell = following
            count += 1
            // The tortoise moves every second step, so it lags behind `cell`
            // and meets it only on a cycle.
            if count & 1 == 1 {
                slow = next(slow) ?? slow
                if slow.toOpaque() == cell.toOpaque() { return .circular }
            }
        }
        return cell._withUnsafeGuaranteedRef { $0.cdr.isNull } ? .proper(count: count) : .dotted(count: count)
    }

    /// The elements of the proper list starting at `first`, or nil when it
    /// is dotted or circular. Only the elements themselves are retained (they
    /// go into the result); the spine is followed in place, with the usual
    /// tortoise for cycles. nil also when the layout is unknown.
    static func elements(from first: Pair) -> [Value]?? {
        guard let layout else { return .none }
        var result: [Value] = []
        var cell = Unmanaged.passUnretained(first)
        var slow = cell
        var steps = 0
        while true {
            let next: Unmanaged<Pair>? = cell._withUnsafeGuaranteedRef { pair in
                result.append(pair.car)
                return withUnsafeMutablePointer(to: &pair.cdr) { pairAddress(UnsafeRawPointer($0), layout) }
                    .map { Unmanaged<Pair>.fromOpaque($0) }
            }
            guard let next else {
                return .some(cell._withUnsafeGuaranteedRef { $0.cdr.isNull } ? result : nil)
            }
            cell = next
            steps &+= 1
            if steps & 1 == 0 {
                slow = slow._withUnsafeGuaranteedRef { pair in
                    withUnsafeMutablePointer(to: &pair.cdr) { pairAddress(UnsafeRawPointer($0), layout) }
                        .map { Unmanaged<Pair>.fromOpaque($0) }
                } ?? slow
                if slow.toOpaque() == cell.toOpaque() { return .some(nil) }
            }
        }
    }

    /// Whether `slot` holds `.procedure(procedure)`, compared without a
    /// copy (which would retain and release the procedure atomically): the
    /// inlined `+` and `<` check on every run that nobody redefined them.
    @inline(__always) static func holds(_ procedure: Procedure, in slot: UnsafeMutablePointer<Value>) -> Bool {
        guard let layout else {
            if case .procedure(let p) = slot.pointee { return p === procedure }
            return false
        }
        let raw = UnsafeRawPointer(slot)
        return raw.load(fromByteOffset: layout.tagOffset, as: UInt8.self) == layout.procedureTag
            && raw.load(as: UnsafeRawPointer.self) == UnsafeRawPointer(Unmanaged.passUnretained(procedure).toOpaque())
    }

    @inline(__always) private static func pairAddress(_ slot: UnsafeRawPointer, _ layout: Layout) -> UnsafeRawPointer? {
        guard slot.load(fromByteOffset: layout.tagOffset, as: UInt8.self) == layout.pairTag else { return nil }
        return slot.load(as: UnsafeRawPointer.self)
    }

    @inline(__always) fileprivate static func loadPayload(_ slot: UnsafeRawPointer, width: Int) -> UInt64 {
        switch width {
        case 8: return slot.loadUnaligned(as: UInt64.self)
        case 4: return UInt64(slot.loadUnaligned(as: UInt32.self))
        default: return UInt64(slot.load(as: UInt8.self))
        }
    }

    /// Checks the assumed layout against values built here: the tag byte
    /// separates the kinds and is the same for two values of one kind, and
    /// payloads sit at offset 0 in the widths `Key` reads.
    private static func probe() -> Layout? {
        let size = MemoryLayout<Value>.size
        guard size >= 9 else { return nil }
        let tagOffset = size - 1
        func bytes(_ value: Value) -> [UInt8] {
            var copy = value
            return withUnsafeBytes(of: &copy) { Array($0) }
        }
        let first = Pair(.null, .null), second = Pair(.fixnum(1), .null)
        let pairs = [bytes(.pair(first)), bytes(.pair(second))]
        let fixnums = [bytes(.fixnum(0x0123_4567_89AB_CDEF)), bytes(.fixnum(-2))]
        let chars = [bytes(.char("a")), bytes(.char("\u{10FFFF}"))]
        let booleans = [bytes(.boolean(false)), bytes(.boolean(true))]
        let symbols = [bytes(.symbol(Symbol.intern("in-place-probe-a"))), bytes(.symbol(Symbol.intern("in-place-probe-b")))]
        let probeProcedure = Procedure(name: "in-place-probe")
        let procedures = [bytes(.procedure(probeProcedure)), bytes(.procedure(Procedure(name: nil)))]
        let others = [bytes(.null), bytes(.unspecified), bytes(.flonum(1.5)), bytes(.keyword(Symbol.intern("in-place-probe-a")))]
        let kinds = [pairs, fixnums, chars, booleans, symbols, procedures]
        for kind in kinds where kind[0][tagOffset] != kind[1][tagOffset] { return nil }
        var tags = Set(kinds.map { $0[0][tagOffset] })
        guard tags.count == kinds.count else { return nil }
        for other in others {
            guard !tags.contains(other[tagOffset]) else { return nil }
        }
        tags.removeAll()
        func word(_ raw: [UInt8]) -> UInt64 { raw.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        guard word(pairs[0]) == UInt64(UInt(bitPattern: Unmanaged.passUnretained(first).toOpaque())),
              word(pairs[1]) == UInt64(UInt(bitPattern: Unmanaged.passUnretained(second).toOpaque())),
              word(procedures[0]) == UInt64(UInt(bitPattern: Unmanaged.passUnretained(probeProcedure).toOpaque())),
              word(fixnums[0]) == 0x0123_4567_89AB_CDEF, word(fixnums[1]) == UInt64(bitPattern: -2),
              word(chars[0]) & 0xFFFF_FFFF == 0x61, word(chars[1]) & 0xFFFF_FFFF == 0x10FFFF,
              booleans[0][0] == 0, booleans[1][0] == 1
        else { return nil }
        return Layout(tagOffset: tagOffset, pairTag: pairs[0][tagOffset], procedureTag: procedures[0][tagOffset])
    }
}
