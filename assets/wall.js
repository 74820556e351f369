/* 百千万工程驾驶舱 — wall screen: playlist player (轮播) and live refresh (README, 大屏).
 *
 * Player: started by /screen or any URL with ?play=NAME. It reads /api/v1/playlist and moves from
 * view to view inside the loaded Dash app (history.replaceState + Dash's location event: no reload,
 * no history growth). The page is hidden (dark, never white) from the navigation until its
 * callbacks, requests and maps are done, then faded in: the next view is shown already drawn.
 * Keys: space pause/resume, →/PageDown next, ←/PageUp previous (clickers send PageUp/PageDown);
 * a click anywhere holds the playlist for ?hold= seconds (default 60) so a leader can drill in.
 *
 * Refresh (wall theme or player): GET /api/v1/version every ?refresh= seconds (default 30); a new
 * data version redraws the view (once), the header shows 数据截至 and the last successful check.
 * Unreachable server: the picture stays, a 连接中断 badge counts the time, retries back off, and the
 * next success recovers by itself; a 401 (restart with a new secret, session over) trades the
 * wall token kept by /wall for a new session.
 *
 * Scale (wall theme): the page's HTML scales with the root font (max(18px, 1vw): rem), but plotly
 * draws its text and MapLibre its labels in pixels. Every Plotly.react (dcc.Graph's first draw and
 * each redraw, Patch updates included: Dash keeps the unscaled figure and hands the whole of it
 * over) draws a scaled copy: font sizes and margins × PLOT_TEXT × the page's scale (root font /
 * 19.2 px: 1 at 1920 CSS px, 1.33 at 2560); map labels, map zoom, heights and colour bars × the
 * page's scale (map labels no more: larger ones collide and MapLibre drops them). The figure the
 * app sent is kept on the graph (__bqwSrc), so a change of theme or window size redraws it at the
 * new scale; nothing is scaled twice. (Not CSS zoom: under zoom 100vh is taller than the screen,
 * getComputedStyle reports unzoomed sizes, and MapLibre/plotly hovers miss the drawn regions.)
 * While the player bar shows, <html> has the class wall-bar and the shell leaves the bar's height.
 *
 * Bounded for 24 h: one interval for everything, one poll at a time, listeners added once, the
 * player bar built once, the timing and visit logs (bqwWall.stats()) rings of 50, Dash's undo
 * history trimmed after each view.
 */
