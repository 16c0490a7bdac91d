// The calling display (/service-centres/{code}/display): with JavaScript, fetches the called
// numbers every 5 seconds and updates the table without reloading. Without JavaScript the page
// reloads itself instead (its meta refresh sits in <noscript>, so it does not run here).
(function () {
  'use strict';
  var main = document.querySelector('[data-display-src]');
  if (!main || !window.fetch) return;
  var src = main.getAttribute('data-display-src');
  var body = main.querySelector('[data-called]');
  var none = main.querySelector('[data-none]');
  var waiting = main.querySelector('[data-waiting]');
  function cell(text, cls) {
    var td = document.createElement('td');
    td.className = cls;
    td.textContent = text;
    return td;
  }
  function render(data) {
    var rows = document.createDocumentFragment();
    (data.called || []).forEach(function (t) {
      var tr = document.createElement('tr');
      tr.appendChild(cell(t.number, 'queue-display-number'));
      tr.appendChild(cell(t.counter, 'queue-display-counter'));
      rows.appendChild(tr);
    });
    var before = body.textContent;
    body.replaceChildren(rows);
    none.hidden = (data.called || []).length > 0;
    waiting.textContent = String(data.waiting);
    if (body.textContent !== before) main.setAttribute('data-updated', String(Date.now()));
  }
  function tick() {
    fetch(src, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 5000);
})();
