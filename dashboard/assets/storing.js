/* A failed callback or layout request (the server answers 503 when the database is briefly down, or 500) shows a
   visible Dutch notice: Dash's renderer shows failed callbacks only in its debug tools. The
   notice carries the server's own message (JSON {"fout": ...}) and disappears when a later
   callback succeeds again. */
(function () {
  if (!window.fetch) { return; }
  var original = window.fetch.bind(window);
  var NOTICE_ID = 'etvi-storing';

  function notice() {
    var el = document.getElementById(NOTICE_ID);
    if (!el) {
      el = document.createElement('div');
      el.id = NOTICE_ID;
      el.className = 'storing';
      el.setAttribute('role', 'alert');
      el.hidden = true;
      document.body.insertBefore(el, document.body.firstChild);
    }
    return el;
  }

  function show(text) {
    var el = notice();
    el.textContent = text;
    el.hidden = false;
  }

  function hide() {
    var el = document.getElementById(NOTICE_ID);
    if (el) { el.hidden = true; }
  }

  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    var promise = original(input, init);
    // callbacks, and the layout and dependencies the page is built from
    if (!/\/_dash-(update-component|layout|dependencies)/.test(url)) { return promise; }
    return promise.then(function (response) {
      if (response.status >= 500) {
        response.clone().json().then(function (body) {
          show((body && body.fout) || 'Er ging iets mis op de server. Probeer het opnieuw.');
        }, function () {
          show('Er ging iets mis op de server. Probeer het opnieuw.');
        });
      } else if (response.ok) {
        hide();
      }
      return response;
    }, function (error) {
      show('De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.');
      throw error;
    });
  };
})();
