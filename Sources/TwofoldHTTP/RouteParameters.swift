/// The decoded values of a route's `:name` segments, in pattern order.
public struct RouteParameters: Hashable, Sendable {
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public private(set) var parameters: [Parameter]

    public init(_ parameters: [Parameter] = []) { self.parameters = parameters }

    /// The value of the parameter `name`, or `nil`.
    public subscript(name: String) -> String? { parameters.first { $0.name == name }?.value }
}
