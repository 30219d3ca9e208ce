/* geo-events map page: draws the data of geo/mapdata.py (MapData.to_json) on a Leaflet map.
 *
 * The data is columnar (D.E: one array per field, one entry per event; D.SRC / D.CL: reports and claims, events
 * in order, E.sn / E.cn rows each; texts are indices into D.S, joined by ">", 0 = absent). Two renderings (opts.mode):
 *  - "cluster": one Leaflet layer per event (circle marker in Leaflet.markercluster, uncertainty circle,
 *    polyline, polygon), SVG, with tooltips;
 *  - "canvas" (large maps): points and uncertainty circles are drawn by ONE layer (GeoPoints in mapcanvas.js, an L.Canvas
 *    subclass) from typed arrays, redrawn on move/zoom end and on filter changes, hit-tested on click and hover
 *    (a linear scan of the points drawn last time: well under a millisecond for 100k, no index to maintain);
 *    lines, areas and mentions (few) stay Leaflet vectors, on one shared Leaflet canvas.
 * The source layers in the layer control are empty toggles: an event is shown while ANY of its source layers is
 * ticked and its dates overlap the time filter (undated events: while "Undated events" is ticked) — so
 * unticking a layer hides exactly the events reported only there.
 * Every string in the data is HTML-escaped by Python; this script only concatenates them.
 * window.geoMap exposes the state for tests and benchmarks (count, drawnIds, pointOf); window.geoTimings the
 * page's own marks (ms since navigation start).
 */
