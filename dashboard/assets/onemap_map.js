// Functions the map's GeoJSON layers call by name (no inline code, no CDN).
window.onemap = Object.assign({}, window.onemap, {
    // a layer's style in its hideout.base, what differs per feature in feature.properties.style
    style: function (feature, context) {
        var base = (context && context.hideout && context.hideout.base) || {};
        return Object.assign({}, base, (feature.properties && feature.properties.style) || {});
    },
    // grid codes as text at the grid's centre (sent only at higher zoom)
    label: function (feature, latlng) {
        return L.marker(latlng, {
            interactive: false,
            icon: L.divIcon({className: "grid-label", iconSize: null,
                             html: "<span>" + feature.properties.code + "</span>"})
        });
    },
    // points drawn as small circles coloured by layer
    point: function (feature, latlng, context) {
        var colour = (context && context.hideout && context.hideout.colour) || "#1f6feb";
        return L.circleMarker(latlng, {radius: 5, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.9});
    }
});
