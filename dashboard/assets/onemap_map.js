// Functions the map's GeoJSON layers call by name (no inline code, no CDN).
window.onemap = Object.assign({}, window.onemap, {
    // polygons carry their own style in feature.properties.style (set on the server)
    style: function (feature) {
        return (feature.properties && feature.properties.style) || {};
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
