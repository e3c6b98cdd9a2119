// The comment form's error summary takes the focus when the page opens (GOV.UK's pattern).
// Its `autofocus` is not enough: the form posts to ".../comments/#respond", browsers skip
// autofocus when the address has a fragment, and going to the fragment moves the focus
// once the page has loaded. So the focus is given after that. Loaded only with the summary.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "complete") {
    focusSummary();
  } else {
    window.addEventListener("load", function () {
      window.setTimeout(focusSummary, 0);
    });
  }
})();
