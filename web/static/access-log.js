// Enhancement only: re-checks in the browser, with WebCrypto's SHA-256, each inclusion proof the
// server rendered on "who read my data" (RFC 9162 2.1.3.2: leaf hash H(0x00||leaf), node hash
// H(0x01||left||right)), and says beside the server's word whether this browser agrees.
(function () {
  'use strict';
  var table = document.querySelector('[data-access-log]');
  if (!table || !window.crypto || !window.crypto.subtle || !window.atob) return;
  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function hash(prefix, parts) {
    var len = 1;
    parts.forEach(function (p) { len += p.length; });
    var buf = new Uint8Array(len);
    buf[0] = prefix;
    var at = 1;
    parts.forEach(function (p) { buf.set(p, at); at += p.length; });
    return crypto.subtle.digest('SHA-256', buf).then(function (d) { return new Uint8Array(d); });
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function verify(el) {
    var index = BigInt(el.getAttribute('data-index'));
    var size = BigInt(el.getAttribute('data-size'));
    var path = el.getAttribute('data-path').split(' ').filter(Boolean).map(bytes);
    var root = bytes(el.getAttribute('data-root'));
    if (index >= size) return false;
    var fn = index, sn = size - 1n;
    var r = await hash(0, [bytes(el.getAttribute('data-leaf'))]);
    for (var i = 0; i < path.length; i++) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await hash(1, [path[i], r]);
        if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await hash(1, [r, path[i]]);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n && equal(r, root);
  }
  document.querySelectorAll('[data-proof]').forEach(function (el) {
    var out = el.querySelector('[data-proof-browser]');
    verify(el).then(function (ok) {
      out.textContent = ' ' + table.getAttribute(ok ? 'data-ok' : 'data-bad');
      el.setAttribute('data-browser-verified', ok ? 'true' : 'false');
    }, function () {
      out.textContent = ' ' + table.getAttribute('data-bad');
      el.setAttribute('data-browser-verified', 'false');
    });
  });
})();
