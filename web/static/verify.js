// The verification page's camera: where the browser has BarcodeDetector, a button scans a licence
// QR code, puts its text in the token field and submits the form. Without it (or without
// JavaScript) the page works by pasting.
(function () {
  'use strict';
  var box = document.querySelector('[data-verify-scan]');
  var result = document.querySelector('[data-verify-result]');
  if (result) result.focus();
  if (!box || !('BarcodeDetector' in window) || !navigator.mediaDevices) return;
  var start = box.querySelector('[data-scan-start]');
  var stop = box.querySelector('[data-scan-stop]');
  var video = box.querySelector('[data-scan-video]');
  var status = box.querySelector('[data-scan-status]');
  var field = document.getElementById('token');
  var stream = null;
  var timer = null;
  box.hidden = false;

  function end() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  start.addEventListener('click', function () {
    var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      stop.focus();
      return video.play();
    }).then(function () {
      function look() {
        detector.detect(video).then(function (codes) {
          if (codes.length > 0) {
            field.value = codes[0].rawValue;
            end();
            field.form.submit();
            return;
          }
          timer = setTimeout(look, 250);
        }).catch(function () { timer = setTimeout(look, 500); });
      }
      look();
    }).catch(function () {
      end();
      status.textContent = box.getAttribute('data-no-camera') || '';
    });
  });
  stop.addEventListener('click', end);
})();
