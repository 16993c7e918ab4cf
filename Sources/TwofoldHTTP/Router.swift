/// What routing decided for a request.
public enum RouteMatch<Handler> {
    /// A handler for this method and path, with the path's parameters.
    case found(Handler, RouteParameters)
    /// No route has this path → 404.
    case notFound
    /// Routes have this path but not this method → 405 with `Allow: allowed`.
    case methodNotAllowed(allowed: [HTTPMethod])
    /// The path breaks `RequestPath`'s rules → 400.
    case invalidPath(HTTPError)
}

extension RouteMatch: Sendable where Handler: Sendable {}

/// Maps a method and a path to a handler value; generic so the gateway decides what a handler is.
///
/// Patterns are paths whose segments are literals (matched against the decoded request
/// segment, case-sensitively) or `:name` parameters (matching any one non-empty segment).
/// When several patterns match, the most specific one that has the method wins (a literal
/// beats a parameter, segment by segment from the left). HEAD uses the GET handler unless a
/// HEAD route exists; `Allow` lists HEAD wherever GET is allowed.
///
/// The patterns form a tree of segments (`RouteTree`), so a match costs one dictionary look-up
/// per request segment whatever the number of routes, and the walk is not generic: only the
/// final handler look-up is.
public struct Router<Handler> {
    private var tree = RouteTree()
    private var handlers: [Handler] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern`, e.g. `"/users/:id/reset"`.
    /// A malformed pattern or a duplicate registration is a programmer error.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        precondition(pattern.hasPrefix("/"), "route patterns start with /")
        let segments: [RouteTree.Segment] =
            pattern == "/"
            ? []
            : pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
                if raw.hasPrefix(":") {
                    precondition(raw.count > 1, "a route parameter needs a name")
                    return .parameter(String(raw.dropFirst()))
                }
                return .literal(String(raw))
            }
        tree.insert(segments, method: method, handler: handlers.count, pattern: pattern)
        handlers.append(handler)
    }

    /// Finds the handler for `method` and the raw (still percent-encoded) `path`.
    public func match(_ method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        let segments: [String]
        do {
            segments = try RequestPath.segments(of: path)
        } catch {
            return .invalidPath(error)
        }
        switch tree.match(method, segments: segments) {
        case .found(let handler, let parameters): return .found(handlers[handler], parameters)
        case .notFound: return .notFound
        case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed: allowed)
        case .invalidPath(let error): return .invalidPath(error)
        }
    }
}

extension Router: Sendable where Handler: Sendable {}

/// The patterns of a `Router` as a tree of segments; handlers are the router's indices.
///
/// A node's children are its literal segments (a dictionary) and at most one parameter. A match
/// walks the request's segments depth first, literal child before parameter child, which visits
/// the patterns that fit the path in the order "most specific first" (a literal beats a parameter,
/// segment by segment from the left). The depth is at most the longest pattern's segment count,
/// whatever the request path holds.
struct RouteTree: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case parameter(String)
    }

    /// A handler registered for one method on one pattern, with the pattern's parameter names in
    /// order (two patterns of one shape may name their parameters differently).
    struct Endpoint: Sendable {
        var method: HTTPMethod
        var handler: Int
        var parameterNames: [String]
    }

    struct Node: Sendable {
        var literals: [String: Int] = [:]
        var parameter: Int?
        /// At most one per method; a handful at most, so a scan beats hashing.
        var endpoints: [Endpoint] = []

        func endpoint(for method: HTTPMethod) -> Endpoint? {
            endpoints.first { $0.method == method }
        }
    }

    private var nodes: [Node] = [Node()]

    mutating func insert(_ segments: [Segment], method: HTTPMethod, handler: Int, pattern: String) {
        var node = 0
        var names: [String] = []
        for segment in segments {
            switch segment {
            case .literal(let literal):
                if let child = nodes[node].literals[literal] {
                    node = child
                } else {
                    nodes.append(Node())
                    nodes[node].literals[literal] = nodes.count - 1
                    node = nodes.count - 1
                }
            case .parameter(let name):
                names.append(name)
                if let child = nodes[node].parameter {
                    node = child
                } else {
                    nodes.append(Node())
                    nodes[node].parameter = nodes.count - 1
                    node = nodes.count - 1
                }
            }
        }
        precondition(nodes[node].endpoint(for: method) == nil, "route registered twice: \(method) \(pattern)")
        nodes[node].endpoints.append(Endpoint(method: method, handler: handler, parameterNames: names))
    }

    /// The walk's state: the request, the parameter values bound so far, and what the patterns
    /// that fit the path but lack the method have collected for a HEAD fallback or a 405.
    private struct Walk {
        let method: HTTPMethod
        let segments: [String]
        var values: [String] = []
        var allowed: Set<HTTPMethod> = []
        var headFallback: (Endpoint, [String])?
    }

    func match(_ method: HTTPMethod, segments: [String]) -> RouteMatch<Int> {
        var walk = Walk(method: method, segments: segments)
        if let (endpoint, values) = visit(0, depth: 0, &walk) { return .endpoint(endpoint, values) }
        if let (endpoint, values) = walk.headFallback { return .endpoint(endpoint, values) }
        if walk.allowed.isEmpty { return .notFound }
        if walk.allowed.contains(.get) { walk.allowed.insert(.head) }
        return .methodNotAllowed(allowed: HTTPMethod.allCases.filter(walk.allowed.contains))
    }

    /// The first pattern below `node` that fits the rest of the path and has the method.
    private func visit(_ node: Int, depth: Int, _ walk: inout Walk) -> (Endpoint, [String])? {
        guard depth < walk.segments.count else {
            let endpoints = nodes[node].endpoints
            if let endpoint = nodes[node].endpoint(for: walk.method) { return (endpoint, walk.values) }
            if walk.method == .head, walk.headFallback == nil, let get = nodes[node].endpoint(for: .get) {
                walk.headFallback = (get, walk.values)
            }
            for endpoint in endpoints { walk.allowed.insert(endpoint.method) }
            return nil
        }
        let segment = walk.segments[depth]
        if let child = nodes[node].literals[segment], let found = visit(child, depth: depth + 1, &walk) {
            return found
        }
        if let child = nodes[node].parameter, !segment.isEmpty {
            walk.values.append(segment)
            defer { walk.values.removeLast() }
            if let found = visit(child, depth: depth + 1, &walk) { return found }
        }
        return nil
    }
}

extension RouteMatch<Int> {
    /// A found endpoint, its parameters named.
    fileprivate static func endpoint(_ endpoint: RouteTree.Endpoint, _ values: [String]) -> Self {
        let parameters = zip(endpoint.parameterNames, values).map { RouteParameters.Parameter(name: $0, value: $1) }
        return .found(endpoint.handler, RouteParameters(parameters))
    }
}

extension HTTPMethod {
    /// The `Allow` field value for a 405 answer, e.g. `"GET, HEAD, POST"`.
    public static func allowHeaderValue(_ methods: [HTTPMethod]) -> String {
        methods.map(\.rawValue).joined(separator: ", ")
    }
}
