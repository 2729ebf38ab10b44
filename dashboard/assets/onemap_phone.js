// The map page on a phone (up to 640 px wide): the map's layer list would cover half the map, so it
// stays folded behind its 44 px button (assets/onemap.css) until a tap on the button opens it; a
// tap anywhere else folds it again. Leaflet keeps the list "expanded" (it is built unfolded for
// wide screens and unfolds itself whenever a layer changes): the fold is a class of our own.
(function () {
    "use strict";
    var OPEN = "onemap-open";
    function watch() {
        document.querySelectorAll(".map-main .leaflet-control-layers").forEach(function (control) {
            if (control.getAttribute("data-folding")) { return; }
            control.setAttribute("data-folding", "1");
            var toggle = control.querySelector(".leaflet-control-layers-toggle");
            if (!toggle) { return; }
            toggle.setAttribute("aria-label", "图层");
            toggle.title = "图层";
            toggle.addEventListener("click", function (event) {
                event.preventDefault();
                control.classList.add(OPEN);
            });
            document.addEventListener("click", function (event) {
                if (!control.contains(event.target)) { control.classList.remove(OPEN); }
            }, true);
        });
    }
    window.setInterval(watch, 500);
}());
