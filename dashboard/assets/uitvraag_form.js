/* /uitvraag/<id>: accessibility of the answer form (dashboard/uitvraag_form.py), applied to the
   DOM after React renders it (dcc.Input and dcc.Textarea take no aria-* attributes; CSP forbids
   inline script). Idempotent, re-applied when Dash changes the page.
   - A field (.uvf-field with data-describedby) describes its input by its hint and its error,
     and marks it aria-invalid while the error has text.
   - A new outcome of "Controleren" or "Bevestigen" (.uvf-focus, tabindex -1) takes the focus,
     so a keyboard or screen-reader user hears it and continues from there.
   - A link in the error summary (.uvf-naar-veld) puts the focus on the field it names. */
(function () {
  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }

  function fixFields() {
    document.querySelectorAll('.uvf-field[data-describedby]').forEach(function (field) {
      var ids = field.getAttribute('data-describedby').split(' ').filter(function (id) { return document.getElementById(id); });
      var error = document.getElementById(field.id + '-fout');
      var invalid = error && error.textContent.trim() ? 'true' : 'false';
      field.querySelectorAll('input:not([type=radio]), textarea').forEach(function (input) {
        setAttr(input, 'aria-describedby', ids.join(' '));
        setAttr(input, 'aria-invalid', invalid);
      });
    });
  }

  /* The newest outcome waits here until it has the focus. dcc.Loading may still hide it for a
     while (a hidden element takes no focus; a slow check on a busy server can take seconds), so
     it is tried again on every change of the page and every 100 ms, until it has the focus, is
     gone, or the user has put the focus on a field or link meanwhile. */
  var waiting = null;
  var timer = null;

  function focusNew() {
    var fresh = document.querySelector('.uvf-focus:not([data-etvi-seen])');
    if (fresh) {
      fresh.setAttribute('data-etvi-seen', '1');
      waiting = fresh;
    }
    tryFocus();
  }

  function tryFocus() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    var el = waiting;
    if (!el) { return; }
    var active = document.activeElement;
    var idle = !active || active === document.body || active === el || active.tagName === 'BUTTON';
    if (!el.isConnected || !idle) { waiting = null; return; }
    if (active !== el) { el.focus(); }
    if (document.activeElement === el) {
      waiting = null;
    } else {
      timer = window.setTimeout(tryFocus, 100);
    }
  }

  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a.uvf-naar-veld');
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute('href').slice(1));
    var control = field && (field.querySelector('input:checked') || field.querySelector('input, textarea'));
    if (control) {
      e.preventDefault();
      control.focus();
    }
  });

  var scheduled = false;
  function run() {
    scheduled = false;
    fixFields();
    focusNew();
  }
  new MutationObserver(function () {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(run);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['style', 'class', 'data-dash-is-loading']});
  run();
})();
