/// `html` of a profile: one self-contained page (inline CSS and JS, nothing fetched) with a state
/// timeline per thread (R/S/D/T coloured over time; a click on a stretch shows its merged stack) and
/// the flame graph of every sample (FlameGraphExporter's SVG, inline, its zoom included).
///
/// The data sits in a `<script type="application/json">` island, every string JSON-escaped with
/// `<`, `>`, `&`, U+2028/2029 as \u escapes; the page's JS builds the DOM with textContent only.
/// Consecutive samples of a thread with the same state, syscall and stack are one run, so a thread
/// blocked for minutes costs one entry; a thread keeps at most `runsPerThread` runs (the rest still
/// count in the flame graph), and threads past `maxThreads` count in the flame graph only.
public final class ProfileHTMLExporter: ProfileConsumer {
    public static let runsPerThread = 4000
    public static let maxThreads = 2000

    private let out: ReportWriter
    private let title: String
    private let graph: FlameGraphExporter
    private let graphBytes: () -> [UInt8]
    private let stateRoot: Bool

    /// A distinct (state, syscall, merged stack): what a click shows.
    private struct Kind: Hashable { var state: String; var syscall: String?; var frames: [String] }
    private var kindIndex: [Kind: Int] = [:]
    private var kinds: [Kind] = []
    private struct Run { var first: UInt64; var last: UInt64; var count: Int; var kind: Int }
    private struct Thread { var name: String; var runs: [Run] = []; var samplesLeftOut = 0 }
    private var threads: [Int32: Thread] = [:]
    private var threadOrder: [Int32] = []
    private var threadsLeftOut: Set<Int32> = []
    private var samples = 0
    private var t0: UInt64?
    private var tEnd: UInt64 = 0

    public init(writer: ReportWriter, title: String, stateRoot: Bool) {
        out = writer
        self.title = title
        self.stateRoot = stateRoot
        let (w, bytes) = ReportWriter.memory()
        graph = FlameGraphExporter(writer: w, title: "all samples")
        graphBytes = bytes
    }

    public func consume(_ s: ResolvedSample, start: ProfileStart?) throws {
        samples += 1
        graph.add(folded: foldedFrames(s, stateRoot: stateRoot))
        t0 = min(t0 ?? s.timeNs, s.timeNs)
        tEnd = max(tEnd, s.timeNs)
        if threads[s.tid] == nil {
            guard threadOrder.count < Self.maxThreads else { threadsLeftOut.insert(s.tid); return }
            threads[s.tid] = Thread(name: s.threadName)
            threadOrder.append(s.tid)
        }
        let kind = intern(Kind(state: s.state, syscall: s.syscall, frames: foldedFrames(s, stateRoot: false)))
        var t = threads[s.tid]!
        threads[s.tid] = nil  // edited in place below without a copy of its runs
        if !s.threadName.isEmpty { t.name = s.threadName }
        if var last = t.runs.last, last.kind == kind, s.timeNs >= last.last {
            last.last = s.timeNs
            last.count += 1
            t.runs[t.runs.count - 1] = last
        } else if t.runs.count < Self.runsPerThread {
            t.runs.append(Run(first: s.timeNs, last: s.timeNs, count: 1, kind: kind))
        } else {
            t.samplesLeftOut += 1
        }
        threads[s.tid] = t
    }

    private func intern(_ k: Kind) -> Int {
        if let i = kindIndex[k] { return i }
        kindIndex[k] = kinds.count
        kinds.append(k)
        return kinds.count - 1
    }

    private func json(_ s: String) -> String { Escape.json(s, htmlSafe: true) }

