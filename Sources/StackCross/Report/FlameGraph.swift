/// `flamegraph`: an SVG flame graph written directly (no flamegraph.pl needed): root at the
/// bottom, one box per frame, width by count, kernel frames in a cool colour, a `<title>`
/// (the browser's hover tip) on every box, click to zoom into a frame (an inline script, as
/// flamegraph.pl's). Self-contained; every name is escaped.
public final class FlameGraphExporter: ReportExporter {
    public static let width = 1200.0
    public static let frameHeight = 16.0
    /// Boxes narrower than this many pixels are left out (as flamegraph.pl's --minwidth), which bounds the file.
    public static let minWidth = 0.1

    private let out: ReportWriter
    private var counter = StackCounter()
    private let title: String

    public init(writer: ReportWriter, title: String = "stackcross flame graph") {
        self.out = writer
        self.title = title
    }

    public func consume(_ record: TraceRecord) throws {
        if let f = FoldedStack.frames(of: record) { counter.add(f) }
    }

    public func consume(_ snapshot: Snapshot) throws {
        for t in snapshot.threads { counter.add(FoldedStack.frames(of: t)) }
    }

    /// One already folded stack (a profile's sample).
    func add(folded frames: [String]) { counter.add(frames) }

    final class Node {
        let name: String
        var count: UInt64 = 0
        var children: [String: Node] = [:]
        init(_ name: String) { self.name = name }
    }

    public func finish() throws {
        let root = Node("all")
        // Freed one by one: a recursive deinit down a crafted trace's very deep stack would overflow ours.
        defer {
            var doomed = [root]
            while let n = doomed.popLast() { doomed.append(contentsOf: n.children.values); n.children = [:] }
        }
        var levels = 1
        for (stack, count) in counter.counts {
            root.count += count
            var node = root
            let names = stack.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            levels = max(levels, 1 + names.count)
            for name in names {
                if let c = node.children[name] { node = c } else {
                    let c = Node(name)
                    node.children[name] = c
                    node = c
                }
                node.count += count
            }
        }
        let W = Self.width, H = Self.frameHeight
        let top = 40.0, bottom = 24.0
        let height = top + Double(levels) * H + bottom
        let total = max(root.count, 1)
        let scale = (W - 20) / Double(total)

        out.write("""
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="\(Int(W))" height="\(Int(height))" \
        viewBox="0 0 \(Int(W)) \(Int(height))">
        <style>text{font-family:Verdana,sans-serif;font-size:11px;fill:#000}rect:hover{stroke:#000;stroke-width:0.5}\
        .t{font-size:16px;text-anchor:middle}.n{font-size:11px;fill:#555}g[data-p]{cursor:pointer}\
        .parent rect{opacity:0.5}#reset{cursor:pointer;font-size:12px}</style>
        <rect x="0" y="0" width="100%" height="100%" fill="#f8f8f0"/>
        <text class="t" x="\(Int(W / 2))" y="24">\(Escape.markup(title))</text>
        <text id="reset" x="10" y="24" style="display:none">Reset Zoom</text>
        <text class="n" x="10" y="\(Int(height - 8))">\(root.count) samples (syscalls or threads); \
        kernel frames in blue, user frames in warm colours; hover for details, click to zoom</text>

        """)
        // Depth-first with an explicit stack so a very deep recursion cannot overflow ours.
        // Each box carries its parent's index (data-p, -1 for the root): the zoom script walks that tree.
        var work: [(Node, Double, Int, Int)] = [(root, 10, 0, -1)]
        var index = 0
        while let (node, x, level, parent) = work.popLast() {
            let w = Double(node.count) * scale
            if w < Self.minWidth { continue }
            let me = index
            index += 1
            let y = height - bottom - Double(level + 1) * H
            let isKernel = node.name.hasSuffix(FoldedStack.kernelSuffix)
            let label = level == 0 ? "all" : node.name
            let pct = Double(node.count) * 100 / Double(total)
            let tip = "\(label) (\(node.count) samples, \(Self.format(pct))%)"
            out.write("<g data-p=\"\(parent)\"><title>\(Escape.markup(tip))</title><rect x=\"\(Self.format(x))\" y=\"\(Self.format(y))\" "
                + "width=\"\(Self.format(w))\" height=\"\(Self.format(H - 1))\" fill=\"\(Self.color(label, kernel: isKernel, root: level == 0))\" rx=\"2\"/>")
            let chars = Int((w - 6) / 7)
            if chars >= 3 {
                let text = label.count <= chars ? label : String(label.prefix(chars - 2)) + ".."
                out.write("<text x=\"\(Self.format(x + 3))\" y=\"\(Self.format(y + H - 5))\">\(Escape.markup(text))</text>")
            }
            out.write("</g>\n")
            var cx = x
            for child in node.children.values.sorted(by: { $0.name < $1.name }) {
                work.append((child, cx, level + 1, me))
                cx += Double(child.count) * scale
            }
        }
        out.write(Self.zoomScript)
        out.write("</svg>\n")
        out.flush()
    }

    static func format(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A stable colour per name: warm for user code, blue for the kernel.
    static func color(_ name: String, kernel: Bool, root: Bool) -> String {
        if root { return "rgb(200,200,200)" }
        var h: UInt32 = 2166136261
        for b in name.utf8 { h = (h ^ UInt32(b)) &* 16777619 }
        let v1 = Int(h & 0xff), v2 = Int((h >> 8) & 0xff)
        if kernel { return "rgb(\(80 + v1 % 60),\(140 + v2 % 60),\(220 + v1 % 35))" }
        return "rgb(\(205 + v1 % 50),\(90 + v2 % 130),\(40 + v1 % 50))"
    }
}
