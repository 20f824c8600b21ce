// The case file (admin): a "Print" link, and every quote opened for paper.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-print]");
    if (link) {
      event.preventDefault();
      window.print();
    }
  });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".ct-casefile details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();
