/* /uitvraag/<id>: after "Niets veranderd" the Dutch confirmation (.uitvraag-bevestigd, a
   role=status element with tabindex -1) takes the focus, so a keyboard or screen-reader user
   hears at once that the answer was received and continues from there. CSP forbids inline
   script; this runs on every change of the page. */
(function () {
  function focusNew() {
    var fresh = document.querySelector('.uitvraag-bevestigd:not([data-etvi-seen])');
    if (!fresh) { return; }
    fresh.setAttribute('data-etvi-seen', '1');
    fresh.focus();
  }
  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; focusNew(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
