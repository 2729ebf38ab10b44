// The map's view in the URL's fragment, its print view and its picture (dashboard/map/share.py).
// The fragment is read here, checked for its shape, and handed to the page's components; the
// server checks every value again when a callback uses it. Nothing here asks any other host.
(function () {
    "use strict";
    var TEXT = /^[0-9A-Za-z_:.-]{1,40}$/;

    function noUpdate() { return window.dash_clientside.no_update; }

    function fragment() {
        return new URLSearchParams((window.location.hash || "").replace(/^#/, ""));
    }

    // an ISO day (2026-11-22) that exists, in the years the server accepts; null otherwise
    function day(text, limits) {
        var m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
        if (!m) { return null; }
        var y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
        var t = Date.UTC(y, mo - 1, d), back = new Date(t);
        if (y < limits.years[0] || y > limits.years[1] || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
            return null;
        }
        return t;
    }

    // a value as the server's callbacks accept it (config.limits, from dashboard.bounds), else no_update
    function value(kind, text, limits, ident, key) {
        if (kind === "choice") {  // one the server lists for it, else one the page's radio buttons offer
            var listed = Object.prototype.hasOwnProperty.call(limits.choices, key) ? limits.choices[key] : null;
            var offered = listed || Array.prototype.map.call(
                document.querySelectorAll("#" + ident + " input[type=radio]"), function (i) { return i.value; });
            return offered.indexOf(text) >= 0 ? text : noUpdate();
        }
        if (kind === "int") {
            var n = Number(text);
            return text !== "" && Number.isInteger(n) && n >= limits.int[0] && n <= limits.int[1] ? n : noUpdate();
        }
        if (kind === "day") { return day(text, limits) === null ? noUpdate() : text; }
        if (kind === "list") {
            var items = text === "" ? [] : text.split(",");
            return items.length <= 64 && items.every(function (t) { return TEXT.test(t); }) ? items : noUpdate();
        }
        return TEXT.test(text) ? text : noUpdate();
    }

    function checkedOverlays() {
        var out = [];
        var items = document.querySelectorAll("#map-view .leaflet-control-layers-overlays label");
        Array.prototype.forEach.call(items, function (label) {
            var input = label.querySelector("input");
            var key = label.querySelector("i[hidden]");
            var m = key && /^\d+ (\w+)$/.exec(key.textContent);
            if (input && input.checked && m) { out.push(m[1]); }
        });
        return out;
    }

    function mapBox() {
        var map = window.onemap && window.onemap.map;
        return map && map.getContainer && document.body.contains(map.getContainer()) ? map : null;
    }

    function afterResize(then) {
        var map = mapBox();
        window.setTimeout(function () {
            if (map) { map.invalidateSize({pan: false}); }
            if (then) { window.setTimeout(then, 700); }  // the outlines and heat redrawn at the new size
        }, 50);
    }

    function leavePrintView() {
        if (!document.body.classList.contains("print-view")) { return; }
        document.body.classList.remove("print-view", "print-A4", "print-A3");
        afterResize(null);
    }
    window.addEventListener("afterprint", leavePrintView);

    // ------------------------------------------------------------ the picture (PNG), drawn here
    function paneZ(el) {
        var pane = el.closest(".leaflet-pane");
        return pane ? Number(window.getComputedStyle(pane).zIndex) || 0 : 0;
    }

    function loadImage(src) {
        return new Promise(function (resolve) {
            var img = new Image();
            img.onload = function () { resolve(img); };
            img.onerror = function () { resolve(null); };
            img.src = src;
        });
    }

    function svgImage(svg) {
        var copy = svg.cloneNode(true);
        copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
        var text = new XMLSerializer().serializeToString(copy);
        return loadImage("data:image/svg+xml;charset=utf-8," + encodeURIComponent(text));
    }

    function textAt(g, el, origin) {
        var r = el.getBoundingClientRect();
        if (!r.width || window.getComputedStyle(el).visibility === "hidden") { return; }
        var style = window.getComputedStyle(el);
        g.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
        g.textBaseline = "middle";
        g.textAlign = "center";
        var lines = el.textContent.split("\n");
        var lh = parseFloat(style.fontSize) * 1.2;
        var light = /^rgb\(255, 255, 255/.test(style.color);
        lines.forEach(function (line, i) {
            var x = r.left - origin.left + r.width / 2;
            var y = r.top - origin.top + r.height / 2 + (i - (lines.length - 1) / 2) * lh;
            if (!light) {  // dark names get the white halo they have on screen
                g.lineWidth = 3;
                g.strokeStyle = "rgba(255,255,255,0.9)";
                g.strokeText(line, x, y);
            }
            g.fillStyle = style.color;
            g.fillText(line, x, y);
        });
    }

    function boxAt(g, el, origin) {
        // an element's background (colour or the legend's ramp) and its text, where it is on screen
        var r = el.getBoundingClientRect();
        var style = window.getComputedStyle(el);
        var x = r.left - origin.left, y = r.top - origin.top;
        if (el.classList.contains("ramp")) {
            var grad = g.createLinearGradient(x, 0, x + r.width, 0);
            [[0, "rgba(0,90,255,.4)"], [0.33, "rgba(0,200,120,.7)"], [0.66, "rgba(255,220,0,.8)"], [1, "rgba(230,20,20,.9)"]]
                .forEach(function (s) { grad.addColorStop(s[0], s[1]); });
            g.fillStyle = grad;
            g.fillRect(x, y, r.width, r.height);
        } else if (style.backgroundColor && style.backgroundColor !== "rgba(0, 0, 0, 0)") {
            g.fillStyle = style.backgroundColor;
            g.fillRect(x, y, r.width, r.height);
        }
        var edge = parseFloat(style.borderBottomWidth) || 0;
        if (edge && style.borderBottomStyle !== "none") {  // the legend's frame, the scale bar
            g.lineWidth = edge;
            g.strokeStyle = style.borderBottomColor;
            g.strokeRect(x + edge / 2, y + edge / 2, r.width - edge, r.height - edge);
        }
        if (!el.children.length && el.textContent.trim()) {
            g.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
            g.textBaseline = "middle";
            g.textAlign = "left";
            g.fillStyle = style.color;
            g.fillText(el.textContent.trim(), x + (parseFloat(style.paddingLeft) || 0), y + r.height / 2);
        }
    }

    var HEAD = 48;  // px above the map for its title and period

    function draw(map) {
        var box = map.getContainer();
        var main = box.closest(".map-main") || box;
        var screen = main.getBoundingClientRect();
        var head = document.getElementById("map-print-head");
        var band = head && head.getBoundingClientRect().height ? 0 : HEAD;  // not shown on screen
        // everything is placed relative to `origin`: the band is drawn above what the screen shows
        var origin = {left: screen.left, top: screen.top - band};
        var ratio = window.devicePixelRatio || 1;
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(screen.width * ratio);
        canvas.height = Math.round((screen.height + band) * ratio);
        var g = canvas.getContext("2d");
        g.scale(ratio, ratio);
        g.fillStyle = "#ffffff";
        g.fillRect(0, 0, screen.width, screen.height + band);
        if (band && head) {
            var lines = Array.prototype.map.call(head.children, function (el) { return el.textContent; });
            g.textBaseline = "alphabetic";
            g.textAlign = "left";
            g.fillStyle = "#0b3d91";
            g.font = "700 18px 'Onemap Sans', sans-serif";
            g.fillText(lines[0] || "", 10, 22);
            g.fillStyle = "#1d2733";
            g.font = "400 13px 'Onemap Sans', sans-serif";
            g.fillText(lines[1] || "", 10, 40);
        }
        g.fillStyle = window.getComputedStyle(box).backgroundColor || "#dddddd";
        g.fillRect(0, band, screen.width, screen.height);
        var inMap = Array.prototype.slice.call(box.querySelectorAll(
            ".leaflet-pane > svg, img.leaflet-tile, img.leaflet-image-layer, .leaflet-marker-icon"));
        inMap = inMap.map(function (el, i) { return {el: el, z: paneZ(el), i: i}; })
            .sort(function (a, b) { return a.z - b.z || a.i - b.i; });
        var mapRect = box.getBoundingClientRect();
        var steps = inMap.map(function (item) {
            var el = item.el;
            if (el.tagName.toLowerCase() === "svg") { return svgImage(el).then(function (img) { return [el, img]; }); }
            if (el.tagName.toLowerCase() === "img") { return Promise.resolve([el, el]); }
            return Promise.resolve([el, null]);
        });
        return Promise.all(steps).then(function (drawn) {
            g.save();
            g.beginPath();
            g.rect(mapRect.left - origin.left, mapRect.top - origin.top, mapRect.width, mapRect.height);
            g.clip();
            drawn.forEach(function (pair) {
                var el = pair[0], img = pair[1];
                var r = el.getBoundingClientRect();
                if (img) {
                    try {
                        g.drawImage(img, r.left - origin.left, r.top - origin.top, r.width, r.height);
                    } catch (e) { /* an image from elsewhere that may not be read: left out */ }
                } else if (el.classList.contains("onemap-cluster")) {
                    var span = el.firstChild;
                    g.globalAlpha = 0.6;
                    g.fillStyle = span ? span.style.backgroundColor : "#1f6feb";
                    g.beginPath();
                    g.arc(r.left - origin.left + r.width / 2, r.top - origin.top + r.height / 2, r.width / 2, 0, 2 * Math.PI);
                    g.fill();
                    g.globalAlpha = 1;
                    textAt(g, span || el, origin);
                } else if (el.firstChild) {
                    textAt(g, el.firstChild, origin);
                }
            });
            g.restore();
            // title and period, legends, the scale bar: what the page shows around the map
            var around = main.querySelectorAll(
                "#map-print-head *, #map-legend, #map-legend *, .leaflet-control-scale-line");
            Array.prototype.forEach.call(around, function (el) {
                if (el.getBoundingClientRect().width) { boxAt(g, el, origin); }
            });
            return canvas;
        });
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        onemapShare: {
            // the view the fragment names, in the order share.register lists its outputs
            restore: function (config) {
                var q = fragment();
                var out = [];
                var limits = config.limits;
                var z = Number(q.get("z"));
                var c = (q.get("c") || "").split(",").map(Number);
                // a view the server draws layers for: a zoom it accepts, a centre in China
                var view = q.has("z") && z >= limits.zoom[0] && z <= limits.zoom[1] && c.length === 2 &&
                    c[0] >= limits.lat[0] && c[0] <= limits.lat[1] && c[1] >= limits.lon[0] && c[1] <= limits.lon[1];
                // without one, the viewer's extent fitted to the map as the browser lays it out
                out.push(view ? {center: [c[0], c[1]], zoom: z} : (config.fit ? {bounds: config.fit} : noUpdate()));
                var on = q.has("on") ? q.get("on").split(",") : null;
                config.overlays.forEach(function (key) { out.push(on === null ? noUpdate() : on.indexOf(key) >= 0); });
                // a window of days only as a pair in order, no longer than the server counts over
                var d0 = day(q.get("d0") || "", limits), d1 = day(q.get("d1") || "", limits);
                var span = d0 !== null && d1 !== null && d1 >= d0 && (d1 - d0) / 86400000 < limits.days;
                config.filters.forEach(function (f) {
                    var ok = q.has(f[0]) && (f[1] !== "day" || span);
                    out.push(ok ? value(f[1], q.get(f[0]), limits, f[2], f[0]) : noUpdate());
                });
                return out;
            },
            // the view as it is now, into the fragment (replacing it: no history entry per move)
            write: function () {
                var args = Array.prototype.slice.call(arguments);
                var config = args.pop();
                var zoom = args[0], centre = args[1], overlays = args[2];
                var p = new URLSearchParams();
                if (zoom != null && centre) {
                    var lat = Array.isArray(centre) ? centre[0] : centre.lat;
                    var lon = Array.isArray(centre) ? centre[1] : centre.lng;
                    if (isFinite(lat) && isFinite(lon)) {
                        p.set("z", String(Math.round(zoom * 100) / 100));
                        p.set("c", Number(lat).toFixed(5) + "," + Number(lon).toFixed(5));
                    }
                }
                if (Array.isArray(overlays)) {
                    // read from the layer list itself: the control's `overlays` value loses some
                    // of several layers switched at once
                    p.set("on", checkedOverlays().join(","));
                }
                config.filters.forEach(function (f, i) {
                    var v = args[3 + i];
                    if (v == null) { return; }
                    p.set(f[0], Array.isArray(v) ? v.join(",") : String(v));
                });
                var hash = "#" + p.toString().replace(/%2C/g, ",");
                if (hash !== window.location.hash) {
                    window.history.replaceState(window.history.state, "",
                                                window.location.pathname + window.location.search + hash);
                    // tell the app's location (it would put the old fragment back on its next change)
                    window.dispatchEvent(new PopStateEvent("popstate", {state: window.history.state}));
                }
                return hash;
            },
            // the print view at the paper's proportions (A4 or A3 landscape), then the print dialog
            print: function () {
                var ctx = window.dash_clientside.callback_context;
                var size = ctx.triggered.length && ctx.triggered[0].prop_id.indexOf("a3") >= 0 ? "A3" : "A4";
                var page = document.getElementById("onemap-page-size");
                if (!page) {
                    page = document.createElement("style");
                    page.id = "onemap-page-size";
                    document.head.appendChild(page);
                }
                page.textContent = "@page { size: " + size + " landscape; margin: 8mm; }";
                document.body.classList.remove("print-A4", "print-A3");
                document.body.classList.add("print-view", "print-" + size);
                afterResize(function () { window.print(); });
                return noUpdate();
            },
            // the map as it is on screen, with its title, period and legends, as a PNG file
            exportPng: function () {
                var map = mapBox();
                if (!map) { return noUpdate(); }
                draw(map).then(function (canvas) {
                    canvas.toBlob(function (blob) {
                        var a = document.createElement("a");
                        var head = document.getElementById("map-print-head");
                        var when = head && head.lastChild ? head.lastChild.textContent : "";
                        a.download = ("治安态势图 " + when).trim().replace(/[\\/:*?"<>|（）]/g, " ") + ".png";
                        a.href = URL.createObjectURL(blob);
                        document.body.appendChild(a);
                        a.click();
                        a.remove();
                        window.setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
                        document.body.setAttribute("data-exported", String(blob.size));
                    }, "image/png");
                });
                return noUpdate();
            },
            // the link of the view as it is now
            link: function () { return window.location.href; }
        }
    });
}());
