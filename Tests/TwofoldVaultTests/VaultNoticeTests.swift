import Testing
import TwofoldSystem
import TwofoldWire

@testable import TwofoldVault

/// `notice.send`: the vault's own words to the phone on file, for events the gateway sees.
@Suite struct VaultNoticeTests {
    @Test func passwordChanged_goesToThePhoneOnFile_whateverItsCountry() throws {
        for phone in ["+1 415 555 2671", "+880 1712 345678"] {
            let harness = VaultHarness()
            _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: phone, code: nil, completion: $0) }
                .get()
            #expect(try harness.vault.sendNotice(user: .test(), event: .passwordChanged))
            let message = try #require(harness.sms.last)
            #expect(message.text.hasPrefix("The password of your Twofold account was changed."))
            #expect(message.text.contains("contact your representative"))
            #expect(message.to == "+" + phone.filter(\.isNumber))
        }
    }

    @Test func withoutAPhone_nothingIsSent_andTheAnswerSaysSo() throws {
        let harness = VaultHarness()
        #expect(try harness.vault.sendNotice(user: .test(), event: .passwordChanged) == false)
        #expect(harness.sms.messages.withLock { $0.isEmpty })
        #expect(harness.vault.userCount == 0, "asking about an unknown user creates nothing")
    }

    @Test func overTheWire_anUnknownEventOrUser_isRefusedBeforeAnythingIsSent() async throws {
        let harness = VaultHarness()
        let service = VaultService(vault: harness.vault)
        func ask(_ args: [String: JSONValue]) async -> WireResponse {
            await withCheckedContinuation { continuation in
                service.handle(
                    WireRequest(id: .number(1), operation: "notice.send", args: args),
                    peer: PeerCredentials(processID: 1, userID: 0, groupID: 0)
                ) { continuation.resume(returning: $0) }
            }
        }
        func code(_ response: WireResponse) -> String? {
            if case .failure(let payload) = response.outcome { payload.code } else { nil }
        }
        #expect(await ask(["user": "u-1", "event": "password_changed"]).outcome == .success(["queued": false]))
        #expect(code(await ask(["user": "u-1", "event": "lottery_won"])) == "request.invalid")
        #expect(code(await ask(["user": "not a user!", "event": "lottery_won"])) == "user.invalid")
        #expect(code(await ask(["user": "u-1"])) == "request.invalid")
        #expect(harness.sms.messages.withLock { $0.isEmpty })
    }
}
