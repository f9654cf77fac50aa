/* Clientside callbacks of the ETVI-monitor (no server round trip). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  etvi: {
    /* Write the view state to the address bar without reloading or re-rendering the page
       (history.replaceState does not notify Dash's router), and return the full link for the
       copy button plus the download links for the same state. The last argument is the spec
       {keys: [...], view: 'overzicht'}; the others are the control values in key order. */
    syncUrl: function () {
      var args = Array.prototype.slice.call(arguments);
      var spec = args.pop() || {keys: []};
      var params = new URLSearchParams();
      spec.keys.forEach(function (key, i) {
        var value = args[i];
        if (value === true) { value = '1'; }
        if (value === false || value === null || value === undefined || value === '') { return; }
        if (Array.isArray(value)) {
          if (!value.length) { return; }
          value = value.join(',');
        }
        params.set(key, String(value));
      });
      /* ?kennis= is not a control: it stays as long as the page is open with it */
      var kennis = new URLSearchParams(window.location.search).get('kennis');
      if (kennis && !params.has('kennis')) { params.set('kennis', kennis); }
      var qs = params.toString();
      var search = qs ? '?' + qs : '';
      var path = window.location.pathname;
      if (window.location.search !== search) {
        window.history.replaceState(window.history.state, '', path + search + window.location.hash);
      }
      var full = window.location.origin + path + search;
      var view = spec.view_key ? (params.get(spec.view_key) || spec.view) : spec.view;
      if (!view) { return [full]; }
      return [full].concat(['csv', 'xlsx', 'ods'].map(function (fmt) { return '/download/' + view + '.' + fmt + search; }));
    },

    /* Copy the link to this view; say so (role=status) or say how to copy it by hand. */
    copyLink: function (nClicks, link) {
      var url = link || window.location.href;
      if (navigator.clipboard && window.isSecureContext) {
        return navigator.clipboard.writeText(url).then(function () {
          return 'Link gekopieerd.';
        }, function () {
          return 'Kopiëren lukte niet; kopieer de link uit de adresbalk: ' + url;
        });
      }
      return 'Kopieer de link uit de adresbalk: ' + url;
    },

    /* A values-only map update from the server -> a Patch of the map figure. A compact status
       update carries z and the list of labels once; customdata[i] = labels[z[i]] is filled in
       here (dashboard.figures.maps.compact_status_update / expand_update). */
    applyMapUpdate: function (update) {
      if (!update) { return window.dash_clientside.no_update; }
      var patch = new window.dash_clientside.Patch();
      var customdata = update.customdata;
      if (update.labels) {
        customdata = update.z.map(function (z) { return update.labels[z]; });
        Object.keys(update.overrides || {}).forEach(function (i) { customdata[Number(i)] = update.overrides[i]; });
      }
      var marker = update.marker;
      if (update.lines) {  /* outline per area: thick and dark for geen gegevens (z = 0) */
        var styles = update.z.map(function (z) { return z === 0 ? update.lines.nodata : update.lines.base; });
        marker = {line: {color: styles.map(function (s) { return s[0]; }), width: styles.map(function (s) { return s[1]; })}};
      }
      patch.assign(['data', 0, 'z'], update.z);
      if (marker) { patch.assign(['data', 0, 'marker'], marker); }
      patch.assign(['data', 0, 'customdata'], customdata);
      if (update.colorscale) { patch.assign(['data', 0, 'colorscale'], update.colorscale); }
      if (update.zmax !== undefined) { patch.assign(['data', 0, 'zmax'], update.zmax); }
      return patch.build();
    },

    /* Resolve with data.outputs (one value per output) once the map with id data.map has drawn
       its areas, so what lies below it does not delay the first map. It waits at most 4 s once
       the map's plot exists, or 15 s in all (a map that cannot be drawn). The last output is
       the peildatum when it was changed before this resolved (data.peildatum is the one the
       outputs were made for), so the page's own callback can bring them up to date; else
       no_update. The current peildatum is read from the address bar, where syncUrl keeps it. */
    afterMap: function (data) {
      var outputs = (data && data.outputs) || [], mapId = data && data.map;
      function stale() {
        var current = new URLSearchParams(window.location.search).get('peildatum');
        return data && data.peildatum && current && current !== data.peildatum ? current : window.dash_clientside.no_update;
      }
      return new Promise(function (resolve) {
        var started = Date.now(), plotSeen = null;
        (function wait() {
          var drawn = document.querySelector('#' + mapId + ' .choroplethlayer path, #' + mapId + ' .annotation');
          if (plotSeen === null && document.querySelector('#' + mapId + ' .js-plotly-plot')) { plotSeen = Date.now(); }
          var now = Date.now();
          if (drawn || (plotSeen !== null && now - plotSeen > 4000) || now - started > 15000) {
            window.requestAnimationFrame(function () { resolve(outputs.concat([stale()])); });
          } else {
            window.setTimeout(wait, 50);
          }
        })();
      });
    },

    /* Move the milestone strip's peildatum line to the chosen peildatum: a Patch of the line, its
       label and the source line of the strip's download, as dashboard.figures.charts does on the
       server (texts: charts.strip_texts). The date is written as texts.fmt_date writes it. */
    stripPeildatum: function (peildatum, stale, texts) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(peildatum || '');
      if (!m || !texts) { return window.dash_clientside.no_update; }
      var datum = Number(m[3]) + ' ' + texts.months[Number(m[2]) - 1] + ' ' + m[1];
      var x = peildatum + 'T00:00:00', i = texts.index;
      var patch = new window.dash_clientside.Patch();
      patch.assign(['layout', 'shapes', i, 'x0'], x);
      patch.assign(['layout', 'shapes', i, 'x1'], x);
      patch.assign(['layout', 'annotations', i, 'x'], x);
      patch.assign(['layout', 'annotations', i, 'text'], texts.label.replace('{datum}', datum));
      patch.assign(['layout', 'meta'], {bron: texts.bron.replace('{datum}', datum), stand: peildatum});
      return patch.build();
    },

    /* The view a shown table is for; null once when it is hidden (the server empties it), then
       nothing while it stays hidden, so a hidden table costs no request. */
    tableView: function (peildatum, onderdeel, niveau, shown, current) {
      if (!shown) { return current ? null : window.dash_clientside.no_update; }
      return {peildatum: peildatum, onderdeel: onderdeel, niveau: niveau};
    },

    /* Show/hide toggle for a table: state, button text, aria-expanded. */
    toggle: function (nClicks, shown) {
      var next = !shown;
      return [next, next ? 'Tabel verbergen' : 'Tabel tonen', next ? 'true' : 'false'];
    }
  }
});

