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
public struct Router<Handler> {
    fileprivate enum Segment: Hashable, Sendable {
        case literal(String)
        case parameter(String)
    }

    fileprivate struct Route {
        var segments: [Segment]
        var handlers: [HTTPMethod: Handler]
    }

    private var routes: [Route] = []

    public init() {}

    /// Registers `handler` for `method` on `pattern`, e.g. `"/users/:id/reset"`.
    /// A malformed pattern or a duplicate registration is a programmer error.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        precondition(pattern.hasPrefix("/"), "route patterns start with /")
        let segments: [Segment] =
            pattern == "/"
            ? []
            : pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
                if raw.hasPrefix(":") {
                    precondition(raw.count > 1, "a route parameter needs a name")
                    return .parameter(String(raw.dropFirst()))
                }
                return .literal(String(raw))
            }
        if let index = routes.firstIndex(where: { $0.segments == segments }) {
            precondition(routes[index].handlers[method] == nil, "route registered twice: \(method) \(pattern)")
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(segments: segments, handlers: [method: handler]))
            // Most specific first, so the first route that has the method is the best one.
            routes.sort { Self.isMoreSpecific($0.segments, than: $1.segments) }
        }
    }

    /// Finds the handler for `method` and the raw (still percent-encoded) `path`.
    public func match(_ method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        let segments: [String]
        do {
            segments = try RequestPath.segments(of: path)
        } catch {
            return .invalidPath(error)
        }
        var allowed: Set<HTTPMethod> = []
        var headFallback: (Handler, RouteParameters)?
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if let handler = route.handlers[method] { return .found(handler, parameters) }
            if method == .head, headFallback == nil, let handler = route.handlers[.get] {
                headFallback = (handler, parameters)
            }
            allowed.formUnion(route.handlers.keys)
        }
        if let (handler, parameters) = headFallback { return .found(handler, parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get) { allowed.insert(.head) }
        return .methodNotAllowed(allowed: HTTPMethod.allCases.filter(allowed.contains))
    }

    private static func bind(_ pattern: [Segment], to segments: [String]) -> RouteParameters? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [RouteParameters.Parameter] = []
        for (part, segment) in zip(pattern, segments) {
            switch part {
            case .literal(let literal):
                guard literal == segment else { return nil }
            case .parameter(let name):
                guard !segment.isEmpty else { return nil }
                parameters.append(RouteParameters.Parameter(name: name, value: segment))
            }
        }
        return RouteParameters(parameters)
    }

    private static func isMoreSpecific(_ lhs: [Segment], than rhs: [Segment]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            switch (left, right) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }
}

extension Router: Sendable where Handler: Sendable {}
extension Router.Route: Sendable where Handler: Sendable {}

extension HTTPMethod {
    /// The `Allow` field value for a 405 answer, e.g. `"GET, HEAD, POST"`.
    public static func allowHeaderValue(_ methods: [HTTPMethod]) -> String {
        methods.map(\.rawValue).joined(separator: ", ")
    }
}