    public func finish(header: ProfileHeader?, start: ProfileStart?, summary: ProfileSummary?) throws {
        try graph.finish()
        let base = t0 ?? 0
        let hz = start?.hz ?? 49
        let heading = start.map { "pid \($0.pid) \($0.exe)" } ?? title
        out.write(Self.head(title: Escape.markup("stackcross profile: " + heading)))
        out.write("<script type=\"application/json\" id=\"data\">")
        var top = JSONObject(htmlSafe: true)
        top.string("title", heading)
        top.int("hz", hz)
        top.int("samples", samples)
        top.int("spanNs", tEnd - base)
        top.int("threadsLeftOut", threadsLeftOut.count)
        top.string("ended", summary?.ended)
        top.raw("stopsByState", summary.map { s in
            s.stopsByState.keys.sorted().map { json($0) + ":" + String(s.stopsByState[$0]!) }.joined(separator: ",")
        }.map { "{" + $0 + "}" })
        out.write(String(top.done().dropLast()) + ",\"kinds\":[")
        for (i, k) in kinds.enumerated() {
            var o = JSONObject(htmlSafe: true)
            o.string("state", k.state)
            o.string("syscall", k.syscall)
            o.raw("frames", k.frames.map(json).jsonArray)
            out.write((i == 0 ? "" : ",") + o.done())
        }
        out.write("],\n\"threads\":[")
        for (i, tid) in threadOrder.sorted().enumerated() {
            let t = threads[tid]!
            var o = JSONObject(htmlSafe: true)
            o.int("tid", tid)
            o.string("name", t.name)
            o.int("leftOut", t.samplesLeftOut)
            // [start ns, end ns (after base), samples, kind]
            o.raw("runs", t.runs.map { "[\($0.first - base),\($0.last - base),\($0.count),\($0.kind)]" }.joined(separator: ",").wrapped)
            out.write((i == 0 ? "" : ",") + o.done() + "\n")
        }
        out.write("]}</script>\n")
        out.write(Self.body)
        // The flame graph's SVG inline (its XML prolog dropped); its names are escaped by the exporter.
        var svg = graphBytes()
        if let open = svg.firstIndex(of: UInt8(ascii: "\n")), svg.starts(with: Array("<?xml".utf8)) { svg.removeSubrange(...open) }
        out.write(bytes: svg)
        out.write(Self.tail)
        out.flush()
    }
}

private extension String {
    var wrapped: String { "[" + self + "]" }
}

