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

    @Test func requestPath_segments_followDocumentedRules() throws {
        #expect(try RequestPath.segments(of: "/") == [])
        #expect(try RequestPath.segments(of: "/a/") == ["a", ""])
        #expect(try RequestPath.segments(of: "/a//b") == ["a", "", "b"])
        #expect(try RequestPath.segments(of: "/a+b/%41") == ["a+b", "A"])
        #expect(try RequestPath.segments(of: "/...") == ["..."])
    }
}
