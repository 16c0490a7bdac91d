// Enhancement only: fetches the next identity code from /api/v1/me/identity-code a few seconds
// before the shown one expires and swaps the QR code and its expiry in place, so the page can stay
// open at a window or a gate. Without it, the page's link fetches a new code.
// The next fetch is timed from the code's lifetime (every code is fresh when it arrives), never
// from expires_at against this device's clock, which may be minutes off the server's.
(function () {
  'use strict';
  var box = document.querySelector('[data-identity-code]');
  if (!box || !window.fetch || !window.DOMParser) return;
  var qr = box.querySelector('[data-identity-qr]');
  var expires = box.querySelector('[data-identity-expires]');
  var margin = parseInt(box.getAttribute('data-refresh-seconds'), 10) * 1000;
  var lifetime = parseInt(box.getAttribute('data-lifetime-seconds'), 10) * 1000;
  var timer = null;
  var label = qr.querySelector('svg') ? qr.querySelector('svg').getAttribute('aria-label') : '';
  function schedule(wait) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, Math.max(1000, wait));
  }
  function refresh() {
    fetch('/api/v1/me/identity-code', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (code) {
        var doc = new DOMParser().parseFromString(code.qr_svg, 'image/svg+xml');
        var svg = doc.documentElement;
        if (!svg || svg.nodeName.toLowerCase() !== 'svg') throw new Error('not svg');
        svg.setAttribute('role', 'img');
        if (label) svg.setAttribute('aria-label', label);
        qr.replaceChildren(document.importNode(svg, true));
        var time = new Date(code.expires_at).toLocaleTimeString(document.documentElement.lang || undefined);
        expires.textContent = box.getAttribute('data-valid-until').replace('{detail}', time);
        box.setAttribute('data-expires-at', code.expires_at);
        schedule(lifetime - margin);
      })
      .catch(function () { schedule(5000); });
  }
  schedule(lifetime - margin);
  // Back to a page kept in the browser's cache: the code it shows may be long expired.
  window.addEventListener('pageshow', function (e) { if (e.persisted) refresh(); });
})();
