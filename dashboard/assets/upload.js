/* /aanleveren: accessibility of the upload flow, applied to the DOM after React renders it
   (dcc.Upload and dcc.Input take no aria-* attributes; CSP forbids inline script). Idempotent,
   re-applied when Dash changes the page.
   - The file input inside dcc.Upload is named by the drop zone's visible text
     (aria-labelledby="aanl-upload-tekst") and Enter opens the picker, as Space does.
   - A date field is described by its hint and its error ({id}-uitleg, {id}-fout) and is
     aria-invalid while its wrapper has the class "invalid" (set by the page's date check).
   - A new outcome heading (.flow-summary) in the report or the result is copied into the one live
     region (#aanl-melding), so the short summary is announced, not the whole report; one in the
     result (after confirm or cancel, whose button is then disabled) also takes the focus. */
(function () {
  function setAttr(el, name, value) {
    if (value === null) {
      if (el.hasAttribute(name)) { el.removeAttribute(name); }
    } else if (el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }

  function fixUpload() {
    var input = document.querySelector('#aanl-upload input[type=file]');
    if (!input || !document.getElementById('aanl-upload-tekst')) { return; }
    setAttr(input, 'aria-labelledby', 'aanl-upload-tekst');
    setAttr(input, 'aria-describedby', 'aanl-bestand-fout');
    if (!input.dataset.etviEnter) {
      /* Enter: where the browser itself opens the picker (Chromium) a click follows the keydown;
         where it does not, the click is made here on keyup. */
      input.dataset.etviEnter = '1';
      var waiting = false;
      input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { waiting = !e.repeat; } });
      input.addEventListener('click', function () { waiting = false; });
      input.addEventListener('keyup', function (e) {
        if (e.key === 'Enter' && waiting) {
          waiting = false;
          input.click();
        }
      });
    }
  }

  function fixDateFields() {
    document.querySelectorAll('.page-aanleveren .date-input input[id]').forEach(function (input) {
      var ids = [input.id + '-uitleg', input.id + '-fout'].filter(function (id) { return document.getElementById(id); });
      setAttr(input, 'aria-describedby', ids.length ? ids.join(' ') : null);
      var wrapper = input.closest('.date-input');
      setAttr(input, 'aria-invalid', wrapper && wrapper.classList.contains('invalid') ? 'true' : 'false');
    });
  }

  function announce() {
    var live = document.getElementById('aanl-melding');
    if (!live) { return; }
    var fresh = Array.prototype.slice.call(document.querySelectorAll('#aanl-resultaat .flow-summary, #aanl-rapport .flow-summary'))
      .filter(function (h) { return !h.dataset.etviSeen; });
    if (!fresh.length) { return; }
    fresh.forEach(function (h) { h.dataset.etviSeen = '1'; });
    var result = fresh.filter(function (h) { return h.closest('#aanl-resultaat'); })[0];
    var chosen = result || fresh[0];
    live.textContent = chosen.textContent;
    if (result) { focusWhenShown(result, 40); }
  }

  /* dcc.Loading may still hide the new result for a moment (a hidden element takes no focus):
     try again until it is shown, unless the user has meanwhile put the focus somewhere else. */
  function focusWhenShown(el, tries) {
    var active = document.activeElement;
    var idle = !active || active === document.body || active.id === 'aanl-bevestig' || active.id === 'aanl-annuleer';
    if (!el.isConnected || (!idle && active !== el)) { return; }
    el.focus();
    if (document.activeElement !== el && tries > 0) {
      window.setTimeout(function () { focusWhenShown(el, tries - 1); }, 100);
    }
  }

  var scheduled = false;
  function run() {
    scheduled = false;
    fixUpload();
    fixDateFields();
    announce();
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
      childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'aria-labelledby', 'aria-describedby', 'aria-invalid']
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
