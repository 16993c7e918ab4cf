import TwofoldPhone

/// What `phone.set` reports back.
public struct PhoneStatus: Sendable, Equatable {
    public let masked: String
    public let country: String
    public let countryName: String
    /// `available`, `unsupported_country` or `unsupported_number`.
    public let smsRecovery: String
}

extension Vault {
    /// Sets the recovery phone. The first phone needs no code (it is given during sign-up, before the
    /// authenticator exists); changing an existing one needs a currently valid code in the same
    /// request, so a stolen session alone cannot redirect recovery.
    public func setPhone(
        user: UserID, phone input: String, code: String?, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<PhoneStatus, VaultError>) -> Void
    ) {
        let number: PhoneNumber
        do {
            number = try PhoneNumber(parsing: input)
        } catch {
            completion(.failure(VaultError(.invalidPhone, error.message, detail: error.code)))
            return
        }
        let availability = policy.smsRecovery.availability(for: number)
        update(
            user, claim: idempotency, recording: { $0 },
            { record, context throws(VaultError) -> PhoneStatus in
                let now = context.now
                if let existing = record.phone, existing != number.e164, record.active != nil {
                    try authorise(&record, code: code, now: now)
                }
                record.phone = number.e164
                return PhoneStatus(
                    masked: number.masked, country: number.country.code, countryName: number.country.name,
                    smsRecovery: availability.code)
            }
        ) { answer in
            let (result, recorded) = answer.result
            self.audit.record("phone.set", user: user, outcome: result.auditOutcome, recorded: recorded)
            completion(result)
        }
    }

    /// Removes the recovery phone; needs a valid code when the user has an authenticator.
    public func clearPhone(
        user: UserID, code: String?, idempotency: IdempotencyClaim? = nil,
        completion: @escaping @Sendable (Result<Void, VaultError>) -> Void
    ) {
        update(
            user, claim: idempotency, recording: { _ in NoAnswer() },
            { record, context throws(VaultError) in
                guard record.phone != nil else { return }
                if record.active != nil { try authorise(&record, code: code, now: context.now) }
                record.phone = nil
                record.recovery = nil
            }
        ) { answer in
            switch answer {
            case .ran(let result):
                self.audit.record("phone.clear", user: user, outcome: result.auditOutcome)
                completion(result)
            case .recorded(let result, _):
                self.audit.record("phone.clear", user: user, outcome: result.auditOutcome, recorded: true)
                completion(result.map { _ in () })
            }
        }
    }

    /// Requires `code` to verify, consuming its step; throws otherwise. The failure it counts is kept
    /// (`update` persists changes made before a throw), so this cannot be used to guess codes freely.
    func authorise(_ record: inout VaultUserRecord, code: String?, now: Int64) throws(VaultError) {
        guard let code, !code.isEmpty else {
            throw VaultError(.codeRequired, "Enter a current verification code from your authenticator app.")
        }
        let outcome = verifyCode(&record, code: code, now: now)
        guard case .accepted = outcome else {
            var retry: Int64?
            switch outcome {
            case .invalid(_, let wait): retry = wait
            case .locked(let wait): retry = wait
            default: break
            }
            throw VaultError(
                .codeRejected, "That verification code was not accepted.", retryAfterMillis: retry,
                detail: outcome.name)
        }
    }
}
