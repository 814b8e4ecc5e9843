/**
 * The browser side of the HTML flame graph, kept as plain ES2017 text so the page needs
 * no bundler and no network. It reads the JSON embedded by html.ts (`#fg-data`), draws on
 * a canvas, and handles hover, click-to-zoom, breadcrumbs and search. Data layout: `r` is
 * a flat array of [parent, frame, start − parent start, total, self] per rectangle in
 * depth-first order, so every rectangle's descendants are the indices right after it.
 * Written with String.raw and without template placeholders so the text is emitted as is.
 */
export const FLAME_CLIENT_SCRIPT = String.raw`(function () {
"use strict";
var D = JSON.parse(document.getElementById("fg-data").textContent);
var N = D.r.length / 5;
var parent = new Int32Array(N), frame = new Int32Array(N), depth = new Int32Array(N), size = new Int32Array(N);
var start = new Float64Array(N), total = new Float64Array(N), self = new Float64Array(N);
var maxDepth = 0, i;
for (i = 0; i < N; i++) {
  var p = D.r[5 * i];
  parent[i] = p; frame[i] = D.r[5 * i + 1];
  start[i] = (p >= 0 ? start[p] : 0) + D.r[5 * i + 2];
  total[i] = D.r[5 * i + 3]; self[i] = D.r[5 * i + 4];
  depth[i] = p >= 0 ? depth[p] + 1 : 0;
  if (depth[i] > maxDepth) maxDepth = depth[i];
  size[i] = 1;
}
for (i = N - 1; i > 0; i--) size[parent[i]] += size[i];
var lowerNames = D.names.map(function (n) { return n.toLowerCase(); });
var lowerLocs = D.locs.map(function (l) { return l.toLowerCase(); });

var ROW = 18, FLAME = D.orientation === "flame";
var wrap = document.getElementById("fg-wrap"), canvas = document.getElementById("fg-canvas");
var overlay = document.getElementById("fg-overlay"), tip = document.getElementById("fg-tip");
var crumbs = document.getElementById("fg-crumbs"), search = document.getElementById("fg-search");
var status = document.getElementById("fg-match");
var ctx = canvas.getContext("2d"), octx = overlay.getContext("2d");
var zoom = 0, hover = -1, match = null, width = 0, charW = 7;
var placed = []; // [index, x, w] of rectangles drawn, per depth, for hit testing

function nameOf(i) { return frame[i] < 0 ? "all" : D.names[frame[i]]; }
function locOf(i) { return frame[i] < 0 ? "" : D.locs[frame[i]]; }
function fmtWeight(w) {
  if (D.msPerUnit !== null) {
    var v = w * D.msPerUnit;
    if (v < 1) return (v * 1000).toFixed(0) + "\u00b5s";
    if (v < 1000) return v.toFixed(v < 10 ? 2 : 1) + "ms";
    if (v < 60000) return (v / 1000).toFixed(2) + "s";
    return (v / 60000).toFixed(1) + "min";
  }
  if (D.unit === "bytes") {
    var units = ["B", "KB", "MB", "GB", "TB"], k = 0;
    while (Math.abs(w) >= 1024 && k < units.length - 1) { w /= 1024; k++; }
    return w.toFixed(k === 0 ? 0 : 1) + " " + units[k];
  }
  var s = Number.isInteger(w) ? w.toLocaleString("en-US") : w.toFixed(2);
  return D.unit === "samples" ? s + " samples" : s;
}
function pct(w, of) { var f = of > 0 ? w / of : 0; return (f * 100).toFixed(f > 0 && f < 0.001 ? 3 : 1) + "%"; }
function cut(text, n) {
  if (n <= 0) return "";
  if (text.length <= n) return text;
  var cps = Array.from(text);
  return cps.length <= n ? text : n === 1 ? "\u2026" : cps.slice(0, n - 1).join("") + "\u2026";
}
function isAncestorOfZoom(i) { return i <= zoom && i + size[i] > zoom; }

function draw() {
  width = wrap.clientWidth;
  var height = (maxDepth + 1) * ROW, dpr = window.devicePixelRatio || 1;
  [canvas, overlay].forEach(function (c) {
    c.width = Math.round(width * dpr); c.height = Math.round(height * dpr);
    c.style.width = width + "px"; c.style.height = height + "px";
  });
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0); octx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = "12px ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
  ctx.textBaseline = "middle";
  charW = ctx.measureText("M").width || 7;
  ctx.clearRect(0, 0, width, height);
  placed = [];
  for (var d = 0; d <= maxDepth; d++) placed.push([]);
  var z0 = start[zoom], span = total[zoom] || 1, scale = width / span;
  for (var a = zoom; a >= 0; a = parent[a]) drawRect(a, 0, width);
  var end = zoom + size[zoom];
  for (var j = zoom + 1; j < end; j++) {
    var w = total[j] * scale;
    if (w < 0.3) { j += size[j] - 1; continue; } // too narrow here: skip its whole subtree
    drawRect(j, (start[j] - z0) * scale, w);
  }
  drawHover();
  renderCrumbs();
}
function rowY(d) { return FLAME ? (maxDepth - d) * ROW : d * ROW; }
function drawRect(i, x, w) {
  var y = rowY(depth[i]);
  var color = frame[i] < 0 ? D.rootColor : D.colors[frame[i]];
  ctx.globalAlpha = 1;
  if (match) {
    if (match[i]) color = D.matchColor; else ctx.globalAlpha = 0.35;
  }
  ctx.fillStyle = color;
  ctx.fillRect(x, y, Math.max(w - 0.5, 0.3), ROW - 1);
  ctx.globalAlpha = 1;
  placed[depth[i]].push([i, x, w]);
  var n = Math.floor((w - 6) / charW);
  if (n >= 3) {
    ctx.fillStyle = "#111";
    var label = frame[i] < 0 ? "all (" + fmtWeight(total[i]) + ")" : nameOf(i);
    ctx.fillText(cut(label, n), x + 3, y + ROW / 2);
  }
}
function drawHover() {
  octx.clearRect(0, 0, overlay.width, overlay.height);
  if (hover < 0) return;
  var hit = findPlaced(hover);
  if (!hit) return;
  octx.strokeStyle = "#000"; octx.lineWidth = 1.5;
  octx.strokeRect(hit[1] + 0.75, rowY(depth[hover]) + 0.75, Math.max(hit[2] - 2, 1), ROW - 2.5);
}
function findPlaced(i) {
  var row = placed[depth[i]] || [];
  for (var k = 0; k < row.length; k++) if (row[k][0] === i) return row[k];
  return null;
}
function hitTest(px, py) {
  var d = FLAME ? maxDepth - Math.floor(py / ROW) : Math.floor(py / ROW);
  var row = placed[d];
  if (!row) return -1;
  var lo = 0, hi = row.length - 1; // each row is filled left to right: sorted by x
  while (lo <= hi) {
    var mid = (lo + hi) >> 1, e = row[mid];
    if (px < e[1]) hi = mid - 1; else if (px >= e[1] + e[2]) lo = mid + 1; else return e[0];
  }
  return -1;
}

function showTip(i, ev) {
  var lines = [nameOf(i)];
  if (locOf(i)) lines.push(locOf(i));
  lines.push("total: " + fmtWeight(total[i]) + " (" + pct(total[i], D.totalWeight) + " of all" + (zoom > 0 && !isAncestorOfZoom(i) ? ", " + pct(total[i], total[zoom]) + " of zoomed" : "") + ")");
  lines.push("self: " + fmtWeight(self[i]) + " (" + pct(self[i], D.totalWeight) + ")");
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  var x = ev.clientX + 14, y = ev.clientY + 14, r = tip.getBoundingClientRect();
  if (x + r.width > window.innerWidth - 4) x = Math.max(4, ev.clientX - r.width - 14);
  if (y + r.height > window.innerHeight - 4) y = Math.max(4, ev.clientY - r.height - 14);
  tip.style.left = x + "px"; tip.style.top = y + "px";
}
overlay.addEventListener("mousemove", function (ev) {
  var b = overlay.getBoundingClientRect();
  var i = hitTest(ev.clientX - b.left, ev.clientY - b.top);
  if (i !== hover) { hover = i; drawHover(); }
  overlay.style.cursor = i >= 0 ? "pointer" : "default";
  if (i >= 0) showTip(i, ev); else tip.style.display = "none";
});
overlay.addEventListener("mouseleave", function () { hover = -1; drawHover(); tip.style.display = "none"; });
overlay.addEventListener("click", function () { if (hover >= 0) setZoom(hover); });
function setZoom(i) { zoom = i; hover = -1; tip.style.display = "none"; draw(); updateMatchStatus(); }
document.getElementById("fg-reset").addEventListener("click", function () { setZoom(0); });

function renderCrumbs() {
  crumbs.textContent = "";
  var chain = [];
  for (var a = zoom; a >= 0; a = parent[a]) chain.unshift(a);
  chain.forEach(function (a, k) {
    if (k > 0) crumbs.appendChild(document.createTextNode(" \u203a "));
    var b = document.createElement("button");
    b.type = "button"; b.className = "crumb"; b.title = nameOf(a);
    b.textContent = cut(nameOf(a), 40);
    if (a === zoom) b.disabled = true;
    b.addEventListener("click", function () { setZoom(a); });
    crumbs.appendChild(b);
  });
}

function applySearch() {
  var q = search.value.trim().toLowerCase();
  if (!q) { match = null; status.textContent = ""; draw(); return; }
  match = new Uint8Array(N);
  for (var k = 1; k < N; k++) {
    var f = frame[k];
    if (lowerNames[f].indexOf(q) >= 0 || lowerLocs[f].indexOf(q) >= 0) match[k] = 1;
  }
  draw();
  updateMatchStatus();
}
function updateMatchStatus() {
  if (!match) return;
  // Sum each matched subtree once: skip matches nested inside an earlier match (recursion).
  var sumAll = 0, count = 0, k = 1;
  while (k < N) {
    if (match[k]) { count++; sumAll += total[k]; k += size[k]; } else k++;
  }
  var sumZoom = 0;
  if (zoom > 0) {
    var inside = false;
    for (var a = zoom; a > 0; a = parent[a]) if (match[a]) inside = true;
    if (inside) sumZoom = total[zoom];
    else {
      for (k = zoom + 1; k < zoom + size[zoom];) { if (match[k]) { sumZoom += total[k]; k += size[k]; } else k++; }
    }
  }
  status.textContent = (count === 0 ? "no match" : "matched " + fmtWeight(sumAll) + " = " + pct(sumAll, D.totalWeight) + " of total") +
    (zoom > 0 && count > 0 ? "; " + pct(sumZoom, total[zoom]) + " of zoomed frame" : "");
}
var searchTimer = 0;
search.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(applySearch, 120); });
document.addEventListener("keydown", function (ev) {
  if (ev.key === "Escape") { if (document.activeElement === search && search.value) { search.value = ""; applySearch(); } else setZoom(0); }
  else if (ev.key === "/" && document.activeElement !== search) { ev.preventDefault(); search.focus(); }
});
window.addEventListener("resize", function () { draw(); });
draw();
})();
`;