extension ProfileHTMLExporter {
    static func head(title: String) -> String {
        #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\#(title)</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0;padding:12px 16px;color:#222;background:#fff}
        h1{font-size:18px;margin:0 0 4px}h2{font-size:15px;margin:16px 0 6px}
        .note{color:#666;font-size:12px}
        .legend span{margin-right:14px;font-size:12px}.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px;border-radius:2px}
        #timeline{border:1px solid #ddd;max-height:60vh;overflow-y:auto}
        .row{display:flex;align-items:center;border-bottom:1px solid #f0f0f0;height:16px}
        .row .lbl{flex:0 0 220px;font:11px ui-monospace,Menlo,Consolas,monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:6px}
        .row svg{flex:0 0 auto;display:block}
        .row rect{cursor:pointer}.row rect.sel{stroke:#000;stroke-width:1.5}
        #stack{font:12px ui-monospace,Menlo,Consolas,monospace;background:#fafafa;border:1px solid #ddd;padding:6px;min-height:3em;white-space:pre-wrap;word-break:break-all}
        </style>
        </head>
        <body data-state="loading">
        <h1 id="title">stackcross profile</h1><div id="stats" class="note"></div>

        """#
    }

    static let body = #"""
    <h2>Thread states over time</h2>
    <div class="legend"><span><i class="sw" style="background:#2f9e44"></i>R running</span><span><i class="sw" style="background:#4dabf7"></i>S sleeping</span><span><i class="sw" style="background:#e8590c"></i>D uninterruptible</span><span><i class="sw" style="background:#868e96"></i>T/t stopped</span><span><i class="sw" style="background:#ae3ec9"></i>other</span></div>
    <div id="timeline"></div>
    <div id="tl-note" class="note"></div>
    <h2>Selected sample</h2>
    <pre id="stack" class="empty">Click a stretch of a thread's timeline to see its merged stack (innermost frame first).</pre>
    <h2>Flame graph of all samples</h2>
    <div id="flame">

    """#

    static let tail = #"""
    </div>
    <script>window.onerror = function (m) { document.body.setAttribute("data-error", String(m)); document.body.setAttribute("data-state", "error"); };</script>
    <script>
    "use strict";
    (function () {
      var D = JSON.parse(document.getElementById("data").textContent);
      var ns = "http://www.w3.org/2000/svg", W = 960, H = 14;
      var colors = { R: "#2f9e44", S: "#4dabf7", I: "#4dabf7", D: "#e8590c", T: "#868e96", t: "#868e96" };
      var period = 1e9 / (D.hz || 49), span = Math.max(D.spanNs + period, 1);
      function text(id, s) { document.getElementById(id).textContent = s; }
      document.getElementById("title").textContent = "stackcross profile: " + D.title;
      var stops = D.stopsByState ? Object.keys(D.stopsByState).map(function (k) { return k + " " + D.stopsByState[k]; }).join(", ") : "";
      text("stats", D.samples + " samples of " + D.threads.length + " threads over " + (span / 1e9).toFixed(2) + " s at " + D.hz + " Hz" +
        (D.ended ? " · ended: " + D.ended : "") + (stops ? " · threads stopped to sample, by state: " + stops : ""));
      var selected = null;
      function show(t, run, rect) {
        if (selected) selected.removeAttribute("class");
        selected = rect; rect.setAttribute("class", "sel");
        var k = D.kinds[run[3]], lines = [];
        lines.push("thread " + t.tid + " " + JSON.stringify(t.name) + " · state " + k.state +
          (k.syscall ? " · in " + k.syscall : "") + " · " + run[2] + " sample" + (run[2] === 1 ? "" : "s") +
          " from " + (run[0] / 1e9).toFixed(3) + " s to " + (run[1] / 1e9).toFixed(3) + " s");
        for (var i = k.frames.length - 1; i >= 0; i--) lines.push("  " + k.frames[i]);
        text("stack", lines.join("\n"));
      }
      var tl = document.getElementById("timeline"), left = 0;
      D.threads.forEach(function (t) {
        var row = document.createElement("div"); row.className = "row"; row.setAttribute("data-tid", String(t.tid));
        var lbl = document.createElement("span"); lbl.className = "lbl"; lbl.textContent = t.tid + " " + t.name; lbl.title = t.tid + " " + t.name;
        var svg = document.createElementNS(ns, "svg"); svg.setAttribute("width", W); svg.setAttribute("height", H);
        t.runs.forEach(function (run) {
          var k = D.kinds[run[3]], r = document.createElementNS(ns, "rect");
          var x = run[0] / span * W, w = Math.max((run[1] + period - run[0]) / span * W, 1);
          r.setAttribute("x", x.toFixed(1)); r.setAttribute("width", w.toFixed(1));
          r.setAttribute("y", 1); r.setAttribute("height", H - 2);
          r.setAttribute("fill", colors[k.state] || "#ae3ec9");
          var tip = document.createElementNS(ns, "title"); tip.textContent = k.state + (k.syscall ? " " + k.syscall : "") + " · " + run[2] + " samples"; r.appendChild(tip);
          r.addEventListener("click", function () { show(t, run, r); });
          svg.appendChild(r);
        });
        left += t.leftOut;
        row.appendChild(lbl); row.appendChild(svg); tl.appendChild(row);
      });
      text("tl-note", (left ? left + " later samples are in the flame graph only (timeline bound per thread). " : "") +
        (D.threadsLeftOut ? D.threadsLeftOut + " threads beyond the bound are in the flame graph only." : ""));
      var first = tl.querySelector("rect");
      if (first) first.dispatchEvent(new MouseEvent("click"));
      if (document.body.getAttribute("data-state") !== "error") document.body.setAttribute("data-state", "rendered");
    })();
    </script>
    </body>
    </html>

    """#
}
