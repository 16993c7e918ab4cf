import Testing
import TwofoldHTTP

@Suite struct RouterTests {
    private let router: Router<String> = {
        var router = Router<String>()
        router.add(.get, "/", "home")
        router.add(.get, "/login", "login-form")
        router.add(.post, "/login", "login-submit")
        router.add(.get, "/users/:id", "user")
        router.add(.delete, "/users/:id", "user-delete")
        router.add(.get, "/users/new", "user-new")
        router.add(.post, "/accounts/:account/users/:user/reset", "reset")
        router.add(.head, "/health", "health-head")
        router.add(.get, "/health", "health")
        router.add(.get, "/a/b/c", "abc")
        router.add(.get, "/a/:x/d", "axd")
        router.add(.get, "/things/:id", "thing")
        router.add(.delete, "/things/:name", "thing-delete")
        return router
    }()

    private func describe(_ match: RouteMatch<String>) -> String {
        switch match {
        case .found(let handler, let parameters):
            ([handler] + parameters.parameters.map { "\($0.name)=\($0.value)" }).joined(separator: " ")
        case .notFound: "404"
        case .methodNotAllowed(let allowed): "405 " + HTTPMethod.allowHeaderValue(allowed)
        case .invalidPath(let error): "400 \(error.code)"
        }
    }

    @Test(arguments: [
        (HTTPMethod.get, "/", "home"),
        (.get, "/login", "login-form"),
        (.post, "/login", "login-submit"),
        (.get, "/users/42", "user id=42"),
        (.delete, "/users/42", "user-delete id=42"),
        (.get, "/users/new", "user-new"),
        (.delete, "/users/new", "user-delete id=new"),
        (.get, "/users/a%20b", "user id=a b"),
        (.get, "/users/%C3%A9", "user id=é"),
        (.post, "/accounts/7/users/9/reset", "reset account=7 user=9"),
        (.head, "/login", "login-form"),
        (.head, "/health", "health-head"),
        (.get, "/health", "health"),
        (.get, "/%6Cogin", "login-form"),
        (.head, "/users/new", "user-new"),
        (.head, "/users/7", "user id=7"),
        // A literal that leads nowhere gives way to a parameter at the same depth.
        (.get, "/a/b/d", "axd x=b"),
        (.get, "/a/b/c", "abc"),
        // Patterns of one shape keep their own parameter names, method by method.
        (.get, "/things/1", "thing id=1"),
        (.delete, "/things/1", "thing-delete name=1"),
    ])
    func match_knownRoute_findsHandlerAndParameters(method: HTTPMethod, path: String, expected: String) {
        #expect(describe(router.match(method, path: path)) == expected)
    }

    @Test(arguments: [
        (HTTPMethod.get, "/nope", "404"),
        (.get, "/login/", "404"),
        (.get, "//login", "404"),
        (.get, "/users", "404"),
        (.get, "/users/", "404"),
        (.get, "/users/1/extra", "404"),
        (.get, "/Login", "404"),
        (.put, "/login", "405 GET, HEAD, POST"),
        (.post, "/users/1", "405 GET, HEAD, DELETE"),
        (.post, "/", "405 GET, HEAD"),
        (.get, "/accounts/7/users/9/reset", "405 POST"),
        (.options, "/health", "405 GET, HEAD"),
        // Every pattern that fits the path adds its methods.
        (.post, "/users/new", "405 GET, HEAD, DELETE"),
        (.get, "/a/b", "404"),
        (.get, "/a//d", "404"),
    ])
    func match_unknownPathOrMethod_distinguishes404From405(method: HTTPMethod, path: String, expected: String) {
        #expect(describe(router.match(method, path: path)) == expected)
    }

    @Test(arguments: [
        "/users/..", "/users/.", "/../login", "/users/%2e%2e", "/users/%2E", "/users/.%2e", "/users/a%2Fb",
        "/users/a%2fb", "/users/%00", "/users/a%5Cb", "/users/%0A", "/users/%zz", "/users/%", "/users/%FF", "login",
        "*", "",
    ])
    func match_traversalEncodedSlashNulOrBadEscape_isInvalidPath(path: String) {
        #expect(describe(router.match(.get, path: path)) == "400 http.invalid_path")
    }

    @Test func match_manyRoutes_eachFindsItsOwn() {
        var router = Router<Int>()
        for index in 0..<300 {
            router.add(.get, "/r\(index % 10)/s\(index)", index)
            router.add(.post, "/r\(index % 10)/:id/s\(index)", -index)
        }
        for index in 0..<300 {
            #expect(describe(router.match(.get, path: "/r\(index % 10)/s\(index)")) == "\(index)")
            #expect(describe(router.match(.post, path: "/r\(index % 10)/x/s\(index)")) == "\(-index) id=x")
        }
        #expect(describe(router.match(.get, path: "/r1/s2")) == "404")
    }

    private func describe(_ match: RouteMatch<Int>) -> String {
        switch match {
        case .found(let handler, let parameters):
            (["\(handler)"] + parameters.parameters.map { "\($0.name)=\($0.value)" }).joined(separator: " ")
        case .notFound: "404"
        case .methodNotAllowed(let allowed): "405 " + HTTPMethod.allowHeaderValue(allowed)
        case .invalidPath(let error): "400 \(error.code)"
        }
    }

    @Test func requestPath_segments_followDocumentedRules() throws {
        #expect(try RequestPath.segments(of: "/") == [])
        #expect(try RequestPath.segments(of: "/a/") == ["a", ""])
        #expect(try RequestPath.segments(of: "/a//b") == ["a", "", "b"])
        #expect(try RequestPath.segments(of: "/a+b/%41") == ["a+b", "A"])
        #expect(try RequestPath.segments(of: "/...") == ["..."])
    }
}
