// Functions the map's GeoJSON layers call by name (no inline code, no CDN).
// Every string in a feature came from a data file: it is put into the page as text (a text node or
// textContent), never as HTML. Leaflet reads a string given to bindTooltip/bindPopup or to a
// divIcon's html as markup, so none is given one.
function onemapText(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
}
var ONEMAP_CODE = /^[0-9A-Za-z_-]{1,40}$/;  // dashboard.scope.CODE_PATTERN
var ONEMAP_PAGE = /^\/[a-z]+\/$/;
// A feature's popup: its tooltip as title, the layer's facts (names in the layer's hideout.popup,
// values in the feature) and links to its pages, carrying the page's period; null when the layer
// has no popup of this kind. Every piece goes in as text.
function onemapPopup(feature, context) {
    var p = feature.properties || {};
    var h = context && context.hideout && context.hideout.popup;
    if (!h) { return null; }
    var box = document.createElement("div");
    box.className = "onemap-popup";
    var title = document.createElement("div");
    title.className = "popup-title";
    title.textContent = p.tooltip || p.code || "";
    box.appendChild(title);
    var facts = p.facts || [];
    if (h.facts && h.facts.length) {
        var table = document.createElement("table");
        h.facts.forEach(function (name, i) {
            var row = table.insertRow();
            var th = document.createElement("th");
            th.textContent = name;
            row.appendChild(th);
            row.insertCell().textContent = facts[i] == null ? "—" : String(facts[i]);
        });
        box.appendChild(table);
    }
    var codes = p.links || [];
    var links = document.createElement("div");
    links.className = "popup-links";
    (h.links || []).forEach(function (link, i) {
        var code = codes[i];
        if (code == null || !ONEMAP_CODE.test(String(code)) || !ONEMAP_PAGE.test(String(link[1]))) { return; }
        var a = document.createElement("a");
        a.className = "popup-link";
        a.textContent = link[0];
        a.setAttribute("href", link[1] + encodeURIComponent(code) + window.location.search);
        a.addEventListener("click", function (e) {
            // within the app, as its own links go: no page load
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
            e.preventDefault();
            window.history.pushState({}, "", a.getAttribute("href"));
            window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
            window.scrollTo(0, 0);
        });
        links.appendChild(a);
    });
    if (links.childNodes.length) { box.appendChild(links); }
    return box;
}
// Grid names that would not fit inside their grid at this zoom, or would overlap a name already
// written, are hidden: larger grids are written first.
function onemapDeclutter(map) {
    if (!map) { return; }
    var marks = [];
    map.eachLayer(function (l) { if (l.onemapSize && l.getElement && l.getElement()) { marks.push(l); } });
    marks.sort(function (a, b) { return b.onemapSize[0] * b.onemapSize[1] - a.onemapSize[0] * a.onemapSize[1]; });
    var kept = [];
    var scale = 256 * Math.pow(2, map.getZoom()) / 360;
    marks.forEach(function (m) {
        var el = m.getElement();
        var text = el.firstChild;
        el.style.visibility = "hidden";
        if (!text) { return; }
        var r = text.getBoundingClientRect();
        var lat = m.getLatLng().lat * Math.PI / 180;
        var w = m.onemapSize[0] * scale, h = m.onemapSize[1] * scale / Math.cos(lat);
        if (r.width > 0.9 * w || r.height > 0.9 * h) { return; }
        var clash = kept.some(function (k) {
            return r.left < k.right + 4 && k.left < r.right + 4 && r.top < k.bottom + 2 && k.top < r.bottom + 2;
        });
        if (clash) { return; }
        kept.push(r);
        el.style.visibility = "";
    });
}
function onemapDeclutterSoon(map) {
    if (!map) { return; }
    window.clearTimeout(map.onemapDeclutterTimer);
    map.onemapDeclutterTimer = window.setTimeout(function () { onemapDeclutter(map); }, 30);
    if (!map.onemapDeclutterWired) {
        map.onemapDeclutterWired = true;
        map.on("zoomend", function () { onemapDeclutterSoon(map); });
    }
}
// The page's Leaflet map, for print and export (onemap_share.js): kept by every function a layer
// calls with its context, as a view may hold no outline (the outlines at street zoom are cut to
// the view's box) and no basemap (a view off the loaded area).
function onemapSeen(context) {
    if (context && context.map) { window.onemap.map = context.map; }
}
function onemapName(className, text) {
    return L.divIcon({className: className, iconSize: null, html: onemapText(text)});
}
window.onemap = Object.assign({}, window.onemap, {
    // every layer's tooltip and popup, as text (replaces dash-leaflet's default, which binds HTML)
    text: function (feature, layer, context) {
        var p = feature && feature.properties;
        if (!p) { return; }
        var popup = onemapPopup(feature, context);
        if (popup) {
            layer.bindPopup(popup, {maxWidth: 320});
        } else if (p.popup != null && p.popup !== "") {
            layer.bindPopup(onemapText(p.popup));
        }
        if (p.tooltip != null && p.tooltip !== "") { layer.bindTooltip(onemapText(p.tooltip)); }
    },
    // a layer's style in its hideout.base, what differs per feature in feature.properties.style
    style: function (feature, context) {
        onemapSeen(context);
        var base = (context && context.hideout && context.hideout.base) || {};
        return Object.assign({}, base, (feature.properties && feature.properties.style) || {});
    },
    // a grid's name at the grid's centre (sent only at higher zoom), written where it fits
    label: function (feature, latlng) {
        var p = feature.properties || {};
        var mark = L.marker(latlng, {interactive: false, keyboard: false, icon: onemapName("grid-label", p.label || p.code)});
        mark.onemapSize = [Number(p.w) || 0, Number(p.h) || 0];
        mark.on("add", function () { onemapDeclutterSoon(mark._map); });
        return mark;
    },
    // a station's name inside its outline
    stationLabel: function (feature, latlng) {
        return L.marker(latlng, {interactive: false, keyboard: false,
                                 icon: onemapName("station-label", feature.properties.label)});
    },
    // the local basemap (dashboard/map/basemap.py): each shape styled by its key in hideout.styles
    basemap: function (feature, context) {
        onemapSeen(context);
        var styles = (context && context.hideout && context.hideout.styles) || {};
        return styles[feature.properties && feature.properties.s] || {};
    },
    // a name written on the ground: a road's along it, a town's, village's or compound's flat
    basemapLabel: function (feature, latlng, context) {
        onemapSeen(context);
        var p = feature.properties || {};
        var text = onemapText(p.label);
        if (p.angle) { text.style.transform = "translate(-50%, -50%) rotate(" + Number(p.angle) + "deg)"; }
        var kind = String(p.k || "place").replace(/[^a-z]/g, "");
        return L.marker(latlng, {
            interactive: false, keyboard: false,
            pane: (context && context.hideout && context.hideout.pane) || "markerPane",
            icon: L.divIcon({className: "bm-label bm-" + kind, iconSize: null, html: text})
        });
    },
    // points drawn as small circles coloured by layer (or by the feature's own colour: an alert's state)
    point: function (feature, latlng, context) {
        onemapSeen(context);
        var own = feature && feature.properties && feature.properties.colour;
        var colour = own || (context && context.hideout && context.hideout.colour) || "#1f6feb";
        var radius = (context && context.hideout && context.hideout.radius) || 5;  // larger to tap
        var pane = (context && context.pane) || "overlayPane";
        return L.circleMarker(latlng, {radius: radius, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.9,
                                       pane: pane});
    },
    // a cluster: a small see-through disc in the layer's colour with its count, so the heat
    // under it stays readable (dash-leaflet's default is a large opaque bubble)
    cluster: function (feature, latlng) {
        var context = arguments[arguments.length - 1];
        var colour = (context && context.hideout && context.hideout.colour) || "#1f6feb";
        var n = (feature.properties && feature.properties.point_count) || 0;
        var size = n < 10 ? 16 : n < 100 ? 20 : 24;
        var span = onemapText(n);
        span.style.backgroundColor = colour;
        return L.marker(latlng, {icon: L.divIcon({className: "onemap-cluster", html: span, iconSize: L.point(size, size)}),
                                 keyboard: false});
    }
});
// The view the viewport's layers (basemap, buildings, rental units, incidents) are sent for, once the
// map has stood still for a moment: a flight to a search hit passes through a dozen zooms, and on a
// busy machine the map reports many of them; each would otherwise fetch layers of its own.
(function () {
    var latest = 0;
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        onemapMap: {
            settled: function (zoom, bounds) {
                var mine = ++latest;
                return new Promise(function (resolve) {
                    setTimeout(function () {
                        resolve(mine === latest ? {zoom: zoom, bounds: bounds} : window.dash_clientside.no_update);
                    }, 400);
                });
            }
        }
    });
})();
// Names written on a map (stations, streets, places; the wall's stations) that would be cut at the
// map's edge are left out until the map moves them wholly inside: all are measured first, then
// marked, so the page is laid out once. (A grid's name is written only inside its grid: onemapDeclutter.)
var ONEMAP_NAMES = ".station-label, .bm-label, .wall-label";
function onemapKeepInside(map) {
    var container = map && map.getContainer && map.getContainer();
    if (!container || !container.isConnected) { return; }
    var box = container.getBoundingClientRect();
    var names = Array.prototype.slice.call(container.querySelectorAll(ONEMAP_NAMES));
    var out = names.map(function (el) {
        var r = (el.firstElementChild || el).getBoundingClientRect();
        if (r.width === 0 && r.height === 0) { return false; }
        return r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom;
    });
    names.forEach(function (el, i) { el.classList.toggle("label-out", out[i]); });
}
function onemapKeepInsideSoon(map) {
    if (map.onemapInsideFrame) { return; }
    map.onemapInsideFrame = window.requestAnimationFrame(function () {
        map.onemapInsideFrame = 0;
        onemapKeepInside(map);
    });
}
// the map as soon as Leaflet makes it, where Leaflet is loaded before this file
if (window.L && window.L.Map && window.L.Map.addInitHook) {
    window.L.Map.addInitHook(function () {
        var map = this;
        window.onemap.map = map;
        map.on("move zoomend resize layeradd viewreset", function () { onemapKeepInsideSoon(map); });
        // once a move or a zoom's animation has ended and the names stand where they stay
        map.on("moveend zoomend", function () {
            window.clearTimeout(map.onemapInsideTimer);
            map.onemapInsideTimer = window.setTimeout(function () { onemapKeepInside(map); }, 300);
        });
    });
}
