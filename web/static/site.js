// Enhancement only: the pages work without it. Moves focus to the error summary so that
// screen-reader and keyboard users hear what went wrong first.
(function () {
  'use strict';
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
  // The licence print page's button: only where a script can print (the browser's menu prints too).
  var printButtons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < printButtons.length; i++) {
    printButtons[i].hidden = false;
    printButtons[i].addEventListener('click', function () { window.print(); });
  }
})();
