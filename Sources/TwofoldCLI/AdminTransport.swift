/// Carries one admin request to the gateway and brings back its result or a mapped error.
/// `AdminClient` is the real one; tests substitute canned answers.
public protocol AdminTransport: Sendable {
    func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError>
}