/* global L */
function geoEventsMap(map, D, opts, texts) {
  "use strict";
  var timings = window.geoTimings = window.geoTimings || {};  // ms since navigation start, by step
  function mark(name) { timings[name] = Math.round(performance.now()); }
  mark("script");
  var E = D.E, SRC = D.SRC, CL = D.CL, n = E.id.length, DAY = 86400000, i, j;
  // the texts (D.S) come with the data, or for large canvas maps later (texts: a function that unpacks them):
  // popups and tooltips wait for them, drawing does not
  var S = D.S !== null ? D.S.split(">") : null, waiting = [];
  function withTexts(fn) { if (S !== null) { fn(); } else { waiting.push(fn); } }
  var canvas = opts.mode === "canvas";
  if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(18); }  // no tiles (offline): markercluster needs it
  var panes = [["geoBase", 250], ["geoAreas", 380], ["geoLines", 390], ["geoPoints", 620]];
  panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
  map.getPane("geoBase").style.pointerEvents = "none";
  var svg = L.svg({ pane: "geoPoints" });
  // canvas mode: lines, areas and mentions share ONE Leaflet canvas (stacked canvases would hide each other's
  // clicks); areas are added before lines, so lines are drawn and hit on top
  var shapeCanvas = canvas ? L.canvas({ pane: "geoLines", padding: 0.2 }) : null;
  if (opts.basemap) {
    L.geoJSON(opts.basemap, { pane: "geoBase", interactive: false, renderer: L.canvas({ pane: "geoBase" }),
      style: { color: "#8a8a8a", weight: 0.8, fillColor: "#f2efe6", fillOpacity: 1 } }).addTo(map);
    map.getContainer().style.background = "#cfe3f0";
  }
  if (opts.attribution) { map.attributionControl.addAttribution(opts.attribution); }
  mark("basemap");

  function s(k) { return k ? S[k] : ""; }  // 0: absent
  function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }

  // -- per-event arrays: row offsets of reports, claims and layers; dates ------------------------------------
  var srcAt = new Int32Array(n + 1), clAt = new Int32Array(n + 1), layAt = new Int32Array(n + 1);
  var d0 = new Int32Array(n), d1 = new Int32Array(n), dated = new Uint8Array(n), undatedCount = 0;
  var minDay = null, maxDay = null;
  for (i = 0; i < n; i++) {
    srcAt[i + 1] = srcAt[i] + E.sn[i]; clAt[i + 1] = clAt[i] + E.cn[i]; layAt[i + 1] = layAt[i] + E.L[i].length;
    if (E.d0[i] === null) { undatedCount++; continue; }
    dated[i] = 1; d0[i] = E.d0[i]; d1[i] = E.d1[i];
    if (minDay === null || d0[i] < minDay) { minDay = d0[i]; }
    if (maxDay === null || d1[i] > maxDay) { maxDay = d1[i]; }
  }
  var layers = new Int32Array(layAt[n]);
  for (i = 0; i < n; i++) { for (j = 0; j < E.L[i].length; j++) { layers[layAt[i] + j] = E.L[i][j]; } }
  mark("arrays");

  function popup(i) {
    var t = D.types[E.t[i]], h = [], j;
    h.push('<div class="geo-pop"><div class="geo-head" style="border-left:6px solid ' + t.colour + '"><b>' +
      t.label + "</b> · " + s(E.u[i]) + "</div>");
    h.push("<div><b>When</b> " + s(E.w[i]) + "</div>");
    h.push("<div><b>Where</b> " + s(E.pl[i]) + (E.pp[i] ? " <i>(" + s(E.pp[i]) + ")</i>" : "") + "</div>");
    if (E.a[i]) { h.push("<div><b>Actors</b> " + s(E.a[i]) + "</div>"); }
    if (E.f[i] !== null) { h.push("<div><b>Fatalities</b> " + Number(E.f[i]) + " (lowest reported figure)</div>"); }
    if (E.i[i] !== null) { h.push("<div><b>Injured</b> " + Number(E.i[i]) + "</div>"); }
    if (E.k[i]) { h.push("<div><b>Claimed by</b> " + s(E.k[i]) + "</div>"); }
    h.push('<p class="geo-sum">' + s(E.s[i]) + "</p>");
    if (clAt[i + 1] > clAt[i]) {
      var fields = {}, order = [];
      for (j = clAt[i]; j < clAt[i + 1]; j++) {
        var f = s(CL.f[j]);
        if (!(f in fields)) { fields[f] = []; order.push(f); }
        fields[f].push("<td>" + s(CL.v[j]) + "<br><small>" + (CL.b[j] ? s(CL.b[j]) : "unattributed") +
          (CL.a[j] ? " · " + s(CL.a[j]) : "") + "</small></td>");
      }
      h.push('<table class="geo-claims"><caption>Competing claims</caption>');
      order.forEach(function (f) { h.push("<tr><th>" + f + "</th>" + fields[f].join("") + "</tr>"); });
      h.push("</table>");
    }
    h.push('<ol class="geo-src">');
    for (j = srcAt[i]; j < srcAt[i + 1]; j++) {
      var link = SRC.h[j] ? ' <a href="' + s(SRC.h[j]) + '" target="_blank" rel="noopener noreferrer">link</a>' :
        (SRC.x[j] ? ' <span class="geo-url">' + s(SRC.x[j]) + "</span>" : "");
      h.push("<li><b>" + (SRC.o[j] ? s(SRC.o[j]) : "outlet unknown") + "</b>" +
        (SRC.p[j] ? ", " + s(SRC.p[j]) : "") + (SRC.a[j] ? " · " + s(SRC.a[j]) : "") + link +
        "<br><q>" + s(SRC.q[j]) + "</q></li>");
    }
    h.push("</ol></div>");
    return h.join("");
  }
  function tip(i) { return S !== null ? D.types[E.t[i]].label + " · " + s(E.pl[i]) : D.types[E.t[i]].label; }
  function tipOf(layer) { return tip(layer._gi); }  // built when shown

  // -- the drawn layers ------------------------------------------------------------------------------------
  var points = opts.cluster ? L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40,
    spiderfyOnMaxZoom: true, showCoverageOnHover: false, spiderfyDistanceMultiplier: 1.6 }) : L.featureGroup();
  var shapes = L.featureGroup();
  var drawn = new Array(n), shown = new Uint8Array(n), visible = new Uint8Array(n), onCanvas = [];
  var bounds = L.latLngBounds([]), areaBounds = L.latLngBounds([]);
  var south = 90, west = 180, north = -90, east = -180;
  for (i = 0; i < n; i++) {
    var g = E.g.charAt(i), colour = D.types[E.t[i]].colour, layer;
    if (g === "p" || g === "c") {
      if (E.y[i] < south) { south = E.y[i]; } if (E.y[i] > north) { north = E.y[i]; }
      if (E.x[i] < west) { west = E.x[i]; } if (E.x[i] > east) { east = E.x[i]; }
      if (canvas) { onCanvas.push(i); continue; }
    }
    if (g === "p") {
      layer = L.circleMarker([E.y[i], E.x[i]], { renderer: svg, radius: 6, color: "#222", weight: 1,
        fillColor: colour, fillOpacity: 0.9 });
    } else if (g === "c") {
      layer = L.circle([E.y[i], E.x[i]], { radius: E.r[i], pane: "geoAreas", color: colour, weight: 1.5,
        dashArray: "4 4", fillColor: colour, fillOpacity: 0.12 });
    } else if (g === "l") {
      layer = L.polyline(E.c[i], { pane: "geoLines", renderer: shapeCanvas || undefined, color: colour, weight: 4,
        opacity: 0.85 });
      bounds.extend(layer.getBounds());
    } else {
      layer = L.polygon(E.c[i], { pane: "geoAreas", renderer: shapeCanvas || undefined, color: colour, weight: 1.5,
        fillColor: colour, fillOpacity: 0.12 });
      areaBounds.extend(layer.getBounds());
    }
    layer._gi = i;
    layer.bindTooltip(tipOf, { sticky: g !== "p" });
    drawn[i] = layer;
  }
  if (south <= north) { bounds.extend([[south, west], [north, east]]); }
  var dots = canvas ? new (geoPointsLayer(map, D, visible))(onCanvas, { pane: "geoPoints", padding: 0.2 }) : null;
  mark("layers");

  function openPopup(latlng, events) { withTexts(function () { showPopup(latlng, events); }); }
  function showPopup(latlng, events) {
    var more = events.length > 5 ? '<div class="geo-more">… and ' + (events.length - 5) +
      " more events here; zoom in or filter</div>" : "";
    L.popup({ maxWidth: 440, maxHeight: 420, autoPanPaddingTopLeft: [60, 20],
      autoPanPaddingBottomRight: [340, 20] }).setLatLng(latlng)
      .setContent(events.slice(0, 5).map(popup).join("<hr>") + more).openOn(map);
  }
  function onLayerClick(e) { openPopup(e.latlng, [e.layer._gi]); }
  points.on("click", onLayerClick);
  shapes.on("click", onLayerClick);
  if (dots) {
    var hover = null, hoverTip = L.tooltip({ direction: "top", offset: [0, -6] });
    map.on("click", function (e) {  // after any SVG shape under the cursor: the points on top win
      var hit = dots.hitTest(e.layerPoint);
      if (hit.length) { openPopup(E.g.charAt(hit[0]) === "p" ? L.latLng(E.y[hit[0]], E.x[hit[0]]) : e.latlng, hit); }
    });
    map.on("mousemove", function (e) {
      if (map.dragging && map.dragging.moving()) { return; }
      var hit = dots.hitTest(e.layerPoint), top = hit.length ? hit[0] : null;
      if (top === hover) { return; }
      hover = top;
      map.getContainer().style.cursor = top === null ? "" : "pointer";
      if (top === null) { map.closeTooltip(hoverTip); return; }
      hoverTip.setLatLng(E.g.charAt(top) === "p" ? [E.y[top], E.x[top]] : e.latlng)
        .setContent(tip(top) + (hit.length > 1 ? " (+" + (hit.length - 1) + ")" : ""));
      map.openTooltip(hoverTip);
    });
    map.on("movestart zoomstart", function () { hover = null; map.closeTooltip(hoverTip); });
  }

  // -- filters -----------------------------------------------------------------------------------------------
  var RANK = { a: 0, c: 1, l: 2 };
  var state = { active: D.layers.map(function () { return true; }), undated: true, from: minDay, to: maxDay };
  function apply() {
    var active = new Uint8Array(state.active.map(function (a) { return a ? 1 : 0; }));
    var from = state.from, to = state.to, undated = state.undated ? 1 : 0;
    var addP = [], delP = [], addS = [], delS = [], i, k, v;
    for (i = 0; i < n; i++) {
      v = 0;
      for (k = layAt[i]; k < layAt[i + 1]; k++) { if (active[layers[k]]) { v = 1; break; } }
      if (v) { v = dated[i] ? (d0[i] <= to && d1[i] >= from ? 1 : 0) : undated; }
      visible[i] = v;
      if (drawn[i] === undefined || v === shown[i]) { continue; }
      shown[i] = v;
      var isPoint = E.g.charCodeAt(i) === 112;
      (v ? (isPoint ? addP : addS) : (isPoint ? delP : delS)).push(drawn[i]);
    }
    if (opts.cluster) { points.removeLayers(delP); points.addLayers(addP); } else {
      delP.forEach(function (l) { points.removeLayer(l); }); addP.forEach(function (l) { points.addLayer(l); });
    }
    addS.sort(function (a, b) { return RANK[E.g.charAt(a._gi)] - RANK[E.g.charAt(b._gi)]; });  // lines on top
    delS.forEach(function (l) { shapes.removeLayer(l); }); addS.forEach(function (l) { shapes.addLayer(l); });
    if (dots) { dots.redraw(); }
    map.closePopup();
  }

  // -- controls ------------------------------------------------------------------------------------------------
  var overlays = {};
  D.layers.forEach(function (layer, k) {
    var t = L.layerGroup(); t._geoLayer = k; t.addTo(map);
    overlays['<span class="geo-layer">' + layer.label + " (" + layer.count + ")</span>"] = t;
  });
  var undatedToggle = L.layerGroup().addTo(map);
  overlays['<span class="geo-undated"><i>Undated events (' + undatedCount + ")</i></span>"] = undatedToggle;
  var mentions = L.layerGroup();
  if (D.M.length) { overlays['<span class="geo-mentions"><i>Place mentions (' + D.M.length + ")</i></span>"] = mentions; }
  map.on("overlayadd overlayremove", function (e) {
    var on = e.type === "overlayadd";
    if (e.layer === mentions) {
      if (on && !mentions.getLayers().length) {
        D.M.forEach(function (m) {
          L.circleMarker([m[0], m[1]], { renderer: shapeCanvas || svg, radius: 3, color: "#555", weight: 1, fillOpacity: 0.5 })
            .bindTooltip(m[2]).addTo(mentions);
        });
      }
      return;
    }
    if (e.layer === undatedToggle) { state.undated = on; } else if (e.layer._geoLayer !== undefined) {
      state.active[e.layer._geoLayer] = on;
    } else { return; }
    apply();
  });
  L.control.layers({}, overlays, { collapsed: false, position: "topright" }).addTo(map);

  var Box = L.Control.extend({ onAdd: function () {
    var div = L.DomUtil.create("div", "geo-box " + this.options.cls);
    div.innerHTML = this.options.html; L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
    return div;
  } });
  if (opts.title) { new Box({ position: "topleft", cls: "geo-title", html: opts.title }).addTo(map); }
  var legend = ["<b>Event types</b>"];
  D.types.forEach(function (t) {
    legend.push('<div><span class="geo-swatch" style="background:' + t.colour + '"></span>' + t.label + " (" +
      t.count + ")</div>");
  });
  legend.push('<div class="geo-shapes">● settlement or site · ◌ near / coarse area (uncertainty) · ━ road, ' +
    "river, border · ▭ area</div>");
  new Box({ position: "bottomright", cls: "geo-legend", html: legend.join("") }).addTo(map);

  if (minDay !== null) {
    var counts = {};
    for (i = 0; i < n; i++) { if (dated[i]) { counts[d0[i]] = (counts[d0[i]] || 0) + 1; } }
    var dayKeys = Object.keys(counts).map(Number).sort(function (a, b) { return a - b; });
    var html = '<b>Dates</b> <span class="geo-range"></span><br>' +
      '<label>from <input type="range" class="geo-from" min="' + minDay + '" max="' + maxDay + '" step="1" value="' +
      minDay + '"></label><br><label>to <input type="range" class="geo-to" min="' + minDay + '" max="' + maxDay +
      '" step="1" value="' + maxDay + '"></label>';
    if (dayKeys.length <= 60) {
      html += '<br><select class="geo-day"><option value="">all dates</option>' + dayKeys.map(function (d) {
        return '<option value="' + d + '">' + iso(d) + " (" + counts[d] + ")</option>";
      }).join("") + "</select>";
    }
    var box = new Box({ position: "bottomleft", cls: "geo-time", html: html }).addTo(map).getContainer();
    var from = box.querySelector(".geo-from"), to = box.querySelector(".geo-to");
    var label = box.querySelector(".geo-range"), day = box.querySelector(".geo-day");
    var update = function (e) {
      var a = Number(from.value), b = Number(to.value);
      if (a > b) { if (e && e.target === from) { to.value = a; b = a; } else { from.value = b; a = b; } }
      state.from = a; state.to = b; label.textContent = iso(a) + " – " + iso(b); apply();
    };
    from.addEventListener("input", update); to.addEventListener("input", update);
    if (day) {
      day.addEventListener("change", function () {
        var d = day.value === "" ? null : Number(day.value);
        from.value = d === null ? minDay : d; to.value = d === null ? maxDay : d; update();
      });
    }
    label.textContent = iso(minDay) + " – " + iso(maxDay);
  }

  mark("controls");
  // fit to points and lines; areas (a country, a sea) only when nothing finer is drawn. Before adding the
  // layers, without animation: a zoom animation during markercluster's chunked loading breaks it.
  if (!bounds.isValid()) { bounds = areaBounds; }
  if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 9, padding: [20, 20], animate: false }); }
  mark("fit");
  shapes.addTo(map); points.addTo(map);
  apply();
  mark("apply");
  if (dots) { dots.addTo(map); }
  mark("drawn");
  function count() { return (dots ? dots.drawn : 0) + points.getLayers().length + shapes.getLayers().length; }
  window.geoMap = { map: map, containers: [points, shapes], dots: dots, state: state, apply: apply, popup: popup,
    timings: timings, count: count,
    drawnIds: function () {
      var ids = points.getLayers().concat(shapes.getLayers()).map(function (l) { return E.id[l._gi]; });
      onCanvas.forEach(function (i) { if (visible[i]) { ids.push(E.id[i]); } });
      return ids;
    },
    layerOf: function (id) { var i = E.id.indexOf(id); return i < 0 ? null : drawn[i] || null; },
    // [lat, lon] of an event drawn on the canvas (for tests: where to click)
    pointOf: function (id) { var i = E.id.indexOf(id); return i < 0 || drawn[i] ? null : [E.y[i], E.x[i]]; },
    ready: false, texts: S !== null };
  var done = function () {
    mark("ready"); window.geoMap.ready = true;
    if (S === null) {  // after the first draw: unpacked in small tasks, the map stays usable meanwhile
      setTimeout(function () {
        texts().then(function (joined) {
          S = joined.split(">"); window.geoMap.texts = true; mark("texts");
          waiting.splice(0).forEach(function (fn) { fn(); });
        }).catch(function (err) { console.error("geo-events map texts could not be read: " + err); });
      }, 0);
    }
  };
  if (opts.cluster) { setTimeout(function waitChunks() {
    if (points.getLayers().length + shapes.getLayers().length >= shown.reduce(function (a, b) { return a + b; }, 0)) {
      done();
    } else { setTimeout(waitChunks, 20); }
  }, 0); } else { done(); }
}