/* Accessibility fixes for Dash 4 core components (dcc.RadioItems, dcc.Dropdown), applied to
   the DOM after React renders them; idempotent, and re-applied when Dash adds new nodes.
   - RadioItems renders native radio buttons inside role="listbox"/role="option" elements
     (nested interactive controls, a listbox without a name). It becomes a plain
     role="radiogroup" named by its <legend>; the labels lose their option role.
   - Dropdown (open): see fixOpenDropdowns.
   - Input type=number names its stepper buttons "Decrease value"/"Increase value": Dutch here.
   - Dropdown puts the Tab stop on a hidden input (aria-hidden, but focusable) and names the
     button only by its value. The button itself becomes the Tab stop (it handles the keys),
     the hidden input leaves the tab order, and the button is named by its <label> first. */
(function () {
  function setAttr(el, name, value) {
    if (value === null) {
      if (el.hasAttribute(name)) { el.removeAttribute(name); }
    } else if (el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }

  function fixRadioGroups(root) {
    root.querySelectorAll('.dash-radioitems, .dash-checklist').forEach(function (group) {
      var isRadio = group.classList.contains('dash-radioitems');
      setAttr(group, 'role', isRadio ? 'radiogroup' : 'group');
      var fieldset = group.closest('fieldset');
      var legend = fieldset && fieldset.querySelector('legend');
      if (legend) {
        if (!legend.id) { legend.id = (group.id || 'groep') + '-legend'; }
        setAttr(group, 'aria-labelledby', legend.id);
      }
      group.querySelectorAll(':scope > label').forEach(function (label) {
        setAttr(label, 'role', null);
        setAttr(label, 'aria-selected', null);
      });
    });
  }

  function fixDropdowns(root) {
    root.querySelectorAll('.dash-dropdown-wrapper').forEach(function (wrapper) {
      var target = wrapper.querySelector(':scope > .dash-dropdown-focus-target');
      var button = wrapper.querySelector(':scope > button.dash-dropdown');
      if (target) { setAttr(target, 'tabindex', '-1'); }
      if (button) {
        setAttr(button, 'tabindex', '0');
        var label = button.id && document.querySelector('label[for="' + button.id + '"]');
        if (label) {
          if (!label.id) { label.id = button.id + '-label'; }
          var current = (button.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
          if (current[0] !== label.id) {
            setAttr(button, 'aria-labelledby', [label.id].concat(current.filter(function (x) { return x !== label.id; })).join(' '));
          }
        }
      }
    });
  }

  /* The open Dropdown (issue 14, item 4; Dash 4.4 bug, see dashboard/README.md): a role=dialog
     and a role=listbox without a name, and role=option labels that hold a focusable radio or
     checkbox (axe nested-interactive; keyboard focus lands on that input). The native inputs
     are kept - Dash moves focus between them and they announce "checked" themselves - so the
     list becomes a radiogroup (group for multi) of labelled native inputs, named by the
     control's <label>, as the RadioItems above; the dialog and the search field are named too. */
  function fixOpenDropdowns(root) {
    root.querySelectorAll('.dash-dropdown-wrapper').forEach(function (wrapper) {
      var button = wrapper.querySelector(':scope > button.dash-dropdown');
      var label = button && button.id && document.querySelector('label[for="' + button.id + '"]');
      var name = label ? label.textContent.trim() : '';
      if (button) { setAttr(button, 'aria-haspopup', 'dialog'); }
      var dialog = wrapper.querySelector('.dash-dropdown-content');
      if (!dialog) { return; }
      if (name) { setAttr(dialog, 'aria-label', name); }
      var search = dialog.querySelector('input.dash-dropdown-search');
      if (search) { setAttr(search, 'aria-label', name ? 'Zoeken in ' + name.toLowerCase() : 'Zoeken'); }
      dialog.querySelectorAll('.dash-dropdown-options').forEach(function (list) {
        var multi = !!list.querySelector('.dash-dropdown-option input[type="checkbox"]');  /* not the measuring row (index -1) */
        setAttr(list, 'role', multi ? 'group' : 'radiogroup');
        if (name) { setAttr(list, 'aria-label', name); }
        list.querySelectorAll('label.dash-options-list-option').forEach(function (option) {
          setAttr(option, 'role', null);
          setAttr(option, 'aria-selected', null);
        });
      });
    });
  }

  /* dcc.Input type=number: Dash names its stepper buttons in English */
  var STEPPERS = {'dash-stepper-decrement': 'Waarde verlagen', 'dash-stepper-increment': 'Waarde verhogen'};
  function fixSteppers(root) {
    Object.keys(STEPPERS).forEach(function (cls) {
      root.querySelectorAll('button.' + cls).forEach(function (b) { setAttr(b, 'aria-label', STEPPERS[cls]); });
    });
  }

  var scheduled = false;
  function run() {
    scheduled = false;
    fixRadioGroups(document);
    fixDropdowns(document);
    fixOpenDropdowns(document);
    fixSteppers(document);
  }
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(run);
    }
  }
  function start() {
    run();
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ['role', 'tabindex', 'aria-labelledby', 'aria-selected', 'aria-haspopup', 'aria-label']
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();

/* Name the address of this page in the layout request (header X-Etvi-Page), so the server sends
   the page's content with the first layout instead of in a second round trip
   (dashboard/prerender.py). */
(function () {
  var nativeFetch = window.fetch;
  if (!nativeFetch) { return; }
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    var method = (init && init.method) || 'GET';
    if (method.toUpperCase() === 'GET' && /\/_dash-layout(\?|$)/.test(url)) {
      init = Object.assign({}, init);
      var headers = new Headers(init.headers || {});
      headers.set('X-Etvi-Page', window.location.pathname + window.location.search);
      init.headers = headers;
    }
    return nativeFetch.call(this, input, init);
  };
})();

/* /aanleveren: a file that is too big, or not of an accepted type, is refused here before it is
   read or sent, with the page's Dutch message (data-te-groot, data-verkeerd-type on
   #aanl-upload-grens). dcc.Upload's max_size and accept drop such a file without a word.
   Should the server still refuse the upload callback (413, e.g. a page opened before the limit
   changed) or the request fail on the way, that is said in the same place. */
(function () {
  function say(message) {
    var dc = window.dash_clientside;
    if (!dc || !dc.set_props || !document.getElementById('aanl-bestand-fout')) { return; }
    dc.set_props('aanl-bestand-fout', {children: message || '', hidden: !message});
    if (message) {
      /* the report and the confirm button were for the previous file */
      dc.set_props('aanl-rapport', {children: ''});
      dc.set_props('aanl-wacht', {data: null});
      dc.set_props('aanl-bevestig', {disabled: true});
      dc.set_props('aanl-annuleer', {disabled: true});
    }
  }
  function mb(bytes) { return (bytes / 1048576).toFixed(1).replace('.', ','); }
  function fill(template, file) {
    return (template || '').split('{naam}').join(file.name).split('{mb}').join(mb(file.size));
  }
  function check(files) {
    var rules = document.getElementById('aanl-upload-grens');
    if (!rules || !files || !files.length) { return; }
    var file = files[0];
    var max = Number(rules.getAttribute('data-max-bytes'));
    var name = (file.name || '').toLowerCase();
    var accepted = (rules.getAttribute('data-accept') || '').split(',').map(function (a) { return a.trim().toLowerCase(); })
      .filter(Boolean);
    if (max > 0 && file.size > max) {
      say(fill(rules.getAttribute('data-te-groot'), file));
    } else if (accepted.length && !accepted.some(function (ext) { return name.slice(-ext.length) === ext; })) {
      say(fill(rules.getAttribute('data-verkeerd-type'), file));
    } else {
      say('');
    }
  }
  function inUpload(el) { return el && el.closest && el.closest('#aanl-upload'); }
  document.addEventListener('change', function (e) {
    if (e.target && e.target.type === 'file' && inUpload(e.target)) { check(e.target.files); }
  }, true);
  document.addEventListener('drop', function (e) {
    if (inUpload(e.target) && e.dataTransfer) { check(e.dataTransfer.files); }
  }, true);

  /* The upload check's request: its inputs (before the file's value) name aanl-upload.contents. */
  function isUploadCheck(url, init) {
    var body = init && typeof init.body === 'string' ? init.body.slice(0, 4000) : '';
    return /\/_dash-update-component(\?|$)/.test(url) && body.indexOf('"id":"aanl-upload","property":"contents"') !== -1;
  }
  var nativeFetch = window.fetch;
  if (!nativeFetch) { return; }
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    var sent = nativeFetch.apply(this, arguments);
    if (!isUploadCheck(url, init)) { return sent; }
    var maxMb = function () {
      var rules = document.getElementById('aanl-upload-grens');
      return Math.round(Number(rules && rules.getAttribute('data-max-bytes')) / 1048576);
    };
    return sent.then(function (res) {
      if (res.status === 413) {
        var tooBig = 'Het bestand is te groot; het maximum is ' + maxMb() + ' MB. Er is niets opgeslagen.';
        res.clone().json().then(function (body) { say((body && body.fout) || tooBig); }, function () { say(tooBig); });
      }
      return res;
    }, function (err) {
      say('Het bestand kon niet worden verstuurd (is het groter dan ' + maxMb() + ' MB, of is de verbinding verbroken?). ' +
          'Er is niets opgeslagen; probeer het opnieuw.');
      throw err;
    });
  };
})();
