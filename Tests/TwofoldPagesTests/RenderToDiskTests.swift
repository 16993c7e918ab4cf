import Foundation
import Testing
import TwofoldPages

/// Writes every sample page and the stylesheet into `$TWOFOLD_PAGES_OUT` for a visual review
/// (for example `chromium --headless=new --screenshot … file:///…/login.html`). Skipped otherwise.
@Suite struct RenderToDiskTests {
    static let outputFolder = ProcessInfo.processInfo.environment["TWOFOLD_PAGES_OUT"]

    @Test(.enabled(if: outputFolder != nil, "set TWOFOLD_PAGES_OUT to a folder to render the pages"))
    func renderEveryPage_toTheFolderNamedByTheEnvironment() throws {
        let folder = URL(fileURLWithPath: try #require(Self.outputFolder), isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Pages.stylesheet.utf8).write(to: folder.appendingPathComponent("twofold.css"))
        let pages = SamplePages.all(stylesheetHref: "twofold.css")
        for page in pages {
            try Data(page.html.utf8).write(to: folder.appendingPathComponent("\(page.name).html"))
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(written.filter { $0.hasSuffix(".html") }.count >= pages.count)
    }
}
