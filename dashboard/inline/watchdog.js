// The page's first script, inline in its head (dashboard/indexpage.py): it runs before any script
// is asked for, so it needs none of them. It keeps the banner the page's failures show
// (window.onemapBanner, used by assets/onemap_errors.js), and it watches the page being drawn: a
// library script that never answers holds every script after it, and the page would stay on
// "加载中…" with nothing to say why. Past LATE_MS undrawn, a banner says so and offers a reload;
// it goes by itself if the page is drawn after all.
(function () {
    "use strict";
    var LATE_MS = 15000;

    function el(tag, cls, text) {
        var node = document.createElement(tag);
        if (cls) { node.className = cls; }
        if (text != null) { node.textContent = text; }
        return node;
    }

    function show(message, kind) {
        var box = document.getElementById("onemap-banner");
        if (!box) {
            box = el("div", "onemap-banner");
            box.id = "onemap-banner";
            box.setAttribute("role", "alert");
            document.body.appendChild(box);
        }
        box.textContent = "";
        box.setAttribute("data-kind", kind);
        box.appendChild(el("span", "onemap-banner-text", message));
        var again = el("button", "onemap-banner-retry", "重新加载");
        again.type = "button";
        again.addEventListener("click", function () { window.location.reload(); });
        box.appendChild(again);
        document.body.classList.add("onemap-failed");
    }

    function clear() {
        var box = document.getElementById("onemap-banner");
        if (box) { box.remove(); }
        document.body.classList.remove("onemap-failed");
    }

    function kind() {
        var box = document.getElementById("onemap-banner");
        return box ? box.getAttribute("data-kind") : null;
    }

    window.onemapBanner = {show: show, clear: clear, kind: kind};

    function drawn() {
        // Dash's renderer replaces the entry point's placeholder when it draws the layout
        var root = document.getElementById("react-entry-point");
        return !root || !root.querySelector("._dash-loading");
    }

    window.setTimeout(function () {
        if (drawn()) { return; }
        show("页面组件迟迟未能加载（服务器繁忙或网络中断），可重新加载。", "late");
        var poll = window.setInterval(function () {
            if (!drawn()) { return; }
            window.clearInterval(poll);
            if (kind() === "late") { clear(); }
        }, 1000);
    }, LATE_MS);
}());
