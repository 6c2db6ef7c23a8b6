extension FlameGraphExporter {
    /// Click-to-zoom for the SVG, inline (no network): a click on a box widens it and its descendants
    /// to the full width, dims its ancestors to full width and hides the rest; a click on the root or
    /// on "Reset Zoom" goes back. Frame names come from the `<title>` text and are set with
    /// textContent only, so tracee strings stay text. The boxes' tree is their data-p parent indices.
    static let zoomScript = """
    <script type="text/ecmascript"><![CDATA[
    (function () {
      "use strict";
      var svg = document.documentElement, ns = "http://www.w3.org/2000/svg";
      var W = \(Int(width)), H = \(Int(frameHeight)), PAD = 10;
      var frames = [], nodes = svg.querySelectorAll("g[data-p]");
      for (var i = 0; i < nodes.length; i++) {
        var g = nodes[i], r = g.querySelector("rect"), t = g.querySelector("title");
        var f = { g: g, r: r, text: g.querySelector("text"), kids: [],
                  p: parseInt(g.getAttribute("data-p"), 10),
                  x: parseFloat(r.getAttribute("x")), w: parseFloat(r.getAttribute("width")),
                  y: parseFloat(r.getAttribute("y")),
                  name: t ? t.textContent.replace(/ \\(\\d+ samples, [\\d.]+%\\)$/, "") : "" };
        frames.push(f);
        if (f.p >= 0 && f.p < i) frames[f.p].kids.push(f);
      }
      var reset = document.getElementById("reset");
      function label(f, x, w) {
        var chars = Math.floor((w - 6) / 7);
        var s = chars < 3 ? "" : (f.name.length <= chars ? f.name : f.name.slice(0, chars - 2) + "..");
        if (!f.text) {
          if (!s) return;
          f.text = document.createElementNS(ns, "text");
          f.text.setAttribute("y", f.y + H - 5);
          f.g.appendChild(f.text);
        }
        f.text.setAttribute("x", (x + 3).toFixed(1));
        f.text.textContent = s;
      }
      function place(f, x, w, cls) {
        f.r.setAttribute("x", x.toFixed(1));
        f.r.setAttribute("width", w.toFixed(1));
        f.g.style.display = "";
        f.g.setAttribute("class", cls);
        label(f, x, w);
      }
      function zoom(z) {
        for (var i = 0; i < frames.length; i++) frames[i].g.style.display = "none";
        for (var a = z.p >= 0 ? frames[z.p] : null; a; a = a.p >= 0 ? frames[a.p] : null) place(a, PAD, W - 2 * PAD, "parent");
        var ratio = (W - 2 * PAD) / z.w, work = [z];
        while (work.length) {
          var f = work.pop();
          place(f, PAD + (f.x - z.x) * ratio, f.w * ratio, "");
          for (var k = 0; k < f.kids.length; k++) work.push(f.kids[k]);
        }
        reset.style.display = z.p < 0 ? "none" : "";
      }
      svg.addEventListener("click", function (e) {
        for (var n = e.target; n && n !== svg; n = n.parentNode) {
          if (n === reset) { zoom(frames[0]); return; }
          if (n.getAttribute && n.hasAttribute("data-p")) {
            for (var i = 0; i < frames.length; i++) if (frames[i].g === n) { zoom(frames[i]); return; }
          }
        }
      });
    })();
    ]]></script>

    """
}