/* Reads the page data (<script id=dataId>: JSON, or gzip+base64 for large maps; the texts of large canvas maps
 * in their own <script id=dataId-texts>, unpacked after the first draw) and options, then draws. */
function geoEventsLoad(map, dataId, optsId) {
  "use strict";
  var timings = window.geoTimings = { load: Math.round(performance.now()) };
  var el = document.getElementById(dataId), opts = JSON.parse(document.getElementById(optsId).textContent);
  if (el.getAttribute("data-encoding") !== "gzip+base64") { geoEventsMap(map, JSON.parse(el.textContent), opts); return; }
  var textsEl = document.getElementById(dataId + "-texts");
  var texts = textsEl ? function () { return geoUnpack(textsEl); } : null;
  geoUnpack(el).then(function (json) {
    timings.unpacked = Math.round(performance.now());
    geoEventsMap(map, JSON.parse(json), opts, texts);
  }).catch(function (err) { console.error("geo-events map data could not be read: " + err); });
}

/* The text of a gzip+base64 <script> element (a promise); the element is emptied. */
function geoUnpack(el) {
  "use strict";
  var text = el.textContent.trim(), bytes;
  if (Uint8Array.fromBase64) { bytes = Uint8Array.fromBase64(text); } else {
    var bin = atob(text); bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  }
  el.textContent = "";  // free the packed text
  // arrayBuffer + TextDecoder: twice as fast here as Response.text()
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()
    .then(function (buffer) { return new TextDecoder().decode(buffer); });
}
