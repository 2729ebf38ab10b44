// Functions the map's GeoJSON layers call by name (no inline code, no CDN).
// Every string in a feature came from a data file: it is put into the page as text (a text node or
// textContent), never as HTML. Leaflet reads a string given to bindTooltip/bindPopup or to a
// divIcon's html as markup, so none is given one.
function onemapText(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
}
window.onemap = Object.assign({}, window.onemap, {
    // every layer's tooltip and popup, as text (replaces dash-leaflet's default, which binds HTML)
    text: function (feature, layer) {
        var p = feature && feature.properties;
        if (!p) { return; }
        if (p.popup != null && p.popup !== "") { layer.bindPopup(onemapText(p.popup)); }
        if (p.tooltip != null && p.tooltip !== "") { layer.bindTooltip(onemapText(p.tooltip)); }
    },
    // a layer's style in its hideout.base, what differs per feature in feature.properties.style
    style: function (feature, context) {
        var base = (context && context.hideout && context.hideout.base) || {};
        return Object.assign({}, base, (feature.properties && feature.properties.style) || {});
    },
    // a grid's name over its code at the grid's centre (sent only at higher zoom)
    label: function (feature, latlng) {
        return L.marker(latlng, {
            interactive: false,
            icon: L.divIcon({className: "grid-label", iconSize: null,
                             html: onemapText(feature.properties.label || feature.properties.code)})
        });
    },
    // the local basemap (dashboard/map/basemap.py): each shape styled by its key in hideout.styles
    basemap: function (feature, context) {
        var styles = (context && context.hideout && context.hideout.styles) || {};
        return styles[feature.properties && feature.properties.s] || {};
    },
    // a name written on the ground: a road's along it, a town's, village's or compound's flat
    basemapLabel: function (feature, latlng, context) {
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
        var own = feature && feature.properties && feature.properties.colour;
        var colour = own || (context && context.hideout && context.hideout.colour) || "#1f6feb";
        var radius = (context && context.hideout && context.hideout.radius) || 5;  // larger to tap
        return L.circleMarker(latlng, {radius: radius, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.9});
    }
});
// The view the local basemap is sent for, once the map has stood still for a moment: a flight to a
// search hit passes through a dozen zooms, and each would otherwise fetch a basemap of its own.
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
