// Enhancement only: the pages work without it. Moves focus to the error summary so that
// screen-reader and keyboard users hear what went wrong first.
(function () {
  'use strict';
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
})();
