/// State objects kept per thread or process id, with the last one asked for held aside: the stops of one
/// thread's (or process's) loop find theirs without hashing. Removing an id forgets it there too.
/// The trace writer's thread views and the model probe's process states are kept in one.
public struct PerIDTable<State: AnyObject> {
    @usableFromInline var table: [Int32: State] = [:]
    @usableFromInline var last: (id: Int32, state: State)?

    public init() {}

    /// The state of `id`, made by `make` when first asked for.
    @inlinable
    public mutating func state(_ id: Int32, make: () -> State) -> State {
        if let l = last, l.id == id { return l.state }
        let s: State
        if let known = table[id] {
            s = known
        } else {
            s = make()
            table[id] = s
        }
        last = (id, s)
        return s
    }

    /// The state of `id` if there is one; makes none.
    @inlinable
    public subscript(known id: Int32) -> State? { table[id] }

    @inlinable
    public mutating func remove(_ id: Int32) {
        table[id] = nil
        if last?.id == id { last = nil }
    }

    @inlinable public var count: Int { table.count }
    @inlinable public var states: Dictionary<Int32, State>.Values { table.values }
}
