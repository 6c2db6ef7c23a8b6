/// The fixed parts of the html report: inline CSS and JS. The JS reads the JSON island and
/// builds every element with textContent (never innerHTML), so tracee strings stay text.
enum HTMLTemplate {
    static func head(title: String) -> String {
        #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <title>\#(title)</title>
        <style>
        :root{--k:#e8590c;--kbg:#f6c9a4;--u:#b7dfb9;--bad:#d6336c;--badbg:#ffe3ea;--okbg:#e6f6e6;--line:#ddd;--mut:#666}
        *{box-sizing:border-box}
        body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
        header{background:#1f2937;color:#fff;padding:10px 16px}
        header h1{font-size:17px;margin:0 0 4px}
        #stats{color:#cbd5e1;font-size:12px}
        main{padding:10px 16px}
        section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin-bottom:12px}
        h2{font-size:14px;margin:2px 0 8px}
        h3{font-size:12px;margin:4px 0;color:#444;text-transform:uppercase;letter-spacing:.04em}
        #filters label{margin-right:14px}
        select,input{font:inherit}
        .legend span{display:inline-block;margin-right:14px;font-size:12px;color:var(--mut)}
        .sw{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle;border-radius:2px}
        canvas{display:block;width:100%;border:1px solid var(--line);cursor:crosshair}
        .hint{font-size:11px;color:var(--mut)}
        table{border-collapse:collapse;font-size:12px}
        th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
        th{background:#f3f4f6;position:sticky;top:0}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .mono,td.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
        #list-wrap{max-height:360px;overflow:auto}
        #list{width:100%}
        #list td{white-space:nowrap}
        #list td.call{max-width:0;width:100%;overflow:hidden;text-overflow:ellipsis}
        .regs-wrap{overflow-x:auto}
        #d-regs td{white-space:nowrap;font-size:11px}
        #d-regs td.pred{white-space:normal;min-width:9em;max-width:16em}
        #list tr{cursor:pointer}
        #list tr:hover td{background:#f1f5f9}
        #list tr.sel td{background:#dbeafe}
        tr.bad td{background:var(--badbg)}
        tr.ok td.v{background:var(--okbg)}
        .badtxt{color:var(--bad);font-weight:600}
        .oktxt{color:#2b8a3e}
        .cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2.4fr) minmax(0,1fr);gap:12px}
        ol.stack{margin:0;padding-left:26px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
        ol.stack li{padding:1px 0;word-break:break-all}
        ol.stack .mod{color:var(--mut)}
        ol.stack li.empty{list-style:none;margin-left:-22px}
        ol.kstack li{color:#9c3d0a}
        .cross{border-top:2px dashed var(--k);margin:6px 0;padding-top:2px;font-size:11px;color:var(--k)}
        #d-head{font-family:ui-monospace,Menlo,Consolas,monospace;margin-bottom:6px;word-break:break-all}
        .hw td:first-child{border-left:3px solid #8b5cf6}
        .pager button{font:inherit;margin:0 4px}
        .empty{color:var(--mut);font-style:italic}
        .note{color:var(--mut);font-size:12px}
        </style>
        </head>
        <body data-state="loading">
        <header><h1 id="title">stackcross report</h1><div id="stats"></div></header>

        """#
    }

    static let body = #"""
    <main>
    <section id="filters"><h2>Filters</h2>
    <label>syscall <select id="f-sys"></select></label>
    <label>thread <select id="f-thread"></select></label>
    <label>checks <select id="f-check"><option value="any">any</option><option value="failed">a check failed</option><option value="passed">all checks passed</option><option value="none">no checks</option></select></label>
    <label><input type="checkbox" id="f-err"> errors only</label>
    <span id="f-count" class="note"></span>
    </section>
    <section id="timeline-sec"><h2>Timeline: user mode and kernel, per thread</h2>
    <div class="legend"><span><i class="sw" style="background:var(--u)"></i>user mode (between crossings)</span><span><i class="sw" style="background:var(--kbg)"></i>kernel time (all calls, aggregated)</span><span><i class="sw" style="background:var(--k)"></i>syscall (kept in detail)</span><span><i class="sw" style="background:var(--bad)"></i>failed check</span><span><i class="sw" style="background:#1c7ed6"></i>signal / exec / clone / exit</span></div>
    <canvas id="timeline" height="100"></canvas>
    <div class="hint">wheel: zoom · drag: pan · double-click: reset · click a slice to select it · hover for details <span id="tl-more"></span></div>
    </section>
    <section id="list-sec"><h2 id="list-title">Crossings</h2>
    <div class="pager" id="pager"></div>
    <div id="list-wrap"><table id="list"><thead></thead><tbody></tbody></table></div>
    </section>
    <section id="detail"><h2>Selected crossing</h2>
    <div id="d-head" class="empty">Click a slice in the timeline or a row above.</div>
    <div class="cols">
    <div><h3>User stack (innermost first)</h3><ol id="d-user" class="stack"></ol></div>
    <div><h3>pt_regs at the top of the kernel stack</h3><div class="regs-wrap"><table id="d-regs"><thead></thead><tbody></tbody></table></div><div class="note">purple: the hardware (IRET) frame; predictions from the model's checks</div></div>
    <div><h3>Kernel stack (innermost first)</h3><ol id="d-kernel" class="stack kstack"></ol></div>
    </div>
    <h3 style="margin-top:10px">Checks</h3>
    <table id="d-checks"><thead><tr><th>check</th><th>result</th><th>expected (model)</th><th>observed</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="summary"><h2>Summary</h2>
    <div class="cols" style="grid-template-columns:minmax(0,1.3fr) minmax(0,1fr)">
    <div><h3>Syscalls (like strace -c)</h3><table id="s-sys"><thead><tr><th class="num">% time</th><th class="num">seconds</th><th class="num">usecs/call</th><th class="num">calls</th><th class="num">errors</th><th>syscall</th></tr></thead><tbody></tbody></table></div>
    <div><h3>Checks</h3><table id="s-checks"><thead><tr><th>check</th><th class="num">passed</th><th class="num">failed</th></tr></thead><tbody></tbody></table><p id="s-records" class="note"></p><p id="s-bounds" class="note"></p></div>
    </div>
    </section>
    </main>
    <script>window.onerror = function (m) { document.body.setAttribute("data-error", String(m)); document.body.setAttribute("data-state", "error"); };</script>
    <script>
    "use strict";
    (function () {
      var errors = [];
      function fail(msg) {
        errors.push(String(msg));
        document.body.setAttribute("data-error", errors.join(" | "));
        document.body.setAttribute("data-state", "error");
      }
      window.addEventListener("error", function (e) { fail((e && e.message) || "error"); });
      window.addEventListener("unhandledrejection", function (e) { fail("unhandled rejection: " + (e && e.reason)); });
      var origError = console.error;
      console.error = function () { fail(Array.prototype.join.call(arguments, " ")); origError.apply(console, arguments); };

      var D = JSON.parse(document.getElementById("data").textContent);
      var isSnap = D.kind === "snapshot";
      var $ = function (id) { return document.getElementById(id); };
      function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = String(text);
        return e;
      }
      function td(text, cls) { return el("td", cls, text); }
      function fmtNs(ns) {
        if (ns >= 1e9) return (ns / 1e9).toFixed(3) + " s";
        if (ns >= 1e6) return (ns / 1e6).toFixed(3) + " ms";
        if (ns >= 1e3) return (ns / 1e3).toFixed(1) + " µs";
        return ns + " ns";
      }
      function frameText(f) { return f[0]; }
      var threadsByTid = {};
      D.threads.forEach(function (t) { threadsByTid[t.tid] = t; });
      var C = D.crossings;
      C.forEach(function (c, i) {
        c.k = i;
        c.failed = 0;
        (c.checks || []).forEach(function (ch) { if (ch[1] !== 1) c.failed++; });
        c.nchecks = (c.checks || []).length;
      });

      // Header
      $("title").textContent = isSnap ? ("Snapshot of pid " + D.pid + " " + D.exe) : ("Trace " + D.title);
      document.title = "stackcross: " + D.title;
      var S = D.summary;
      var totalCalls = 0; S.records.forEach(function (r) { if (r[0] === "syscall") totalCalls = r[1]; });
      var failedChecks = 0; S.checks.forEach(function (r) { failedChecks += r[2]; });
      $("stats").textContent = isSnap
        ? (C.length + " threads · " + S.crossings + " crossings · " + failedChecks + " failed checks")
        : (D.threads.length + " threads · " + totalCalls + " syscalls · " + C.length + " shown in detail · " +
           S.crossings + " crossings checked · " + failedChecks + " failed checks");

      // Filters
      function option(sel, value, text) { var o = el("option", null, text); o.value = value; sel.appendChild(o); }
      var fs = $("f-sys"), ft = $("f-thread");
      option(fs, "", "all");
      var names = {};
      if (isSnap) C.forEach(function (c) { names[c.name] = 1; }); else S.syscalls.forEach(function (r) { names[r[0]] = 1; });
      Object.keys(names).sort().forEach(function (n) { option(fs, n, n); });
      option(ft, "", "all");
      if (isSnap) C.forEach(function (c) { option(ft, String(c.tid), c.tid + " " + (c.tname || "")); });
      else D.threads.forEach(function (t) { option(ft, String(t.tid), t.tid + (t.proc ? " " + t.proc : "") + " (" + t.calls + " calls)"); });

      var shown = C, page = 0, PAGE = 100, selected = -1;
      function matches(c) {
        if (fs.value && c.name !== fs.value) return false;
        if (ft.value && String(c.tid) !== ft.value) return false;
        var fc = $("f-check").value;
        if (fc === "failed" && c.failed === 0) return false;
        if (fc === "passed" && (c.nchecks === 0 || c.failed > 0)) return false;
        if (fc === "none" && c.nchecks !== 0) return false;
        if ($("f-err").checked && !c.err) return false;
        return true;
      }
      function applyFilters() {
        shown = C.filter(matches);
        page = 0;
        $("f-count").textContent = shown.length + " of " + C.length + " detailed crossings match";
        renderList();
        drawTimeline();
      }
      ["f-sys", "f-thread", "f-check", "f-err"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });

      function callText(c) {
        var s = c.name + "(" + (c.args || []).join(", ") + ")";
        if (!isSnap) s += " = " + (c.rt === undefined ? "?" : c.rt);
        return s;
      }

      // Crossing list, paged
      function renderList() {
        var thead = $("list").tHead, tbody = $("list").tBodies[0];
        thead.textContent = ""; tbody.textContent = "";
        var hr = el("tr");
        var cols = isSnap ? ["tid", "thread", "state", "in the kernel", "user frames", "kernel frames", "checks"]
                          : ["#", "time", "tid", "call", "duration", "entry", "checks"];
        cols.forEach(function (h) { hr.appendChild(el("th", null, h)); });
        thead.appendChild(hr);
        var pages = Math.max(1, Math.ceil(shown.length / PAGE));
        if (page >= pages) page = pages - 1;
        var pager = $("pager"); pager.textContent = "";
        var prev = el("button", null, "◀ prev"), next = el("button", null, "next ▶");
        prev.disabled = page === 0; next.disabled = page >= pages - 1;
        prev.onclick = function () { page--; renderList(); };
        next.onclick = function () { page++; renderList(); };
        pager.appendChild(prev); pager.appendChild(el("span", "note", "page " + (page + 1) + " of " + pages)); pager.appendChild(next);
        $("list-title").textContent = (isSnap ? "Threads" : "Crossings") + " (" + shown.length + ")";
        shown.slice(page * PAGE, page * PAGE + PAGE).forEach(function (c) {
          var tr = el("tr", c.failed ? "bad" : null);
          if (c.k === selected) tr.className += " sel";
          var ck = c.nchecks === 0 ? "—" : (c.failed ? c.failed + " failed / " + c.nchecks : "all " + c.nchecks + " ok");
          if (isSnap) {
            var us = c.us === undefined ? 0 : D.stacks[c.us].length, ks = c.ks === undefined ? 0 : D.stacks[c.ks].length;
            [c.tid, c.tname || "", c.state || "", callText(c), us, ks, ck].forEach(function (v, i) { var cell = td(v, i === 3 ? "mono call" : null); if (i === 3) cell.title = String(v); tr.appendChild(cell); });
          } else {
            tr.appendChild(td(c.i, "num"));
            tr.appendChild(td(fmtNs(c.t), "num"));
            tr.appendChild(td(c.tid, "num"));
            var call = td(callText(c), "mono call"); call.title = callText(c); tr.appendChild(call);
            tr.appendChild(td(c.d === undefined ? "unfinished" : fmtNs(c.d), "num"));
            tr.appendChild(td(c.entry || ""));
            tr.appendChild(td(ck, c.failed ? "badtxt" : null));
          }
          tr.addEventListener("click", function () { select(c.k); });
          tbody.appendChild(tr);
        });
        if (shown.length === 0) { var tr = el("tr"); var t = td("nothing matches the filters", "empty"); t.colSpan = 7; tr.appendChild(t); tbody.appendChild(tr); }
      }

      // Detail: stacks side by side with the pt_regs diagram
      function fillStack(ol, sid) {
        ol.textContent = "";
        if (sid === undefined) { ol.appendChild(el("li", "empty", "not captured in this record")); return; }
        D.stacks[sid].forEach(function (fi) {
          var f = D.frames[fi], li = el("li");
          li.appendChild(el("span", null, f[0]));
          if (f[1]) li.appendChild(el("span", "mod", "  " + f[1]));
          if (f[2]) li.appendChild(el("span", "mod", "  " + f[2]));
          if (f[4]) li.appendChild(el("span", "mod", "  [" + f[4] + "]"));
          if (f[3]) li.title = f[3];
          ol.appendChild(li);
        });
      }
      function select(k) {
        selected = k;
        var c = C[k];
        var head = $("d-head"); head.textContent = ""; head.className = "";
        var line = (isSnap ? "thread " + c.tid + " " + (c.tname || "") + " [" + (c.state || "?") + "]  " : "#" + c.i + "  tid " + c.tid + "  ") + callText(c);
        if (c.d !== undefined) line += "  <" + fmtNs(c.d) + ">";
        head.appendChild(el("div", null, line));
        var how = [];
        if (c.entry) how.push("entered via " + c.entry);
        if (c.phase) how.push("phase " + c.phase);
        if (c.abi) how.push("abi " + c.abi);
        if (c.rsp) how.push("user rsp " + c.rsp + (c.map ? " in " + c.map : ""));
        if (c.procSyscall) how.push("/proc syscall: " + c.procSyscall);
        if (how.length) head.appendChild(el("div", "cross", how.join(" · ")));
        fillStack($("d-user"), c.us);
        fillStack($("d-kernel"), c.ks);
        // pt_regs: highest offset (ss) on top, as it sits at the top of the kernel stack.
        var tb = $("d-regs").tBodies[0]; tb.textContent = "";
        var th = $("d-regs").tHead; th.textContent = "";
        var atExit = !!c.xregs;
        var hr = el("tr");
        ["offset", "slot", atExit ? "entry: observed" : "observed", "predicted", ""].concat(atExit ? ["exit: observed", "predicted", ""] : [])
          .forEach(function (h, i) { hr.appendChild(el("th", i === 0 ? "num" : null, h)); });
        th.appendChild(hr);
        function bySlot(list) { var m = {}; (list || []).forEach(function (s) { m[s[0]] = s; }); return m; }
        var slots = bySlot(c.slots), xslots = bySlot(c.xslots);
        if (!c.regs) {
          var r0 = el("tr"), t0 = td("no registers in this record", "empty"); t0.colSpan = 5; r0.appendChild(t0); tb.appendChild(r0);
        }
        function cells(tr, regs, s) {
          tr.appendChild(td(regs ? regs[i] : "—", "mono v"));
          tr.appendChild(td(s ? s[1] : "—", "mono v pred"));
          var verdict = td(s ? (s[2] === 1 ? "✓" : "✗ mismatch") : "", s ? (s[2] === 1 ? "oktxt" : "badtxt") : null);
          if (s) verdict.title = "from check " + s[3];
          tr.appendChild(verdict);
        }
        for (var i = 20; i >= 0 && c.regs; i--) {
          var s = slots[i], xs = xslots[i];
          var bad = (s && s[2] !== 1) || (xs && xs[2] !== 1);
          var tr = el("tr", bad ? "bad" : (s || xs ? "ok" : null));
          if (i >= 16) tr.className += " hw";
          tr.appendChild(td("+0x" + (i * 8).toString(16), "num mono"));
          var name = D.kernelSlotNames[i] === D.slotNames[i] ? D.slotNames[i] : D.kernelSlotNames[i] + " (" + D.slotNames[i] + ")";
          tr.appendChild(td(name, "mono"));
          cells(tr, c.regs, s);
          if (atExit) cells(tr, c.xregs, xs);
          tb.appendChild(tr);
        }
        var cb = $("d-checks").tBodies[0]; cb.textContent = "";
        (c.checks || []).forEach(function (ch) {
          var tr = el("tr", ch[1] === 1 ? null : "bad");
          tr.appendChild(td(ch[0], "mono"));
          tr.appendChild(td(ch[1] === 1 ? "ok" : "FAILED", ch[1] === 1 ? "oktxt" : "badtxt"));
          tr.appendChild(td(ch[2], "mono"));
          tr.appendChild(td(ch[3], "mono"));
          cb.appendChild(tr);
        });
        if (!c.nchecks) { var r = el("tr"), t = td("no checks recorded for this crossing", "empty"); t.colSpan = 4; r.appendChild(t); cb.appendChild(r); }
        renderList();
        drawTimeline();
      }

      // Timeline
      var cv = $("timeline"), LABEL = 170, ROW = 20, AXIS = 22;
      // At most MAXROWS thread rows (a canvas cannot be arbitrarily tall); the thread filter shows any one.
      var MAXROWS = 200, rows = [];
      function timelineRows() {
        if (isSnap) return [];
        var ft = $("f-thread").value;
        if (ft) return D.threads.filter(function (t) { return String(t.tid) === ft; });
        return D.threads.slice(0, MAXROWS);
      }
      var span = 1; D.threads.forEach(function (t) { span = Math.max(span, t.last); });
      var v0 = 0, v1 = span;
      var evByTid = {}; D.events.forEach(function (e) { (evByTid[e[0]] = evByTid[e[0]] || []).push(e); });
      function drawTimeline() {
        if (isSnap) { $("timeline-sec").style.display = "none"; return; }
        rows = timelineRows();
        $("tl-more").textContent = !$("f-thread").value && D.threads.length > MAXROWS
          ? "showing the first " + MAXROWS + " of " + D.threads.length + " threads; pick one in the thread filter to see it" : "";
        var w = cv.clientWidth || 1000, h = AXIS + rows.length * ROW + 6, dpr = window.devicePixelRatio || 1;
        cv.style.height = h + "px"; cv.width = Math.floor(w * dpr); cv.height = Math.floor(h * dpr);
        var g = cv.getContext("2d"); g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.clearRect(0, 0, w, h); g.font = "11px system-ui,sans-serif"; g.textBaseline = "middle";
        var pw = w - LABEL - 8, scale = pw / Math.max(1, v1 - v0);
        function X(t) { return LABEL + (t - v0) * scale; }
        // axis
        g.fillStyle = "#666"; g.strokeStyle = "#eee";
        for (var k = 0; k <= 8; k++) {
          var t = v0 + (v1 - v0) * k / 8, x = X(t);
          g.beginPath(); g.moveTo(x, AXIS - 4); g.lineTo(x, h); g.stroke();
          g.fillText(fmtNs(t), Math.min(x + 2, w - 60), 9);
        }
        var ft = $("f-thread").value;
        var byTid = {}; shown.forEach(function (c) { (byTid[c.tid] = byTid[c.tid] || []).push(c); });
        rows.forEach(function (t, r) {
          var y = AXIS + r * ROW;
          g.globalAlpha = (ft && String(t.tid) !== ft) ? 0.3 : 1;
          g.fillStyle = "#333";
          var label = t.tid + (t.proc ? " " + t.proc : "");
          g.fillText(label.length > 24 ? label.slice(0, 23) + "…" : label, 4, y + ROW / 2);
          var a = Math.max(X(t.first), LABEL), b = Math.min(X(t.last), w - 8);
          if (b > a) { g.fillStyle = "#b7dfb9"; g.fillRect(a, y + 6, Math.max(1, b - a), ROW - 12); }
          for (var i = 0; i < t.bk.length; i++) {
            if (!t.bk[i]) continue;
            var bt = t.bstart + i * t.bwidth, x0 = X(bt), x1 = X(bt + t.bwidth);
            if (x1 < LABEL || x0 > w) continue;
            var frac = Math.min(1, t.bk[i] / t.bwidth), hh = Math.max(2, (ROW - 6) * frac);
            g.fillStyle = "#f6c9a4"; g.fillRect(Math.max(x0, LABEL), y + ROW - 3 - hh, Math.max(1, Math.min(x1, w) - Math.max(x0, LABEL)), hh);
          }
          (byTid[t.tid] || []).forEach(function (c) {
            var x0 = X(c.t), x1 = X(c.t + (c.d || 0));
            if (x1 < LABEL || x0 > w) return;
            g.fillStyle = c.failed ? "#d6336c" : (c.err ? "#9c36b5" : "#e8590c");
            g.fillRect(Math.max(x0, LABEL), y + 3, Math.max(1, x1 - Math.max(x0, LABEL)), ROW - 6);
            if (c.k === selected) { g.strokeStyle = "#000"; g.lineWidth = 2; g.strokeRect(Math.max(x0, LABEL) - 2, y + 1, Math.max(1, x1 - x0) + 4, ROW - 2); g.lineWidth = 1; }
          });
          (evByTid[t.tid] || []).forEach(function (e) {
            var x = X(e[1]); if (x < LABEL || x > w) return;
            g.fillStyle = "#1c7ed6"; g.beginPath(); g.moveTo(x, y + 2); g.lineTo(x - 4, y - 3); g.lineTo(x + 4, y - 3); g.fill();
          });
          g.globalAlpha = 1;
        });
      }
      if (!isSnap) {
        var drag = null;
        cv.addEventListener("wheel", function (e) {
          e.preventDefault();
          var r = cv.getBoundingClientRect(), pw = r.width - LABEL - 8;
          var f = Math.max(0, Math.min(1, (e.clientX - r.left - LABEL) / pw)), at = v0 + (v1 - v0) * f;
          var z = e.deltaY < 0 ? 0.8 : 1.25, nw = Math.max(1000, (v1 - v0) * z);
          v0 = at - nw * f; v1 = v0 + nw; drawTimeline();
        }, { passive: false });
        cv.addEventListener("mousedown", function (e) { drag = { x: e.clientX, v0: v0, v1: v1, moved: false }; });
        window.addEventListener("mousemove", function (e) {
          if (!drag) { if (e.target === cv) hover(e); return; }
          var r = cv.getBoundingClientRect(), dt = (e.clientX - drag.x) / (r.width - LABEL - 8) * (drag.v1 - drag.v0);
          if (Math.abs(e.clientX - drag.x) > 3) drag.moved = true;
          if (drag.moved) { v0 = drag.v0 - dt; v1 = drag.v1 - dt; drawTimeline(); }
        });
        window.addEventListener("mouseup", function (e) {
          if (drag && !drag.moved) pick(e);
          drag = null;
        });
        cv.addEventListener("dblclick", function () { v0 = 0; v1 = span; drawTimeline(); });
        window.addEventListener("resize", drawTimeline);
      }
      // Hover text (the canvas title attribute, plain text): the nearest mark or slice.
      function hover(e) {
        var r = cv.getBoundingClientRect(), row = Math.floor((e.clientY - r.top - AXIS) / ROW);
        if (row < 0 || row >= rows.length || e.clientX - r.left < LABEL) { cv.title = ""; return; }
        var pw = r.width - LABEL - 8, t = v0 + (e.clientX - r.left - LABEL) / pw * (v1 - v0), tol = 5 / pw * (v1 - v0);
        var tid = rows[row].tid, text = "", best = Infinity;
        (evByTid[tid] || []).forEach(function (ev) { var d = Math.abs(ev[1] - t); if (d <= tol && d < best) { best = d; text = ev[2] + ": " + ev[3]; } });
        if (!text) shown.forEach(function (c) {
          if (c.tid !== tid) return;
          var a = c.t, b = c.t + (c.d || 0), d = t < a ? a - t : (t > b ? t - b : 0);
          if (d <= tol && d < best) { best = d; text = callText(c) + (c.d !== undefined ? "  <" + fmtNs(c.d) + ">" : "") + (c.failed ? "  (" + c.failed + " failed checks)" : ""); }
        });
        cv.title = text || (rows[row].tid + ": " + rows[row].calls + " calls, " + fmtNs(rows[row].kernelNs) + " in the kernel");
      }
      function pick(e) {
        var r = cv.getBoundingClientRect(), y = e.clientY - r.top - AXIS, row = Math.floor(y / ROW);
        if (row < 0 || row >= rows.length || e.clientX - r.left < LABEL) return;
        var pw = r.width - LABEL - 8, t = v0 + (e.clientX - r.left - LABEL) / pw * (v1 - v0), tol = 4 / pw * (v1 - v0);
        var best = -1, bestDist = Infinity, tid = rows[row].tid;
        shown.forEach(function (c) {
          if (c.tid !== tid) return;
          var a = c.t, b = c.t + (c.d || 0), dist = t < a ? a - t : (t > b ? t - b : 0);
          if (dist <= tol && dist < bestDist) { best = c.k; bestDist = dist; }
        });
        if (best >= 0) select(best);
      }

      // Summary
      var sb = $("s-sys").tBodies[0], totalNs = 0;
      S.syscalls.forEach(function (r) { totalNs += r[3]; });
      if (isSnap) $("s-sys").parentNode.style.display = "none";
      S.syscalls.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(td(totalNs ? (100 * r[3] / totalNs).toFixed(2) : "0.00", "num"));
        tr.appendChild(td((r[3] / 1e9).toFixed(6), "num"));
        tr.appendChild(td(r[1] ? Math.floor(r[3] / 1000 / r[1]) : 0, "num"));
        tr.appendChild(td(r[1], "num"));
        tr.appendChild(td(r[2] || "", "num"));
        tr.appendChild(td(r[0], "mono"));
        sb.appendChild(tr);
      });
      var cb = $("s-checks").tBodies[0];
      S.checks.forEach(function (r) {
        var tr = el("tr", r[2] ? "bad" : null);
        tr.appendChild(td(r[0], "mono")); tr.appendChild(td(r[1], "num")); tr.appendChild(td(r[2], "num" + (r[2] ? " badtxt" : "")));
        cb.appendChild(tr);
      });
      if (!S.checks.length) { var r = el("tr"), t = td("no checks recorded", "empty"); t.colSpan = 3; r.appendChild(t); cb.appendChild(r); }
      $("s-records").textContent = "Records: " + S.records.map(function (r) { return r[0] + " " + r[1]; }).join(", ") +
        " · crossings " + S.crossings + ", with a failed check " + S.failedCrossings;
      if (!isSnap) $("s-bounds").textContent = "Shown in detail: the first " + S.limits.perThread +
        " syscalls of each thread, then those with a failed check, " + S.limits.total + " at most; " +
        S.omittedCrossings + " more count in the timeline aggregate and the tables only" +
        (S.untrackedThreads ? "; " + S.untrackedThreads + " threads beyond the first ones count in the tables only." : ".");

      applyFilters();
      var firstBad = -1;
      for (var i = 0; i < C.length; i++) { if (C[i].failed) { firstBad = i; break; } }
      if (C.length) select(firstBad >= 0 ? firstBad : 0);
      if (!errors.length) document.body.setAttribute("data-state", "rendered");
    })();
    </script>
    </body>
    </html>

    """#
}
