/* Focus and announcements that a page load would give for free (issue 14, items 3 and 12).

   1. Navigation between Dash pages swaps the page in place: the browser keeps the scroll
      position and leaves focus on <body> (or on the removed control), and a screen reader hears
      nothing. After every navigation in the browser (dcc.Link, a callback writing a
      dcc.Location such as the map click and "Ga naar gemeente", the back button) this waits
      until the new page is rendered, scrolls to the top, puts focus on its h1 (tabindex -1; or
      on main) and writes the new document title into the polite live region of the frame
      (#etvi-aankondiging, dashboard/frame.py). The first page of a load is left alone: the
      browser announces it, and focus stays where the visitor starts.
   2. A failed login (templates/login.html) moves focus to its message, so it is read at once
      and the next Tab lands in the form below it; on /ik/tokens (templates/api_tokens.html) the
      element marked data-focus (an error, a new token, the question before revoking) likewise. */
(function () {
  var CONTENT = '_pages_content';
  var ANNOUNCER = 'etvi-aankondiging';
  var pending = null;

  function heading() {
    return document.querySelector('#' + CONTENT + ' h1') || document.querySelector('main h1');
  }
  function loading() {
    return !!document.querySelector('#' + CONTENT + '[data-dash-is-loading="true"]');
  }
  function announce(text) {
    var region = document.getElementById(ANNOUNCER);
    if (!region) { return; }
    region.textContent = '';  /* the same title twice is still said */
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function land(nav) {
    var h1 = heading();
    var target = h1 || document.querySelector('main');
    window.scrollTo(0, 0);
    if (target) {
      if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
      target.focus({preventScroll: true});
    }
    /* Dash sets the title just after the content (clientside, from the pages store) */
    var waited = 0;
    (function title() {
      if (document.title !== nav.title || waited >= 1000) {
        announce(document.title);
      } else {
        waited += 50;
        window.setTimeout(title, 50);
      }
    })();
  }

  /* The address without its fragment: a popstate that changes only the fragment (the skip link,
     an in-page anchor) is no navigation. The pages' own history.replaceState (the view state in
     the address, assets/etvi.js) keeps it current without counting as one either. */
  function address() { return window.location.pathname + window.location.search; }
  var last = address();
  var nativeReplace = window.history.replaceState;
  window.history.replaceState = function () {
    var result = nativeReplace.apply(this, arguments);
    last = address();
    return result;
  };

  function navigated(event) {
    var here = address();
    if (event && event.type === 'popstate' && here === last) { return; }
    last = here;
    var h1 = heading();
    var nav = {h1: h1, text: h1 ? h1.textContent : null, title: document.title, started: Date.now(), sawLoading: false};
    pending = nav;
    (function wait() {
      if (pending !== nav) { return; }  /* a newer navigation took over */
      var busy = loading();
      if (busy) { nav.sawLoading = true; }
      var now = heading();
      var changed = !!now && (now !== nav.h1 || now.textContent !== nav.text || document.title !== nav.title);
      if ((!busy && (changed || nav.sawLoading)) || Date.now() - nav.started > 10000) {
        pending = null;
        window.requestAnimationFrame(function () { land(nav); });
      } else {
        window.setTimeout(wait, 50);
      }
    })();
  }

  window.addEventListener('_dashprivate_pushstate', navigated);
  window.addEventListener('popstate', navigated);

  function loginError() {
    var message = document.getElementById('login-fout') || document.querySelector('.account-page [data-focus]');
    if (message) { message.focus(); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', loginError);
  } else {
    loginError();
  }
})();
