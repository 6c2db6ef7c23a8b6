import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The flame graph's click-to-zoom, run in headless Chromium: a small probe script appended to a copy
/// of the SVG clicks boxes as a user would and writes what it saw into the root element, which
/// --dump-dom prints.
final class FlameGraphBrowserTests: XCTestCase {
    static let probe = """
    <script type="text/ecmascript"><![CDATA[
    window.addEventListener("error", function (e) { document.documentElement.setAttribute("data-error", String(e.message)); });
    (function () {
      var svg = document.documentElement, out = [];
      function box(name, under) {
        var gs = svg.querySelectorAll("g[data-p]");
        for (var i = 0; i < gs.length; i++) {
          var t = gs[i].querySelector("title").textContent;
          if (t.indexOf(name + " (") === 0 && (!under || t.indexOf(under) >= 0)) return gs[i];
        }
        return null;
      }
      function click(el) { (el.querySelector("rect") || el).dispatchEvent(new MouseEvent("click", { bubbles: true })); }
      function state(g) {
        return g.style.display === "none" ? "hidden"
          : g.querySelector("rect").getAttribute("x") + "+" + g.querySelector("rect").getAttribute("width")
            + (g.getAttribute("class") === "parent" ? " parent" : "");
      }
      var write = box("write_[k]"), read = box("read_[k]"), main = box("main"), all = box("all");
      var before = state(write);
      click(write);
      out.push("write=" + state(write), "read=" + state(read), "main=" + state(main),
               "reset=" + document.getElementById("reset").style.display);
      var kids = svg.querySelectorAll("g[data-p]"), widths = [];
      for (var i = 0; i < kids.length; i++) {
        var t = kids[i].querySelector("text");
        if (kids[i].style.display !== "none" && t) widths.push(t.textContent);
      }
      out.push("labels=" + widths.join("|"));
      click(document.getElementById("reset"));
      out.push("after-reset=" + (state(write) === before) + "," + state(all));
      svg.setAttribute("data-zoom", out.join(";"));
    })();
    ]]></script>
    """

    func testClickingAFrameZoomsAndResetRestores() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flame-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = try writeReportSampleTrace(to: dir.appendingPathComponent("t.jsonl"), calls: 300)
        let svgURL = dir.appendingPathComponent("flame.svg")
        let r = try stackcross(["report", trace.path, "--format", "flamegraph", "-o", svgURL.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        var svg = try String(contentsOf: svgURL, encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "the SVG parses as XML")
        svg = svg.replacingOccurrences(of: "</svg>\n", with: Self.probe + "</svg>\n")
        let page = dir.appendingPathComponent("probe.svg")
        try svg.write(to: page, atomically: true, encoding: .utf8)

        let run = try runChromium(["--dump-dom"], page: page, workDir: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let console = run.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        XCTAssertTrue(console.isEmpty, "console errors: \(console)")
        let root = run.stdout.range(of: "<svg[^>]*>", options: .regularExpression).map { String(run.stdout[$0]) } ?? ""
        XCTAssertFalse(root.contains("data-error"), root)
        let zoom = try XCTUnwrap(run.stdout.range(of: #"data-zoom="[^"]*""#, options: .regularExpression).map { String(run.stdout[$0]) },
                                 "the probe did not run: \(run.stdout.prefix(2000))")
        // write_[k] (200 of 300 samples) fills the width; read_[k] is not on its path; main is an ancestor.
        XCTAssertTrue(zoom.contains("write=10.0+1180.0;"), zoom)
        XCTAssertTrue(zoom.contains("read=hidden;"), zoom)
        XCTAssertTrue(zoom.contains("main=10.0+1180.0 parent;"), zoom)
        XCTAssertTrue(zoom.contains("reset=;"), "Reset Zoom shown: \(zoom)")
        // The tracee's hostile symbol is drawn as text (escaped again by the DOM serializer), never markup.
        XCTAssertTrue(zoom.contains("leaf_&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), zoom)
        XCTAssertTrue(zoom.contains("after-reset=true,10.0+1180.0"), zoom)
        XCTAssertFalse(run.stdout.contains("<img"))
    }
}
