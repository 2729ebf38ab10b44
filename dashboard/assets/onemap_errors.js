// What a page does when its callbacks fail or take long (dashboard/failures.py answers them).
// Dash's renderer posts every callback with fetch(); this wraps fetch for those posts only:
// - a callback that takes over 300 ms shows "加载中…" (and dims the outputs it will replace);
// - 401 (the session ended): to the login page, and back here afterwards (/login?next=<path+query>);
// - 5xx: a banner in Chinese; the outputs that failed are marked stale (a legend is hidden, not kept);
//   with the database away, the server is asked every 3 s and the page reloads once it answers.
// A page that would rather keep its figures (the wall) cancels the reload: listen for
// "onemap:failure" on window and call preventDefault() on the event.
(function () {
    "use strict";
    var CALLBACK = "/_dash-update-component";
    var PROBE = "/_onemap/ready";
    var BUSY_AFTER_MS = 300;
    var realFetch = window.fetch.bind(window);
    var pending = 0;
    var busyTimer = null;
    var probeTimer = null;
    var leaving = false;

    function el(tag, cls, text) {
        var node = document.createElement(tag);
        if (cls) { node.className = cls; }
        if (text != null) { node.textContent = text; }
        return node;
    }

    function outputIds(init) {
        // the ids of the components a callback request will update (string ids only)
        try {
            var body = JSON.parse((init && init.body) || "{}");
            var outs = Array.isArray(body.outputs) ? body.outputs : [body.outputs];
            return outs.filter(function (o) { return o && typeof o.id === "string"; })
                .map(function (o) { return o.id; });
        } catch (e) {
            return [];
        }
    }

    function mark(ids, cls, on) {
        ids.forEach(function (id) {
            var node = document.getElementById(id);
            if (node) { node.classList.toggle(cls, on); }
        });
    }

    function busyBar() {
        var bar = document.getElementById("onemap-busy");
        if (!bar) {
            bar = el("div", "onemap-busy", "加载中…");
            bar.id = "onemap-busy";
            bar.setAttribute("role", "status");
            bar.setAttribute("aria-live", "polite");
            document.body.appendChild(bar);
        }
        return bar;
    }

    function begin(ids) {
        pending += 1;
        var timer = window.setTimeout(function () { mark(ids, "onemap-loading", true); }, BUSY_AFTER_MS);
        if (pending === 1) {
            busyTimer = window.setTimeout(function () {
                busyBar().classList.add("shown");
                document.body.setAttribute("aria-busy", "true");
            }, BUSY_AFTER_MS);
        }
        return function end() {
            window.clearTimeout(timer);
            mark(ids, "onemap-loading", false);
            pending = Math.max(0, pending - 1);
            if (pending === 0) {
                window.clearTimeout(busyTimer);
                var bar = document.getElementById("onemap-busy");
                if (bar) { bar.classList.remove("shown"); }
                document.body.removeAttribute("aria-busy");
            }
        };
    }

    function toLogin() {
        if (leaving) { return; }
        leaving = true;
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here) + "&expired=1");
    }

    // the banner lives in the page's inline watchdog (dashboard/inline/watchdog.js), there first
    var banner = window.onemapBanner.show;
    var clearBanner = window.onemapBanner.clear;

    function waitForServer() {
        if (probeTimer) { return; }
        probeTimer = window.setInterval(function () {
            realFetch(PROBE, {credentials: "same-origin", cache: "no-store"}).then(function (resp) {
                if (resp.status === 401) { toLogin(); return; }
                if (resp.ok) {
                    window.clearInterval(probeTimer);
                    probeTimer = null;
                    banner("数据库已恢复，正在刷新…", "recovered");
                    window.location.reload();
                }
            }, function () { /* the server itself is away: keep asking */ });
        }, 3000);
    }

    function failed(resp, ids) {
        mark(ids, "onemap-stale", true);
        return resp.clone().json().catch(function () { return {}; }).then(function (answer) {
            var kind = answer.error || "server_error";
            var message = answer.message || (resp.status === 503 ? "服务暂不可用" : "服务器内部错误");
            var event = new CustomEvent("onemap:failure", {cancelable: true, detail: {kind: kind, status: resp.status}});
            var reload = window.dispatchEvent(event);
            if (kind === "database_unavailable") {
                banner(message + "：部分内容未能更新，恢复后自动刷新。", kind);
                if (reload) { waitForServer(); }
            } else {
                banner(message + "：部分内容未能更新。", kind);
            }
        });
    }

    window.fetch = function (input, init) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        if (url.indexOf(CALLBACK) === -1) {
            var call = realFetch(input, init);
            if (url.indexOf("/_dash-") === -1) { return call; }
            // the page's layout and dependencies: a session gone by then goes to the login as well
            return call.then(function (resp) {
                if (resp.status === 401) { toLogin(); }
                return resp;
            });
        }
        var ids = outputIds(init);
        var end = begin(ids);
        return realFetch(input, init).then(function (resp) {
            end();
            if (resp.status === 401) {
                toLogin();
            } else if (resp.status >= 500) {
                failed(resp, ids);
            } else if (resp.ok) {
                mark(ids, "onemap-stale", false);
            }
            return resp;
        }, function (err) {
            end();
            mark(ids, "onemap-stale", true);
            banner("无法连接服务器：部分内容未能更新，请检查网络。", "network");
            throw err;
        });
    };

    // A library script the page loads late (Plotly when a graph is drawn, a component's chunk) that
    // fails or never arrives leaves the page redrawn over and over and unreadable: say so, offer a
    // reload. Seen as the script element's load error, or as the loader's error Dash logs (Plotly's
    // "did not load after 30 seconds", a chunk's "Loading chunk … failed").
    var BUNDLE_PATHS = ["/_dash-component-suites/", "/assets/"];
    var BUNDLE_ERRORS = /did not load after|Loading chunk [^ ]+ failed|ChunkLoadError/;
    var bundleFailed = false;

    function bundleFailure() {
        if (bundleFailed) { return; }
        bundleFailed = true;
        banner("页面组件未能加载（服务器繁忙或网络中断），页面无法显示。", "bundle");
    }

    window.addEventListener("error", function (e) {
        var t = e.target;
        var src = t && (t.tagName === "SCRIPT" ? t.src : (t.tagName === "LINK" ? t.href : ""));
        if (!src) { return; }
        var path = new URL(src, window.location.href).pathname;
        if (BUNDLE_PATHS.some(function (p) { return path.indexOf(p) === 0; })) { bundleFailure(); }
    }, true);

    var realError = window.console.error.bind(window.console);
    window.console.error = function () {
        for (var i = 0; i < arguments.length; i += 1) {
            var a = arguments[i];
            if (BUNDLE_ERRORS.test(String(a && a.message ? a.message : a))) { bundleFailure(); break; }
        }
        return realError.apply(null, arguments);
    };
    window.addEventListener("unhandledrejection", function (e) {
        var r = e.reason;
        if (BUNDLE_ERRORS.test(String(r && r.message ? r.message : r))) { bundleFailure(); }
    });

    window.onemapFailures = {clearBanner: clearBanner};
}());
