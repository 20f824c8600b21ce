// The case file (admin): a "Print" link, and every quote opened for paper.
(function () {
  "use strict";
  // "Print" opens the whole chronology (?all=1) and prints it; already whole, it prints at once.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-print]");
    if (link && !document.querySelector(".ct-more")) {
      event.preventDefault();
      window.print();
    }
  });
  if (new URLSearchParams(window.location.search).get("print") === "1") {
    window.addEventListener("load", function () { window.print(); });
  }
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
