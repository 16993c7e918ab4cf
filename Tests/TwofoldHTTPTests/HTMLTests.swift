import Testing
import TwofoldHTTP

@Suite struct HTMLTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("", ""),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
        ("' onfocus='x", "&#39; onfocus=&#39;x"),
        ("&amp;", "&amp;amp;"),
        ("héllo → <b>", "héllo → &lt;b&gt;"),
    ])
    func escape_replacesEveryMarkupCharacter(input: String, expected: String) {
        #expect(HTML.escape(input) == expected)
    }

    @Test func escape_leavesNothingThatCanOpenTagsOrCloseAttributes() {
        let hostile = "<>\"'&" + String(repeating: "<a href='x'>\"", count: 10)
        let escaped = HTML.escape(hostile)
        #expect(!escaped.contains { "<>\"'".contains($0) })
    }
}
