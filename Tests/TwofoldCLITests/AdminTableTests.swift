import Testing

@testable import TwofoldCLI

@Test func table_sizesColumnsToContent_andLeavesNoTrailingSpaces() {
    var table = AdminTable(headers: ["ID", "NAME", "NOTE"])
    table.append(["a-1", "Acme", ""])
    table.append(["a-22", "B", "long note"])
    #expect(
        table.render() == """
            ID    NAME  NOTE
            a-1   Acme
            a-22  B     long note

            """)
}

@Test func table_padsMissingCells_dropsExtraOnes_andSanitizesControlCharacters() {
    var table = AdminTable(headers: ["A", "B"])
    table.append(["x"])
    table.append(["1", "2", "3"])
    table.append(["\u{1B}[2J", "ok\u{9B}"])
    #expect(table.render() == "A     B\nx\n1     2\n?[2J  ok?\n")
}

@Test func fields_alignValuesAfterTheLongestLabel() {
    var fields = AdminFields()
    fields.append("User", "u-1")
    fields.append("SMS recovery", "available")
    fields.append("Empty", "")
    #expect(fields.render() == "User:          u-1\nSMS recovery:  available\nEmpty:\n")
    #expect(fields.render(indent: "  ").hasPrefix("  User:          u-1\n"))
}

@Test func time_isShownInUTCToTheMinute_andNeverTrapsOnAbsurdValues() {
    #expect(AdminText.time(0) == "1970-01-01 00:00 UTC")
    #expect(AdminText.time(1_767_225_659_999) == "2026-01-01 00:00 UTC")
    #expect(AdminText.time(Int64.max) == "\(Int64.max) ms")
    #expect(AdminText.time(Int64.min) == "\(Int64.min) ms")
}

@Test func accounts_areJoinedByName_orShownAsADash() {
    #expect(AdminText.accounts([]) == "-")
    let references = [AdminAccount.Reference(id: "a-1", name: "Acme"), AdminAccount.Reference(id: "a-2", name: "Beta")]
    #expect(AdminText.accounts(references) == "Acme, Beta")
}
