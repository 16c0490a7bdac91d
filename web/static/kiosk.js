// Kiosk mode (/kiosk): leaves nothing of the person behind. Links replace the location (the
// history holds no page of theirs); after the idle time without a touch the page posts the
// sign-out and replaces the location with the start screen; touches keep the server's session
// open (POST /kiosk/alive, at most every 15 s); a page restored from the back/forward cache is
// replaced by the start screen. Without JavaScript the pages work alike: a meta refresh signs out
// and the server ends the session 60 s after the last request anyway.
(function () {
  'use strict';
  var START = '/kiosk?signed_out=1';
  var body = document.body;

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-kiosk-replace]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    window.location.replace(link.href);
  });

  var print = document.querySelector('[data-kiosk-print]');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }

  var idle = parseInt(body.getAttribute('data-kiosk-idle') || '0', 10);
  if (!idle) return;

  window.addEventListener('pageshow', function (event) {
    if (event.persisted) window.location.replace(START);
  });

  var form = document.querySelector('form[data-kiosk-sign-out]');
  var timer = null;
  var done = false;
  var lastAlive = Date.now();

  function signOut() {
    if (done) return;
    done = true;
    var data = form ? new URLSearchParams(new FormData(form)) : null;
    fetch('/kiosk/sign-out', { method: 'POST', body: data, credentials: 'same-origin', redirect: 'manual' })
      .catch(function () {})
      .then(function () { window.location.replace(START); });
  }

  function touched() {
    if (done) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(signOut, idle * 1000);
    var now = Date.now();
    if (now - lastAlive >= 15000) {
      lastAlive = now;
      fetch('/kiosk/alive', { method: 'POST', credentials: 'same-origin' })
        .then(function (res) { if (res.status === 401) signOut(); })
        .catch(function () {});
    }
  }

  ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel'].forEach(function (type) {
    document.addEventListener(type, touched, { passive: true, capture: true });
  });
  touched();
})();
