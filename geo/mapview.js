/* geo-events map page: draws the data of geo/mapdata.py (MapData.to_json) on a Leaflet map.
 *
 * One Leaflet layer per event (a circle marker, an uncertainty circle, a polyline or a polygon), kept in one
 * container per shape family; the source layers in the layer control are empty toggles, and an event is shown
 * while ANY of its source layers is ticked, its dates overlap the time filter (undated events: while the
 * "Undated events" toggle is ticked) — so unticking a layer hides exactly the events reported only there.
 * Every string in the data is HTML-escaped by Python; this script only concatenates them.
 * window.geoMap exposes the state for tests and benchmarks.
 */
/* global L */
function geoEventsMap(map, D, opts) {
  "use strict";
  var E = D.E, S = D.S, n = E.id.length, DAY = 86400000;
  var canvas = opts.mode === "canvas";
  if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(18); }  // no tiles (offline): markercluster needs it
  var panes = [["geoBase", 250], ["geoAreas", 380], ["geoLines", 390], ["geoPoints", 620]];
  panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
  map.getPane("geoBase").style.pointerEvents = "none";
  var rend = canvas ? L.canvas({ pane: "geoPoints", padding: 0.2 }) : L.svg({ pane: "geoPoints" });
  if (opts.basemap) {
    L.geoJSON(opts.basemap, { pane: "geoBase", interactive: false,
      style: { color: "#8a8a8a", weight: 0.8, fillColor: "#f2efe6", fillOpacity: 1 } }).addTo(map);
    map.getContainer().style.background = "#cfe3f0";
  }
  if (opts.attribution) { map.attributionControl.addAttribution(opts.attribution); }

  function s(k) { return k === null || k === undefined ? "" : S[k]; }
  function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }

  function popup(i) {
    var P = E.P[i], t = D.types[E.t[i]], h = [];
    h.push('<div class="geo-pop"><div class="geo-head" style="border-left:6px solid ' + t.colour + '"><b>' +
      t.label + "</b> · " + s(P[1]) + "</div>");
    h.push("<div><b>When</b> " + s(P[2]) + "</div>");
    h.push("<div><b>Where</b> " + s(P[3]) + (P[4] !== null ? " <i>(" + s(P[4]) + ")</i>" : "") + "</div>");
    if (P[5] !== null) { h.push("<div><b>Actors</b> " + s(P[5]) + "</div>"); }
    if (P[6] !== null) { h.push("<div><b>Fatalities</b> " + Number(P[6]) + " (lowest reported figure)</div>"); }
    if (P[7] !== null) { h.push("<div><b>Injured</b> " + Number(P[7]) + "</div>"); }
    if (P[10].length) { h.push("<div><b>Claimed by</b> " + P[10].map(s).join(", ") + "</div>"); }
    h.push('<p class="geo-sum">' + P[0] + "</p>");
    if (P[9].length) {
      var fields = {}, order = [];
      P[9].forEach(function (c) {
        var f = s(c[0]);
        if (!(f in fields)) { fields[f] = []; order.push(f); }
        fields[f].push("<td>" + s(c[1]) + "<br><small>" + (c[2] !== null ? s(c[2]) : "unattributed") +
          (c[3] !== null ? " · " + s(c[3]) : "") + "</small></td>");
      });
      h.push('<table class="geo-claims"><caption>Competing claims</caption>');
      order.forEach(function (f) { h.push("<tr><th>" + f + "</th>" + fields[f].join("") + "</tr>"); });
      h.push("</table>");
    }
    h.push('<ol class="geo-src">');
    P[8].forEach(function (src) {
      var link = src[2] !== null ? ' <a href="' + src[2] + '" target="_blank" rel="noopener noreferrer">link</a>' :
        (src[5] !== null ? ' <span class="geo-url">' + src[5] + "</span>" : "");
      h.push("<li><b>" + (src[0] !== null ? s(src[0]) : "outlet unknown") + "</b>" +
        (src[1] !== null ? ", " + s(src[1]) : "") + (src[4] !== null ? " · " + s(src[4]) : "") + link +
        "<br><q>" + (src[3] === 0 ? P[0] : src[3]) + "</q></li>");
    });
    h.push("</ol></div>");
    return h.join("");
  }

  // -- the drawn layers ------------------------------------------------------------------------------------
  var points = opts.cluster ? L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40,
    spiderfyOnMaxZoom: true, showCoverageOnHover: false, spiderfyDistanceMultiplier: 1.6 }) : L.featureGroup();
  var shapes = L.featureGroup();
  var drawn = new Array(n), shown = new Uint8Array(n), bounds = L.latLngBounds([]), areaBounds = L.latLngBounds([]);
  for (var i = 0; i < n; i++) {
    var g = E.g[i], c = E.c[i], colour = D.types[E.t[i]].colour, layer;
    if (g === "p") {
      layer = L.circleMarker(c, { renderer: rend, radius: 6, color: "#222", weight: 1, fillColor: colour,
        fillOpacity: 0.9 });
    } else if (g === "c") {
      layer = L.circle(c, { radius: E.r[i], pane: "geoAreas", color: colour, weight: 1.5, dashArray: "4 4",
        fillColor: colour, fillOpacity: 0.12 });
    } else if (g === "l") {
      layer = L.polyline(c, { pane: "geoLines", color: colour, weight: 4, opacity: 0.85 });
    } else {
      layer = L.polygon(c, { pane: "geoAreas", color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.12 });
    }
    layer._gi = i;
    if (!canvas) { layer.bindTooltip(D.types[E.t[i]].label + " · " + s(E.P[i][3]), { sticky: g !== "p" }); }
    drawn[i] = layer;
    if (g === "p" || g === "c") { bounds.extend(c); } else if (g === "l") { bounds.extend(layer.getBounds()); } else {
      areaBounds.extend(layer.getBounds());
    }
  }
  function openPopup(e) {
    L.popup({ maxWidth: 440, maxHeight: 420, autoPanPaddingTopLeft: [60, 20],
      autoPanPaddingBottomRight: [340, 20] }).setLatLng(e.latlng).setContent(popup(e.layer._gi)).openOn(map);
  }
  points.on("click", openPopup);
  shapes.on("click", openPopup);

  // -- filters -----------------------------------------------------------------------------------------------
  var state = { active: D.layers.map(function () { return true; }), undated: true, from: null, to: null };
  var minDay = null, maxDay = null;
  for (i = 0; i < n; i++) {
    if (E.d0[i] === null) { continue; }
    if (minDay === null || E.d0[i] < minDay) { minDay = E.d0[i]; }
    if (maxDay === null || E.d1[i] > maxDay) { maxDay = E.d1[i]; }
  }
  state.from = minDay; state.to = maxDay;

  function visible(i) {
    var L_ = E.L[i], any = false;
    for (var k = 0; k < L_.length; k++) { if (state.active[L_[k]]) { any = true; break; } }
    if (!any) { return false; }
    if (E.d0[i] === null) { return state.undated; }
    return E.d0[i] <= state.to && E.d1[i] >= state.from;
  }
  function apply() {
    var addP = [], delP = [], addS = [], delS = [];
    for (var i = 0; i < n; i++) {
      var v = visible(i) ? 1 : 0;
      if (v === shown[i]) { continue; }
      shown[i] = v;
      var isPoint = E.g[i] === "p";
      (v ? (isPoint ? addP : addS) : (isPoint ? delP : delS)).push(drawn[i]);
    }
    if (opts.cluster) { points.removeLayers(delP); points.addLayers(addP); } else {
      delP.forEach(function (l) { points.removeLayer(l); }); addP.forEach(function (l) { points.addLayer(l); });
    }
    delS.forEach(function (l) { shapes.removeLayer(l); }); addS.forEach(function (l) { shapes.addLayer(l); });
    map.closePopup();
  }

  // -- controls ------------------------------------------------------------------------------------------------
  var toggles = [], overlays = {}, undatedCount = 0;
  for (i = 0; i < n; i++) { if (E.d0[i] === null) { undatedCount++; } }
  D.layers.forEach(function (layer, k) {
    var t = L.layerGroup(); t._geoLayer = k; toggles.push(t); t.addTo(map);
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
          L.circleMarker([m[0], m[1]], { renderer: rend, radius: 3, color: "#555", weight: 1, fillOpacity: 0.5 })
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
  var baseLayers = {};
  L.control.layers(baseLayers, overlays, { collapsed: false, position: "topright" }).addTo(map);

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

  var slider = null;
  if (minDay !== null) {
    var counts = {};
    for (i = 0; i < n; i++) { if (E.d0[i] !== null) { counts[E.d0[i]] = (counts[E.d0[i]] || 0) + 1; } }
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
    slider = new Box({ position: "bottomleft", cls: "geo-time", html: html }).addTo(map);
    var box = slider.getContainer(), from = box.querySelector(".geo-from"), to = box.querySelector(".geo-to");
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

  // fit to points and lines; areas (a country, a sea) only when nothing finer is drawn. Before adding the
  // layers, without animation: a zoom animation during markercluster's chunked loading breaks it.
  if (!bounds.isValid()) { bounds = areaBounds; }
  if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 9, padding: [20, 20], animate: false }); }
  shapes.addTo(map); points.addTo(map);
  apply();
  window.geoMap = { map: map, containers: [points, shapes], state: state, apply: apply, popup: popup,
    count: function () { return points.getLayers().length + shapes.getLayers().length; },
    drawnIds: function () {
      return points.getLayers().concat(shapes.getLayers()).map(function (l) { return E.id[l._gi]; });
    },
    layerOf: function (id) { var i = E.id.indexOf(id); return i < 0 ? null : drawn[i]; },
    ready: false };
  var done = function () { window.geoMap.ready = true; };
  if (opts.cluster) { setTimeout(function waitChunks() {
    if (points.getLayers().length + shapes.getLayers().length >= shown.reduce(function (a, b) { return a + b; }, 0)) {
      done();
    } else { setTimeout(waitChunks, 20); }
  }, 0); } else { done(); }
}
