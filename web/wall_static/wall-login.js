/* /wall: keep the token from the URL fragment, trade it for a session, go on to the wall screen. */
(function () {
  "use strict";
  var KEY = "bqw-wall-token";
  var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var token = params.get("token") || window.localStorage.getItem(KEY) || "";
  var message = document.getElementById("wall-login-message");
  if (params.get("token")) window.localStorage.setItem(KEY, token);
  history.replaceState(null, "", "/wall"); // the token leaves the address bar
  if (!token) { message.textContent = "缺少大屏令牌：请用 /wall#token=… 打开。"; return; }
  var next = new URLSearchParams({ screen: "wall" });
  ["play", "refresh", "hold"].forEach(function (k) { if (params.get(k)) next.set(k, params.get(k)); });
  fetch("/wall/session", { method: "POST", headers: { Authorization: "Bearer " + token }, credentials: "same-origin" })
    .then(function (r) {
      if (r.ok) { window.location.replace("/screen?" + next.toString()); return; }
      message.textContent = "大屏令牌无效或已吊销，请联系管理员重新签发（cockpit user token）。";
    })
    .catch(function () {
      message.textContent = "无法连接驾驶舱服务器，10 秒后重试…";
      window.setTimeout(function () { window.location.reload(); }, 10000);
    });
})();
