import Foundation
import Testing

/// The replay report as a moderator sees it: rendered by headless Chromium (Debian's
/// `chromium`, which scripts/install-deps installs), measured in the page, and screenshotted.
@Suite("The replay report in a real browser")
struct ReportBrowserTests {
    /// Runs chromium headless with `arguments` (as root it needs --no-sandbox).
    func chromium(_ arguments: [String], in directory: URL) throws -> WinnowProcess.Result {
        try WinnowProcess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments,
            in: directory, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test(
        "the review tables squeezed the text behind the ids, showed no reason, and printed <br /> as text; now readable"
    )
    func reviewTablesReadInABrowser() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        let long = String(repeating: "a long ordinary comment about the match ", count: 6)
        var rows = ["COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS"]
        for k in 0..<12 {
            // Labeled clean, but with a stop word: false positives, with what the reason found.
            rows.append(
                "z13ykdkw5tqmyjd4x04cjv2gvnbq1hffqwo0k\(k),fan\(k),2014-01-0\(k % 9 + 1)T10:00:00,\"\(long)what a shit referee<br />really\",0"
            )
            // Labeled spam, allowed: false negatives.
            rows.append(
                "z12pwrxj0kfrwnnyd23lsuogtvqyfsyvm04\(k),bot\(k),2014-02-0\(k % 9 + 1)T10:00:00,\"check my channel<br/>please\",1"
            )
        }
        try (rows.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("dump.csv"), atomically: true, encoding: .utf8)
        let replay = try WinnowProcess.run(
            [
                "replay", "dump.csv", "--wordlists", wordlists, "--map",
                "text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID",
                "--label", "CLASS", "--no-audit", "--report-html", "report.html",
            ], in: directory)
        #expect(replay.status == 0, "\(replay.stderr)")

        // A page that loads the report and writes what it measured into its own DOM.
        let harness = """
            <!DOCTYPE html><html><body><iframe id="f" src="report.html" style="width:1200px;height:4000px"></iframe>
            <script>
            document.getElementById("f").onload = function () {
              var d = this.contentDocument, table = d.querySelector("table.review");
              var widths = Array.prototype.map.call(table.rows[0].cells, function (c) { return Math.round(c.getBoundingClientRect().width); });
              var result = {widths: widths, marks: d.querySelectorAll("table.review mark").length,
                rawBreaks: d.body.innerText.indexOf("<br") >= 0, why: table.rows[1].cells[3].innerText,
                legend: d.querySelectorAll(".legend")[0].innerText, gridLines: d.querySelectorAll("svg line").length};
              document.body.setAttribute("data-result", JSON.stringify(result));
            };
            </script></body></html>
            """
        try harness.write(to: directory.appendingPathComponent("harness.html"), atomically: true, encoding: .utf8)
        let dom = try chromium(
            [
                "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom",
                directory.appendingPathComponent("harness.html").absoluteString,
            ], in: directory)
        let attribute = try #require(
            dom.stdoutText.range(of: #"data-result="(.*?)""#, options: .regularExpression),
            "\(dom.stdoutText)\(dom.stderr)")
        let json = String(dom.stdoutText[attribute].dropFirst(#"data-result=""#.count).dropLast())
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let widths = try #require(result["widths"] as? [Int])
        // id, author, verdict, why, text: the text takes the most room, the opaque id little.
        #expect(widths.count == 5)
        #expect(widths[4] == widths.max() && widths[4] > 2 * widths[0], "\(widths)")
        #expect(result["marks"] as? Int == 12, "\(result)")
        #expect(result["rawBreaks"] as? Bool == false, "\(result)")
        #expect((result["why"] as? String)?.contains("stopword en/profanity: shit") == true, "\(result)")
        // Only the actions that happen are in the legend (no timeout, ban or error here).
        #expect((result["legend"] as? String)?.filter { !$0.isWhitespace } == "allowcensor", "\(result)")
        #expect((result["gridLines"] as? Int ?? 0) >= 10, "\(result)")

        let screenshot = directory.appendingPathComponent("report.png")
        let shot = try chromium(
            [
                "--window-size=1200,2400", "--screenshot=\(screenshot.path)",
                directory.appendingPathComponent("report.html").absoluteString,
            ], in: directory)
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "screenshot of \(size) bytes: \(shot.stderr)")
    }
}
