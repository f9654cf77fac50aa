/* The printed address of the view (the .print-url line of the frame, dashboard/frame.py, shown
   only in print by assets/print.css): kept equal to the address bar, which on the Dash pages
   changes without a page load (navigation and the view's state in the query string). */
(function () {
    'use strict';
    var ID = 'etvi-adres';

    function fill() {
        var el = document.getElementById(ID);
        if (el && el.textContent !== window.location.href) { el.textContent = window.location.href; }
        return !!el;
    }

    ['pushState', 'replaceState'].forEach(function (name) {
        var original = window.history[name];
        window.history[name] = function () {
            var result = original.apply(this, arguments);
            fill();
            return result;
        };
    });
    window.addEventListener('popstate', fill);
    window.addEventListener('hashchange', fill);
    window.addEventListener('beforeprint', fill);
    if (window.matchMedia) {
        var print = window.matchMedia('print');
        if (print.addEventListener) { print.addEventListener('change', fill); }
    }
    // Dash draws the frame after this script has run: fill it once it is there.
    if (!fill()) {
        var observer = new MutationObserver(function () { if (fill()) { observer.disconnect(); } });
        observer.observe(document.documentElement, { childList: true, subtree: true });
    }
}());
