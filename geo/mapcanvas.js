/* geo-events maps: the points canvas of large maps (see mapview.js, which loads this first).
 *
 * geoPointsLayer(map, D, visible) returns an L.Canvas subclass that draws every point event and uncertainty
 * circle of the page data D on one canvas, skipping events whose visible[i] is 0, and answers hitTest(layerPoint)
 * for clicks and hover. */
"use strict";

function geoPointsLayer(map, D, visible) {
  var E = D.E;
  // -- the points canvas (canvas mode) -------------------------------------------------------------------------
  // Projected at zoom 0 once (X0/Y0); at zoom z a layer point is X0 * 2^z - pixelOrigin. Each redraw keeps the
  // events it drew inside the canvas (hit*), in draw order, for hit-testing clicks and hover.
  return L.Canvas.extend({
    initialize: function (idx, options) {
      L.Canvas.prototype.initialize.call(this, options);
      var m = idx.length, k;
      this._idx = idx; this._X0 = new Float64Array(m); this._Y0 = new Float64Array(m);
      this._hitI = new Int32Array(m); this._hitX = new Float32Array(m); this._hitY = new Float32Array(m);
      this._hitR = new Float32Array(m); this._hits = 0; this.drawn = 0; this._sprites = {};
      var crs = map.options.crs, merc = crs === L.CRS.EPSG3857, lim = L.Projection.SphericalMercator.MAX_LATITUDE;
      for (k = 0; k < m; k++) {  // Web Mercator inline (as Leaflet's), any other CRS through Leaflet
        if (merc) {
          var sin = Math.sin(Math.max(Math.min(E.y[idx[k]], lim), -lim) * Math.PI / 180);
          this._X0[k] = 128 + E.x[idx[k]] * 256 / 360;
          this._Y0[k] = 128 - 128 * Math.log((1 + sin) / (1 - sin)) / (2 * Math.PI);
        } else {
          var p = crs.latLngToPoint(L.latLng(E.y[idx[k]], E.x[idx[k]]), 0);
          this._X0[k] = p.x; this._Y0[k] = p.y;
        }
      }
    },
    _initContainer: function () {  // a plain canvas: no mouse handlers (clicks go to the map, see hitTest)
      var c = this._container = document.createElement("canvas");
      c.style.pointerEvents = "none";
      this._ctx = c.getContext("2d", { willReadFrequently: true });
    },
    onAdd: function () { L.Canvas.prototype.onAdd.call(this); this.redraw(); },
    _draw: function () {},  // L.Canvas draws its own (no) paths here
    _updatePaths: function () { if (!this._postponeUpdatePaths) { this.redraw(); } },
    // a point as RGBA pixels (Uint32, size x size), drawn once per colour; per row, the run of opaque pixels
    // (a view, copied with one TypedArray.set) and the antialiased edge pixels (blended one by one)
    _sprite: function (colour, radius, dpr) {
      var key = colour + radius + dpr, half = radius + 2;
      if (!this._sprites[key]) {
        var size = 2 * half * dpr, c = document.createElement("canvas"), ctx = c.getContext("2d", { willReadFrequently: true });
        c.width = c.height = size; ctx.scale(dpr, dpr);
        ctx.beginPath(); ctx.arc(half, half, radius, 0, 2 * Math.PI); ctx.fillStyle = colour; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = "#222"; ctx.stroke();
        var px = new Uint32Array(ctx.getImageData(0, 0, size, size).data.buffer), rows = [], u, v, a;
        for (v = 0; v < size; v++) {
          var row = { v: v, o0: -1, run: null, eu: [], eq: [] }, o1 = -1;
          for (u = 0; u < size; u++) {
            a = px[v * size + u] >>> 24;
            if (a === 255 && (row.o0 < 0 || o1 === u)) { if (row.o0 < 0) { row.o0 = u; } o1 = u + 1; } else if (a > 0) {
              row.eu.push(u); row.eq.push(px[v * size + u]);
            }
          }
          if (row.o0 >= 0) { row.run = px.subarray(v * size + row.o0, v * size + o1); }
          if (row.run || row.eu.length) { rows.push(row); }
        }
        this._sprites[key] = rows;
      }
      return this._sprites[key];
    },
    redraw: function () {
      var map_ = this._map, b = this._bounds, ctx = this._ctx;
      if (!map_ || !b) { return this; }
      var t0 = performance.now();
      var idx = this._idx, m = idx.length, X0 = this._X0, Y0 = this._Y0, k, e, x, y, r;
      var z = map_.getZoom(), f = map_.options.crs.scale(z) / map_.options.crs.scale(0), o = map_.getPixelOrigin();
      var x0 = b.min.x, y0 = b.min.y, x1 = b.max.x, y1 = b.max.y, hits = 0, drawn = 0, types = D.types;
      var mpp = 40075016.686 / map_.options.crs.scale(z);  // metres per pixel at the equator
      ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
      // the uncertainty circles: collected as one path per type colour, drawn under the points (below)
      var paths = {};
      for (k = 0; k < m; k++) {
        e = idx[k];
        if (!visible[e]) { continue; }
        drawn++;
        if (E.g.charCodeAt(e) !== 99) { continue; }  // "c"
        x = X0[k] * f - o.x; y = Y0[k] * f - o.y;
        r = E.r[e] / (mpp * Math.cos(E.y[e] * Math.PI / 180));
        if (x + r < x0 || x - r > x1 || y + r < y0 || y - r > y1) { continue; }
        (paths[E.t[e]] = paths[E.t[e]] || []).push(x, y, r);
        this._hitI[hits] = e; this._hitX[hits] = x; this._hitY[hits] = y; this._hitR[hits] = Math.max(r, 7); hits++;
      }
      // the points: sprite pixels copied into an image put on the canvas (far faster here than one drawImage per
      // point), then the circles drawn under them; points not wholly on the canvas (padding) are off screen
      // smaller points when zoomed out (dense overviews stay readable, and are drawn faster)
      var radius = z <= 5 ? 3 : z <= 7 ? 4 : 6, dpr = L.Browser.retina ? 2 : 1, half = (radius + 2) * dpr;
      var W = this._container.width, H = this._container.height;
      var sprites = types.map(function (t) { return this._sprite(t.colour, radius, dpr); }, this);
      if (!this._img || this._img.width !== W || this._img.height !== H) {
        this._img = ctx.createImageData(W, H); this._px = new Uint32Array(this._img.data.buffer);
      }
      var px = this._px, rows, row, base, off, q, d, a, na, u, v, w;
      px.fill(0);
      for (k = 0; k < m; k++) {
        e = idx[k];
        if (!visible[e] || E.g.charCodeAt(e) !== 112) { continue; }  // "p"
        x = X0[k] * f - o.x; y = Y0[k] * f - o.y;
        u = Math.round((x - x0) * dpr) - half; v = Math.round((y - y0) * dpr) - half;
        if (u < 0 || v < 0 || u + 2 * half > W || v + 2 * half > H) { continue; }
        rows = sprites[E.t[e]]; base = v * W + u;
        for (var r_ = 0; r_ < rows.length; r_++) {
          row = rows[r_]; off = base + row.v * W;
          if (row.run !== null) { px.set(row.run, off + row.o0); }
          for (w = 0; w < row.eu.length; w++) {
            q = row.eq[w]; d = px[off + row.eu[w]];
            if (d >>> 24 === 0) { px[off + row.eu[w]] = q; continue; }
            a = q >>> 24; na = 255 - a;
            px[off + row.eu[w]] = (((a + (d >>> 24) * na / 255) & 255) << 24 |
              (((q >>> 16 & 255) * a + (d >>> 16 & 255) * na) / 255) << 16 |
              (((q >>> 8 & 255) * a + (d >>> 8 & 255) * na) / 255) << 8 |
              (((q & 255) * a + (d & 255) * na) / 255)) >>> 0;
          }
        }
        this._hitI[hits] = e; this._hitX[hits] = x; this._hitY[hits] = y; this._hitR[hits] = Math.max(radius + 1, 5); hits++;
      }
      ctx.putImageData(this._img, 0, 0);
      ctx.globalCompositeOperation = "destination-over";  // the circles under the points
      ctx.setLineDash([4, 4]); ctx.lineWidth = 1.5;
      Object.keys(paths).forEach(function (t) {
        var p = paths[t], q;
        ctx.beginPath();
        for (q = 0; q < p.length; q += 3) { ctx.moveTo(p[q] + p[q + 2], p[q + 1]); ctx.arc(p[q], p[q + 1], p[q + 2], 0, 2 * Math.PI); }
        ctx.globalAlpha = 1; ctx.strokeStyle = types[t].colour; ctx.stroke();
        ctx.globalAlpha = 0.12; ctx.fillStyle = types[t].colour; ctx.fill();
      });
      ctx.globalAlpha = 1; ctx.setLineDash([]); ctx.globalCompositeOperation = "source-over";
      this._hits = hits; this.drawn = drawn; this.ms = Math.round(performance.now() - t0);
      return this;
    },
    // events under a layer point, topmost first: points, then circles (smallest first)
    hitTest: function (lp) {
      var found = [], circles = [], k, dx, dy;
      for (k = this._hits - 1; k >= 0; k--) {
        dx = this._hitX[k] - lp.x; dy = this._hitY[k] - lp.y;
        if (dx * dx + dy * dy > this._hitR[k] * this._hitR[k]) { continue; }
        if (E.g.charCodeAt(this._hitI[k]) === 112) { found.push(this._hitI[k]); } else { circles.push(k); }
      }
      circles.sort(function (a, b) { return this._hitR[a] - this._hitR[b]; }.bind(this));
      return found.concat(circles.map(function (k) { return this._hitI[k]; }, this));
    }
  });
}
