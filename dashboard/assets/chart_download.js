/* "Download als SVG" / "Download als PNG" under every chart (dashboard/components.py, chart):
   Plotly's downloadImage on a copy of the drawn figure, with the chart's title and the source
   line ("Bron: ETVI-monitor, stand op …", from the figure's layout.meta) added as title and subtitle; the legend is Plotly's
   own (a figure whose legend is HTML on the page carries a hidden one: layout.meta.download_legend). One listener for every chart on every page, also those Dash draws later. The PNG is
   drawn by Plotly from an SVG blob: the policy allows blob: images (dashboard/csp.py). */
(function () {
    'use strict';
    var EXTRA = 70; // room above the plot for the title and the source line (px)

    function escape(text) {
        return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    }

    function figureFor(gd, title, bron) {
        var full = gd._fullLayout;
        var layout = JSON.parse(JSON.stringify(gd.layout || {}));
        var margin = layout.margin || {};
        layout.width = Math.round(full.width);
        layout.height = Math.round(full.height) + EXTRA;
        layout.margin = Object.assign({}, margin, { t: (full.margin.t || 0) + EXTRA });
        layout.paper_bgcolor = layout.paper_bgcolor || '#ffffff';
        layout.title = {
            text: '<b>' + escape(title) + '</b>',
            x: 0, xref: 'container', xanchor: 'left', pad: { l: 12 },
            y: 1, yref: 'container', yanchor: 'top', yshift: 0,
            font: { size: 16 },
            subtitle: { text: escape(bron), font: { size: 12, color: '#555555' } }
        };
        layout.title.pad.t = 12;
        if ((layout.meta || {}).download_legend) { layout.showlegend = true; } // a legend that is HTML on the page (the answer map of /uitvraag/<id>)
        return {
            data: JSON.parse(JSON.stringify(gd.data || [])),
            layout: layout,
            config: { locale: gd._context.locale, locales: gd._context.locales, displayModeBar: false }
        };
    }

    document.addEventListener('click', function (event) {
        var button = event.target.closest && event.target.closest('button.chart-download');
        if (!button || !window.Plotly) { return; }
        var holder = document.getElementById(button.dataset.graph);
        var gd = holder && (holder.classList.contains('js-plotly-plot') ? holder : holder.querySelector('.js-plotly-plot'));
        if (!gd || !gd._fullLayout) { return; } // not drawn yet: nothing to save
        var format = button.dataset.format;
        var meta = (gd.layout && gd.layout.meta) || {};  // components.chart / charts.stand_meta
        var figure = figureFor(gd, button.dataset.title, meta.bron || '');
        button.setAttribute('aria-busy', 'true');
        window.Plotly.downloadImage(figure, {
            format: format,
            filename: button.dataset.file + (meta.stand ? '-' + meta.stand : ''),
            width: figure.layout.width,
            height: figure.layout.height,
            scale: format === 'png' ? 2 : 1
        }).then(function () {
            button.removeAttribute('aria-busy');
        }, function () {
            button.removeAttribute('aria-busy');
        });
    });
}());
