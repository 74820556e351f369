/* 百千万工程驾驶舱 — wall screen (大屏): refit a map's zoom to the box the wall layout gives it.
 *
 * A map figure is fitted on the server to a pixel size (components.choropleth.fit_view); on the
 * wall a page may give the map a smaller or larger box (the page's wall CSS), which would cut
 * the region off or leave it small. A figure that carries layout.meta.fit = [width, height, zoom]
 * (optionally with the zooms fitting its width and height) is re-zoomed on the wall to its drawn size; on the desk
 * nothing changes. One MutationObserver finds new graphs; each graph gets one listener.
 */
(function () {
  "use strict";
  if (window.bqwWallFit) return;
  window.bqwWallFit = true;

  // The MapLibre map under plotly's subplot has its style loaded (plotly reads the style's layers
  // on a relayout; before the style is in, getStyle() is undefined and the relayout throws).
  function ready(full) {
    var sub = full.map._subplot;
    return !!(sub && sub.map && sub.map.isStyleLoaded && sub.map.isStyleLoaded());
  }

  function refit(gd, tries) {
    var meta = gd.layout && gd.layout.meta;
    var full = gd._fullLayout;
    if (!meta || !meta.fit || !full || !full.map || !window.Plotly) return;
    if (!gd.isConnected || !gd.closest(".theme-wall")) return;
    if (!ready(full)) {  // try again shortly (bounded: a map that never loads is left as it is)
      if ((tries || 0) < 150) setTimeout(function () { refit(gd, (tries || 0) + 1); }, 100);
      return;
    }
    var w = full.width, h = full.height, fit = meta.fit;
    if (!(w > 0 && h > 0)) return;
    var size = w + "x" + h + ":" + fit[2] + ":" + gd.layout.uirevision;
    if (gd.bqwFitted === size) return; // this box and figure are fitted; leave a user's zoom alone
    gd.bqwFitted = size;
    // [w, h, zoom, across, down]: the zooms that fit the region's width and height to the box;
    // [w, h, zoom]: scale the zoom by the smaller ratio.
    var zoom = fit.length >= 5
      ? Math.min(fit[3] + Math.log2(w / fit[0]), fit[4] + Math.log2(h / fit[1]))
      : fit[2] + Math.log2(Math.min(w / fit[0], h / fit[1]));
    zoom = Math.max(0, zoom);
    if (Math.abs(full.map.zoom - zoom) > 0.01) {
      var done = window.Plotly.relayout(gd, {"map.zoom": zoom});
      if (done && done.catch) done.catch(function () { gd.bqwFitted = null; });  // redrawn meanwhile
    }
  }

  function watch(gd) {
    if (gd.bqwFitWatch || typeof gd.on !== "function") return;
    gd.bqwFitWatch = true;
    gd.on("plotly_afterplot", function () { refit(gd); });
    refit(gd);
  }

  function scan() {
    var graphs = document.querySelectorAll(".theme-wall .js-plotly-plot");  // every map on the wall
    for (var i = 0; i < graphs.length; i += 1) watch(graphs[i]);
  }

  function start() {
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    scan();
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
