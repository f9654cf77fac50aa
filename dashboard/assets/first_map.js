/* The first paint of / and /provincie/PVxx (dashboard/app.py _first_map): the server puts the map
   as SVG in the first HTML, before Dash's page. Once Dash has drawn the page, the SVG is laid over
   the map's place (the graph box has its fixed height, so nothing moves), and once Plotly has
   drawn its map (or its message) the SVG is removed. Without JavaScript this never runs and the
   SVG, with a link per area, is the map. */
(function () {
    'use strict';
    var first = document.getElementById('etvi-eerste-kaart');
    if (!first) { return; }
    var observer;

    function step() {
        var box = document.querySelector('.map-row .graph');
        if (!box) { return; }
        var graph = box.querySelector('#ov-map, #pv-map');
        if (graph && graph.querySelector('.choroplethlayer path, .main-svg .annotation')) {
            observer.disconnect();
            first.remove();
            box.classList.remove('first-map-host');
            box.style.minHeight = '';
            return;
        }
        if (first.parentNode !== box) {
            box.classList.add('first-map-host');
            // the height the Plotly map will have, so the box neither grows nor shrinks at the swap
            box.style.minHeight = (first.getAttribute('data-height') || '560') + 'px';
            first.classList.add('first-map-placed');
            first.setAttribute('aria-hidden', 'true');  // the page's own map box is labelled already
            box.appendChild(first);
        }
    }

    observer = new MutationObserver(step);
    observer.observe(document.documentElement, { childList: true, subtree: true });
    // Another page than a map page (navigation before the map came): the SVG does not belong there.
    window.addEventListener('popstate', function () { observer.disconnect(); first.remove(); });
}());
