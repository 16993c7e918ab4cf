import Testing
import TwofoldPages

@Suite struct StylesheetTests {
    @Test func stylesheet_isPlainCSSWithBothColourSchemes() {
        #expect(Pages.stylesheet.contains("color-scheme: light dark"))
        #expect(Pages.stylesheet.contains("@media (prefers-color-scheme: dark)"))
        #expect(!Pages.stylesheet.contains("<"))
        #expect(!Pages.stylesheet.contains("@import"))
        #expect(!Pages.stylesheet.contains("url("))
    }

    @Test func everyClassThePagesUse_isStyled() {
        var classes = Set<String>()
        for page in SamplePages.all() {
            for tag in HTMLScan(page.html).tags {
                for name in (tag["class"] ?? "").split(separator: " ") { classes.insert(String(name)) }
            }
        }
        #expect(!classes.isEmpty)
        for name in classes.sorted() {
            #expect(Pages.stylesheet.contains(".\(name)"), "class \(name) has no rule")
        }
    }
}
