// Select2 (the admin's autocomplete fields: topics, tags) as screen readers need it.
// Once a multiple field holds a choice, Select2 drops the placeholder that named its
// search box, and puts its mouse-only "remove all" cross as a <span> straight into the
// list of choices. Each time Select2 redraws a field, this names the search box after
// the field's label and hides the cross from assistive technology (each choice keeps its
// own remove button, and Backspace removes the last one).
(function () {
  "use strict";

  function labelOf(container) {
    var select = container.previousElementSibling;
    if (!select || !select.id) {
      return "";
    }
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function repair() {
    var fields = document.querySelectorAll(".select2-container .select2-selection--multiple");
    Array.prototype.forEach.call(fields, function (selection) {
      var container = selection.closest(".select2-container");
      var search = selection.querySelector(".select2-search__field");
      var name = labelOf(container);
      if (search && name && search.getAttribute("aria-label") !== "Search " + name) {
        search.setAttribute("aria-label", "Search " + name);
      }
      Array.prototype.forEach.call(
        selection.querySelectorAll(".select2-selection__clear:not([aria-hidden])"),
        function (cross) {
          cross.setAttribute("aria-hidden", "true");
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    repair();
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  });
})();
