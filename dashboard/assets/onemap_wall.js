// The wall's clock and stale-data banner, computed in the browser: they must keep running when the
// server or its database does not answer (a failed refresh leaves the last good figures in place).
(function () {
    var zone = "Asia/Shanghai";
    function hms(ms) {
        return new Intl.DateTimeFormat("zh-CN", {timeZone: zone, hour: "2-digit", minute: "2-digit",
                                                 second: "2-digit", hour12: false}).format(new Date(ms));
    }
    function day(ms) {
        return new Intl.DateTimeFormat("zh-CN", {timeZone: zone, year: "numeric", month: "2-digit",
                                                 day: "2-digit", weekday: "short"}).format(new Date(ms));
    }
    function minutes(ms) {
        var m = Math.floor(ms / 60000);
        return m < 1 ? Math.floor(ms / 1000) + " 秒" : m + " 分钟";
    }
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        onemapWall: {
            // the browser's own time of the last refresh that reached it (no clock skew with the server)
            received: function () { return Date.now(); },
            tick: function (_n, okAt, config) {
                var now = Date.now();
                var clock = day(now) + "  " + hms(now);
                if (!okAt || !config) { return [clock, "", "w-stale ok"]; }
                var age = now - okAt, every = config.refresh_ms;
                // one refresh is due every `every` ms; half an interval of grace before it counts as missed
                if (age <= every * 1.5) { return [clock, "", "w-stale ok"]; }
                var missed = Math.floor(age / every - 0.5);
                var line = "数据未能更新（已错过 " + missed + " 次刷新）：显示的是 " + hms(okAt) +
                    " 的数据，已过 " + minutes(age) + "，正在自动重试";
                return [clock, line, missed >= config.red_after ? "w-stale red" : "w-stale yellow"];
            },
            // the map's region changed size: measure the map again, then fit the view it shows anew
            refit: function (_resized, viewport) {
                var again = viewport && viewport.bounds ?
                    Object.assign({}, viewport, {transition: "fitBounds"}) : window.dash_clientside.no_update;
                return [Date.now(), again];
            }
        }
    });
    // Watch the map's region (#wall-centre): when its size changes (the stale banner takes or gives
    // back its row, the screen changes), tell the wall (wall-resized), once the change has settled.
    // Leaving the wall (a link to another page) removes the region: the watch ends with it, and
    // nothing is told to a wall that is no longer there.
    var watched = null, size = null, settle = null, observer = null;
    function sized(entries) {
        if (!watched || !watched.isConnected) {
            if (observer) { observer.disconnect(); observer = null; }
            watched = null;
            window.clearTimeout(settle);
            return;
        }
        var box = entries[entries.length - 1].contentRect;
        var now = Math.round(box.width) + "x" + Math.round(box.height);
        if (size === null || now === size) { size = now; return; }  // the first report is no change
        size = now;
        window.clearTimeout(settle);
        settle = window.setTimeout(function () {
            if (window.dash_clientside.set_props && watched && watched.isConnected) {
                window.dash_clientside.set_props("wall-resized", {data: Date.now()});
            }
        }, 150);
    }
    window.setInterval(function () {
        var centre = document.getElementById("wall-centre");
        if (!centre || centre === watched || !window.ResizeObserver) { return; }
        if (observer) { observer.disconnect(); }
        watched = centre;
        size = null;
        observer = new ResizeObserver(sized);
        observer.observe(centre);
    }, 500);
    // The pages' failure handling (onemap_errors.js) reloads a page once the database is back; the
    // wall keeps its figures instead and recovers on its next refresh (a reload could land on a
    // 503 page and blank the room's screen).
    window.addEventListener("onemap:failure", function (event) {
        if (document.getElementById("wall")) { event.preventDefault(); }
    });
    window.onemap = Object.assign({}, window.onemap, {
        // a layer's style (onemap.style) with its lines as thick, for the room, as on a 1080 screen:
        // the type grows with the screen's height, and so do the outlines (else hairlines on 4K)
        wallStyle: function (feature, context) {
            var style = window.onemap.style(feature, context);
            var scale = Math.max(1, window.innerHeight / 1080);
            if (style.weight != null) { style.weight = style.weight * scale; }
            return style;
        },
        // a station's name written at a point inside it (as text, never HTML)
        wallLabel: function (feature, latlng) {
            var span = document.createElement("span");
            span.textContent = String(feature.properties.label || "");
            return L.marker(latlng, {interactive: false,
                                     icon: L.divIcon({className: "wall-label", iconSize: null, html: span})});
        }
    });
})();