(function () {
  "use strict";
  if (window.bqwWall) return;

  var TOKEN_KEY = "bqw-wall-token";
  var TICK_MS = 200;
  var QUIET_MS = 150; // no request for this long (and two checks in a row): the view's callbacks are done
  var MAX_SWITCH_MS = 10000; // reveal anyway after this long
  var LOG = 50;
  var HISTORY = 10; // Dash undo entries kept
  var PLOT_TEXT = 1.3; // chart text on the wall, read from 5 m: plotly's 12–13 px → 16–17 px at 1920
  var BASE_ROOT = 19.2; // the wall's root font at 1920 CSS px (assets/cockpit.css)

  var query = new URLSearchParams(window.location.search);
  function seconds(name, fallback, min) {
    var v = parseFloat(query.get(name));
    return isFinite(v) && v >= min ? v : fallback;
  }
  var refreshS = seconds("refresh", 30, 1);
  var holdS = seconds("hold", 60, 1);
  var maxBackoffS = Math.min(60, refreshS * 8);

  var S = {
    started: false, playing: false, name: "", views: [], index: -1,
    elapsed: 0, lastTick: Date.now(), paused: false, holdUntil: 0,
    switching: false, quietChecks: 0, navStart: 0, sawRequest: false, durations: [], visits: [], rotations: 0,
    version: null, lastOk: Date.now(), failures: 0, nextPoll: 0, polling: false,
    offline: false, authLost: false, broken: false, heapBase: 0, pendingRedraw: false, bar: null, shown: {}
  };

  // ---- count the app's requests (Dash callbacks, layers) to know when a view is drawn ----------
  var inflight = 0;
  var lastActivity = 0;
  var nativeFetch = window.fetch.bind(window);
  function settle() { inflight = Math.max(0, inflight - 1); lastActivity = performance.now(); }
  function failed() { // an app request met no server: check now instead of at the next interval
    settle();
    S.broken = true;
    S.nextPoll = 0;
  }
  window.fetch = function (input, init) {
    var own = init && init.bqwOwn;
    if (!own) {
      inflight += 1;
      lastActivity = performance.now();
      if (S.switching) S.sawRequest = true;
    }
    var p = nativeFetch(input, init);
    if (!own) p.then(settle, failed);
    return p;
  };

  function isWall() { return S.playing || !!document.querySelector(".shell.theme-wall"); }
  function $(id) { return document.getElementById(id); }

  // ---- plotly fonts and map labels scale with the page (wall theme) ---------------------------
  function currentScale() {
    if (!isWall()) return { page: 1, text: 1, key: "1|1" };
    var root = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || BASE_ROOT;
    var page = Math.round((root / BASE_ROOT) * 1000) / 1000;
    var text = Math.round(page * PLOT_TEXT * 1000) / 1000;
    return { page: page, text: text, key: text + "|" + page };
  }
  var SKIP = { geojson: 1, coordinates: 1, customdata: 1, locations: 1, z: 1, x: 1, y: 1, text: 1, lon: 1, lat: 1, ids: 1 };
  var MARGIN = { l: 1, r: 1, t: 1, b: 1, pad: 1 };
  // A copy of a figure part with its sizes scaled; untouched branches are shared, never mutated.
  function scaled(obj, key, k) {
    if (obj === null || typeof obj !== "object") return obj;
    var out = null, i, v, s;
    if (Array.isArray(obj)) {
      if (!obj.length || obj[0] === null || typeof obj[0] !== "object") return obj;
      for (i = 0; i < obj.length; i++) {
        s = scaled(obj[i], key, k);
        if (s !== obj[i]) { out = out || obj.slice(); out[i] = s; }
      }
      return out || obj;
    }
    for (var name in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, name) || SKIP[name]) continue;
      v = obj[name];
      s = v;
      if (typeof v === "number") {
        if (name === "size" && /font$/i.test(key)) s = v * k.text;
        else if (name === "text-size") s = v * k.page; // map labels: larger ones collide and MapLibre hides them
        else if (key === "margin" && MARGIN[name]) s = Math.round(v * k.text);
        else if (key === "colorbar" && (name === "thickness" || name === "ticklen")) s = v * k.page;
        else if (key === "map" && name === "zoom") s = v + Math.log(k.page) / Math.LN2;
        else if (key === "layout" && (name === "height" || name === "width")) s = Math.round(v * k.page);
      } else if (v && typeof v === "object") {
        s = scaled(v, name, k);
      }
      if (s !== v) { out = out || Object.assign({}, obj); out[name] = s; }
    }
    return out || obj;
  }
  function scaledFigure(fig, k) {
    var layout = scaled(fig.layout || {}, "layout", k);
    var font = layout.font || {};
    var hover = layout.hoverlabel || {};
    // plotly's own defaults (12 px text, 13 px hover labels, 30 px colour bars), when not set
    if (typeof font.size !== "number") layout = Object.assign({}, layout, { font: Object.assign({}, font, { size: 12 * k.text }) });
    if (!hover.font || typeof hover.font.size !== "number") {
      layout = Object.assign({}, layout, { hoverlabel: Object.assign({}, hover, { font: Object.assign({}, hover.font, { size: 13 * k.text }) }) });
    }
    var data = scaled(fig.data || [], "data", k);
    data = data.map(function (trace) {
      if (!trace || !trace.colorbar || typeof trace.colorbar.thickness === "number") return trace;
      return Object.assign({}, trace, { colorbar: Object.assign({}, trace.colorbar, { thickness: 30 * k.page }) });
    });
    return { data: data, layout: layout, frames: fig.frames, config: fig.config };
  }
  function wrapPlotly(P) {
    if (!P || typeof P.react !== "function" || P.__bqwScaled) return;
    var react = P.react;
    P.react = function (gd, data, layout, config) {
      var fig = (Array.isArray(data) || data === undefined) ? { data: data, layout: layout, config: config } : data;
      var el = typeof gd === "string" ? document.getElementById(gd) : gd;
      var k = currentScale();
      if (el) { el.__bqwSrc = fig; el.__bqwScale = k.key; }
      return react.call(P, gd, k.text === 1 && k.page === 1 ? fig : scaledFigure(fig, k));
    };
    P.__bqwScaled = true;
  }
  if (window.Plotly) wrapPlotly(window.Plotly);
  else {
    var plotly;
    Object.defineProperty(window, "Plotly", {
      configurable: true, enumerable: true,
      get: function () { return plotly; },
      set: function (P) { plotly = P; wrapPlotly(P); }
    });
  }
  // Theme switched or window resized: redraw every graph from the figure the app sent, at the new scale.
  function rescale() {
    var k = currentScale();
    var plots = document.querySelectorAll(".js-plotly-plot");
    for (var i = 0; i < plots.length; i++) {
      if (plots[i].__bqwSrc && plots[i].__bqwScale !== k.key) window.Plotly.react(plots[i], plots[i].__bqwSrc);
    }
  }

  // ---- navigation inside the app --------------------------------------------------------------
  function withParams(url, extra) {
    var u = new URL(url, window.location.origin);
    if (S.playing) { u.searchParams.set("screen", "wall"); u.searchParams.set("play", S.name); }
    Object.keys(extra || {}).forEach(function (k) { u.searchParams.set(k, extra[k]); });
    return u.pathname + u.search;
  }
  function navigate(url) {
    if (url === window.location.pathname + window.location.search) return false;
    S.switching = true;
    S.sawRequest = false;
    S.navStart = performance.now();
    document.documentElement.classList.add("wall-switching");
    window.history.replaceState(null, "", url);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.requestAnimationFrame(checkDrawn);
    return true;
  }
  function mapsIdle() {
    var plots = document.querySelectorAll(".shell-main .js-plotly-plot");
    for (var i = 0; i < plots.length; i++) {
      var full = plots[i]._fullLayout;
      if (!full) return false;
      var sub = full.map && full.map._subplot;
      if (sub && sub.map && (!sub.map.loaded() || sub.map.isMoving())) return false;
    }
    return true;
  }
  function drawn() {
    var t = performance.now();
    if (t - S.navStart > MAX_SWITCH_MS) return true;
    if (inflight > 0 || t - lastActivity < QUIET_MS) return false;
    if (!S.sawRequest && t - S.navStart < 1000) return false; // the layout request has not gone yet
    if (document.querySelector('.shell-main [data-dash-is-loading="true"]')) return false;
    return mapsIdle();
  }
  function checkDrawn() {
    if (!S.switching) return;
    S.quietChecks = drawn() ? S.quietChecks + 1 : 0;
    if (S.quietChecks < 2) { window.requestAnimationFrame(checkDrawn); return; }
    S.switching = false;
    document.documentElement.classList.remove("wall-switching");
    S.durations.push(Math.round(performance.now() - S.navStart));
    if (S.durations.length > LOG) S.durations.shift();
    S.visits.push([S.index, window.location.pathname + window.location.search]);
    if (S.visits.length > LOG) S.visits.shift();
    S.rotations += 1;
    trimDashHistory();
  }
  // Dash's renderer keeps an undo history of every input change (the location: two entries per
  // view, for ever). Only the undo/redo buttons (off here) read it: keep the last few.
  function trimDashHistory() {
    var stores = window.dash_stores || [];
    for (var i = 0; i < stores.length; i++) {
      var h = stores[i].getState && stores[i].getState().history;
      if (h && h.past && h.past.length > 2 * HISTORY) h.past.splice(0, h.past.length - HISTORY);
    }
  }

  // ---- the player -----------------------------------------------------------------------------
  // The page shown is this view: the same path, and every parameter the view names has the same
  // value here (a page may have added its own, e.g. the period its picker wrote; region codes
  // compare in their 12-digit form, 440882 = 440882000000).
  function sameView(viewUrl, here) {
    var v = new URL(viewUrl, window.location.origin), h = new URL(here, window.location.origin);
    if (v.pathname !== h.pathname) return false;
    var norm = function (k, x) { return k === "region" && /^\d{6,12}$/.test(x || "") ? (x + "000000").slice(0, 12) : x; };
    var ok = true;
    v.searchParams.forEach(function (value, key) {
      if (["screen", "play", "wv", "refresh", "hold"].indexOf(key) < 0 && norm(key, h.searchParams.get(key)) !== norm(key, value)) ok = false;
    });
    return ok;
  }
  function start() {
    S.started = true;
    var name = query.get("play") || "";
    nativeFetch("/api/v1/playlist?name=" + encodeURIComponent(name), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (res) {
        if (!res[0] || !res[1].views || !res[1].views.length) { showBar("轮播无法播放：" + (res[1].error || "没有视图")); return; }
        S.name = res[1].name;
        S.views = res[1].views;
        S.playing = true;
        var at = S.views.findIndex(function (v) { return sameView(v.url, window.location.href); });
        if (at >= 0) { S.index = at; S.elapsed = 0; } else { go(0); }
        render();
      })
      .catch(function () { S.started = false; }); // server away: tried again on a later tick
  }
  function go(i) {
    var n = S.views.length;
    S.index = ((i % n) + n) % n;
    S.elapsed = 0;
    S.pendingRedraw = false;
    var url = withParams(S.views[S.index].url, S.version !== null ? { wv: String(S.version) } : null);
    if (overBound()) { window.location.replace(url); return; } // the URL's play= resumes the playlist
    navigate(url);
    render();
  }
  // A fixed bound for days on end: should the JS heap ever pass 3× what it was after the first
  // 20 views (and 300 MB), the next view is loaded afresh instead of inside the page. Not expected
  // (bench_wall.py: DOM, listeners, timers and WebGL canvases flat over 200 views).
  function overBound() {
    var mem = window.performance && window.performance.memory;
    if (!mem) return false;
    if (!S.heapBase && S.rotations >= 20) S.heapBase = mem.usedJSHeapSize;
    return !!S.heapBase && mem.usedJSHeapSize > Math.max(3 * S.heapBase, 300e6);
  }
  function held(now) { return S.paused || now < S.holdUntil || S.offline || S.switching; }

  function showBar(text) {
    if (!S.bar) {
      var bar = document.createElement("div");
      bar.id = "wall-player";
      bar.setAttribute("role", "status");
      bar.innerHTML = '<div class="wall-player-fill"></div><span class="wall-player-text"></span>' +
        '<span class="wall-player-state"></span>';
      document.body.appendChild(bar);
      document.documentElement.classList.add("wall-bar"); // the shell leaves the bar's height (wall.css)
      S.bar = { root: bar, fill: bar.firstChild, text: bar.children[1], state: bar.children[2] };
    }
    if (text !== undefined) setText(S.bar.text, text);
  }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function render() {
    if (!S.playing) return;
    showBar();
    var n = S.views.length;
    var next = S.views[(S.index + 1) % n];
    setText(S.bar.text, S.name + " " + (S.index + 1) + "/" + n + " · 下一个：" + next.title);
    var now = Date.now();
    var state = "";
    if (S.paused) state = "已暂停（空格继续）";
    else if (now < S.holdUntil) state = "已暂停 · " + Math.ceil((S.holdUntil - now) / 1000) + " 秒后继续";
    else if (S.offline) state = "等待连接恢复";
    setText(S.bar.state, state);
    var dwell = S.views[S.index].seconds * 1000;
    var width = (Math.min(1, S.elapsed / dwell) * 100).toFixed(1) + "%";
    if (S.bar.fill.style.width !== width) S.bar.fill.style.width = width;
    S.bar.root.className = state ? "wall-player-held" : "";
  }

  // ---- refresh check --------------------------------------------------------------------------
  function poll() {
    S.polling = true;
    getVersion(true)
      .then(onVersion, onFailure)
      .then(function () { S.polling = false; }, function () { S.polling = false; });
  }
  function getVersion(mayRelogin) {
    return nativeFetch("/api/v1/version", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 && mayRelogin) return relogin().then(function () { return getVersion(false); });
        if (r.status === 401) { S.authLost = true; throw new Error("auth"); }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
  }
  function relogin() {
    var token = window.localStorage.getItem(TOKEN_KEY);
    if (!token) { S.authLost = true; return Promise.reject(new Error("auth")); }
    return nativeFetch("/wall/session", { method: "POST", credentials: "same-origin", headers: { Authorization: "Bearer " + token } })
      .then(function (r) { if (!r.ok) { S.authLost = true; throw new Error("auth"); } });
  }
  function onVersion(info) {
    var now = Date.now();
    S.lastOk = now;
    S.failures = 0;
    S.offline = false;
    S.authLost = false;
    S.nextPoll = now + refreshS * 1000;
    var d = new Date(now);
    setText($("wall-refreshed"), "刷新于 " + [d.getHours(), d.getMinutes(), d.getSeconds()]
      .map(function (x) { return (x < 10 ? "0" : "") + x; }).join(":"));
    if (S.version === null) { S.version = info.data_version; }
    if (info.data_version !== S.version) {
      S.version = info.data_version;
      S.asOfLabel = info.as_of_label;
      S.pendingRedraw = true;
    }
    if (S.broken && S.playing) { // a view was cut off by the outage: go on with the next one
      S.broken = false;
      go(S.index + 1);
      return;
    }
    S.broken = false;
    if (S.pendingRedraw) redraw();
  }
  function redraw() {
    if (S.switching) return; // after the current switch, on the next tick
    if (S.playing && held(Date.now())) return; // a held view is left as the leader has it
    S.pendingRedraw = false;
    setText($("wall-asof"), S.asOfLabel || "");
    var url = S.playing ? S.views[S.index].url : window.location.pathname + window.location.search;
    navigate(withParams(url, { wv: String(S.version) }));
  }
  function onFailure() {
    var now = Date.now();
    S.failures += 1;
    S.offline = true;
    S.nextPoll = now + Math.min(maxBackoffS, refreshS * Math.pow(2, S.failures - 1)) * 1000;
  }
  function since(ms) {
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + " 秒";
    if (s < 3600) return Math.floor(s / 60) + " 分 " + (s % 60) + " 秒";
    return Math.floor(s / 3600) + " 小时 " + Math.floor((s % 3600) / 60) + " 分";
  }
  function badge(now) {
    var el = $("wall-offline");
    if (!el) return;
    var lost = S.offline;
    if (el.hidden === lost) el.hidden = !lost;
    if (lost) setText(el, (S.authLost ? "登录失效" : "连接中断") + " · " + since(now - S.lastOk));
  }

  // ---- one clock for everything ---------------------------------------------------------------
  function tick() {
    var now = Date.now();
    rescale();
    if (S.version === null) { // the version the page was built at (shell header): a first check can spot a change
      var el = document.querySelector(".shell-asof[data-version]");
      var v = el && parseInt(el.getAttribute("data-version"), 10);
      if (isFinite(v)) S.version = v;
    }
    var wanted = query.get("play") !== null || window.location.pathname === "/screen";
    // Start once Dash has drawn the shell (its locations listen for the player's navigation).
    if (!S.started && wanted && document.querySelector(".shell-header")) start();
    if (isWall()) {
      if (!S.polling && now >= S.nextPoll) poll();
      else if (S.pendingRedraw && !S.offline) redraw();
      badge(now);
    }
    if (S.playing) {
      if (!held(now)) S.elapsed += now - S.lastTick;
      if (!S.switching && S.elapsed >= S.views[S.index].seconds * 1000) go(S.index + 1);
      render();
    }
    S.lastTick = now;
  }

  function onKey(e) {
    if (!S.playing || e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var k = e.key;
    if (k === " " || k === "Spacebar") { S.paused = !S.paused; S.holdUntil = 0; }
    else if (k === "ArrowRight" || k === "PageDown") { S.holdUntil = 0; go(S.index + 1); }
    else if (k === "ArrowLeft" || k === "PageUp") { S.holdUntil = 0; go(S.index - 1); }
    else return;
    e.preventDefault();
    render();
  }
  function onPointer(e) {
    if (!S.playing || (S.bar && S.bar.root.contains(e.target))) return;
    S.holdUntil = Date.now() + holdS * 1000;
    render();
  }

  window.setInterval(tick, TICK_MS);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointerdown", onPointer, true);

  window.bqwWall = {
    stats: function () {
      return {
        playing: S.playing, name: S.name, index: S.index, views: S.views.length, paused: S.paused,
        held: S.playing && held(Date.now()), offline: S.offline, version: S.version,
        rotations: S.rotations, durations: S.durations.slice(), visits: S.visits.slice(),
        dashHistory: (window.dash_stores || []).map(function (st) { return st.getState().history.past.length; })
      };
    },
    next: function () { if (S.playing) go(S.index + 1); },
    version: function () { return S.version; }
  };
})();
