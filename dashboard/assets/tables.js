/* Large tables (dashboard/components.py fast_table): the server sends one element,
   <div class="etvi-table" data-table="{json}">, and this draws the whole <table> into it with DOM
   calls. Thousands of Dash components for one table froze the browser for half a minute; this
   takes milliseconds. Kept from the component tables: caption, th scope=col/row, numeric
   alignment, links inside the app without a reload (as dcc.Link), "bron" links with their own
   accessible name, and sorting by header buttons (keyboard too) with aria-sort. A page can name
   two stores (column, "op"/"af") that then hold the sort, so the address keeps it. */
(function () {
  'use strict';

  function text(el, t) { el.appendChild(document.createTextNode(t == null ? '' : String(t))); return el; }

  function cellContent(td, cell) {
    if (cell === null || cell === undefined) { text(td, '—'); return; }
    if (typeof cell !== 'object') { text(td, cell); return; }
    var node;
    if (cell.det) {
      node = document.createElement('details');
      text(node.appendChild(document.createElement('summary')), cell.det[0]);
      var ul = node.appendChild(document.createElement('ul'));
      cell.det[1].forEach(function (item) { text(ul.appendChild(document.createElement('li')), item); });
    } else if (cell.h) {
      node = text(document.createElement('a'), cell.t);
      node.setAttribute('href', cell.h);
      if (cell.x) { node.target = '_blank'; node.rel = 'noopener noreferrer'; }
      if (cell.i) { node.setAttribute('data-intern', '1'); }
      if (cell.d !== undefined && cell.d !== null) { node.setAttribute('download', cell.d); }
    } else if (cell.code) {
      node = text(document.createElement('code'), cell.t);
    } else if (cell.c) {
      node = text(document.createElement('span'), cell.t);
      node.className = cell.c;
    } else {
      text(td, cell.t);
      return;
    }
    if (cell.l) { node.setAttribute('aria-label', cell.l); }
    if (cell.ti) { node.title = cell.ti; }
    td.appendChild(node);
  }

  function sortKey(cell) {
    if (cell === null || cell === undefined) { return null; }
    if (typeof cell === 'object') {
      if (cell.s !== undefined) { return cell.s; }
      cell = cell.t;
    }
    cell = String(cell);
    return cell === '—' || cell === '' ? null : cell.toLowerCase();
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === null) { return 1; }  /* empty cells last, either way (as pandas) */
    if (b === null) { return -1; }
    return a < b ? -1 : 1;
  }

  function sortedRows(spec) {
    var rows = spec.rows.slice();
    var s = spec.sort;
    if (!s) { return rows; }
    var col = spec.cols.findIndex(function (c) { return c.n === s.col; });
    if (col < 0) { return rows; }
    var dir = s.asc ? 1 : -1;
    return rows.map(function (r, i) { return [r, i]; }).sort(function (x, y) {
      var a = sortKey(x[0][col]), b = sortKey(y[0][col]);
      var c = (a === null || b === null) ? compare(a, b) : dir * compare(a, b);
      if (c === 0) { c = compare(sortKey(x[0][0]), sortKey(y[0][0])); }
      return c || x[1] - y[1];
    }).map(function (p) { return p[0]; });
  }

  function caption(spec) {
    var c = spec.caption;
    if (spec.sortable && spec.sort && spec.stores) {
      c = c.replace(/, gesorteerd op .*$/, '');
      c += ', gesorteerd op ' + spec.sort.col.toLowerCase() + ' (' + (spec.sort.asc ? 'oplopend' : 'aflopend') + ')';
    }
    return c;
  }

  function draw(wrap, spec, focusCol) {
    var table = document.createElement('table');
    table.className = 'data-table';
    text(table.appendChild(document.createElement('caption')), caption(spec));
    var headRow = table.appendChild(document.createElement('thead')).appendChild(document.createElement('tr'));
    var focusEl = null;
    spec.cols.forEach(function (col) {
      var th = headRow.appendChild(document.createElement('th'));
      th.scope = 'col';
      if (col.num) { th.className = 'num'; }
      var sorted = spec.sort && spec.sort.col === col.n;
      if (sorted) { th.setAttribute('aria-sort', spec.sort.asc ? 'ascending' : 'descending'); }
      if (spec.sortable) {
        var b = text(document.createElement('button'), col.n);
        b.type = 'button';
        b.className = 'sort-button';
        b.setAttribute('data-col', col.n);
        var arrow = text(document.createElement('span'), sorted ? (spec.sort.asc ? ' ▲' : ' ▼') : '');
        arrow.setAttribute('aria-hidden', 'true');
        b.appendChild(arrow);
        th.appendChild(b);
        if (focusCol === col.n) { focusEl = b; }
      } else {
        text(th, col.n);
      }
    });
    var body = table.appendChild(document.createElement('tbody'));
    sortedRows(spec).forEach(function (row) {
      var tr = body.appendChild(document.createElement('tr'));
      row.forEach(function (cell, i) {
        var td = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) { td.scope = 'row'; } else if (spec.cols[i] && spec.cols[i].num) { td.className = 'num'; }
        cellContent(td, cell);
        tr.appendChild(td);
      });
    });
    wrap.replaceChildren(table);
    wrap.setAttribute('aria-label', caption(spec));
    wrap.removeAttribute('aria-busy');
    if (focusEl) { focusEl.focus(); }
  }

  /* the sort the reader chose, per place on the page (the element itself may be replaced) */
  var userSort = {};
  function placeOf(wrap) {
    var holder = wrap.id ? wrap : wrap.parentElement && wrap.parentElement.closest('[id]');
    return (holder ? holder.id : '') + location.pathname;
  }

  function render(wrap) {
    var raw = wrap.getAttribute('data-table');
    if (wrap._etviRaw === raw) { return; }
    var spec;
    try { spec = JSON.parse(raw); } catch (e) { return; }
    /* new rows for the same table (another onderdeel or peildatum) keep the reader's sort */
    var chosen = userSort[placeOf(wrap)];
    if (chosen && spec.sortable && !spec.stores && spec.cols.some(function (c) { return c.n === chosen.col; })) {
      spec.sort = chosen;
    }
    var focused = document.activeElement;
    var focusCol = focused && wrap.contains(focused) && focused.getAttribute('data-col');
    wrap._etviRaw = raw;
    wrap._etviSpec = spec;
    draw(wrap, spec, focusCol);
  }

  function renderAll() {
    document.querySelectorAll('.etvi-table[data-table]').forEach(render);
  }

  function onClick(e) {
    var button = e.target.closest && e.target.closest('.etvi-table .sort-button');
    if (button) {
      var wrap = button.closest('.etvi-table');
      var spec = wrap._etviSpec;
      var col = button.getAttribute('data-col');
      var asc = !(spec.sort && spec.sort.col === col && spec.sort.asc);
      spec.sort = {col: col, asc: asc};
      userSort[placeOf(wrap)] = spec.sort;
      draw(wrap, spec, col);
      var dc = window.dash_clientside;
      if (spec.stores && dc && dc.set_props) {
        dc.set_props(spec.stores[0], {data: col});
        dc.set_props(spec.stores[1], {data: asc ? 'op' : 'af'});
      }
      return;
    }
    var link = e.target.closest && e.target.closest('.etvi-table a[data-intern]');
    if (link && e.button === 0 && !(e.metaKey || e.shiftKey || e.altKey || e.ctrlKey)) {
      /* as dcc.Link: a page change inside the app, no reload */
      e.preventDefault();
      window.history.pushState({}, '', link.getAttribute('href'));
      window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
      window.scrollTo(0, 0);
    }
  }

  function start() {
    renderAll();
    document.addEventListener('click', onClick);
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].type === 'attributes' || records[i].addedNodes.length) { renderAll(); return; }
      }
    }).observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-table']});
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
