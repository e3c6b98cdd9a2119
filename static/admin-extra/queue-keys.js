/* The comment queue's keyboard shortcuts (templates/admin/comments/comment/change_list.html
   lists them). Progressive enhancement: every button and menu works without this script; it
   only presses them. j/k move through the rows, a approves, r opens the reasons (then e
   toggles the email, 1-7 rejects for that reason, Esc closes), s marks spam, u undoes the
   last decision, o opens the comment, ? shows the list. The shortcuts can be turned off in
   the list (WCAG 2.1.4); the choice is remembered in this browser. */
(function () {
  "use strict";
  var help = document.querySelector(".queue-keys");
  var table = document.getElementById("result_list");
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr")) : [];
  var stored = "queue-keys-row";
  var off = "queue-keys-off";
  var current = 0;
  var busy = false;

  if (help) {
    help.hidden = false;
    var toggle = help.querySelector("#queue-keys-on");
    if (toggle) {
      toggle.checked = localStorage.getItem(off) !== "1";
      toggle.addEventListener("change", function () {
        if (toggle.checked) localStorage.removeItem(off);
        else localStorage.setItem(off, "1");
      });
    }
  }

  function select(index, scroll) {
    if (!rows.length) return;
    rows[current].classList.remove("is-current");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("is-current");
    if (scroll) rows[current].scrollIntoView({ block: "nearest" });
  }

  // After a decision the queue comes back: the row at the same place is the next to read.
  try {
    var saved = JSON.parse(sessionStorage.getItem(stored) || "null");
    select(saved && saved.search === location.search ? saved.index : 0, false);
  } catch (error) {
    select(0, false);
  }
  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () { select(index, false); });
  });

  function press(element) {
    if (!element || busy) return;
    busy = true;
    sessionStorage.setItem(stored, JSON.stringify({ search: location.search, index: current }));
    element.click();
  }

  function typing(target) {
    return target.closest && target.closest(
      "textarea, select, [contenteditable], input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])"
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (localStorage.getItem(off) === "1" && event.key !== "?") return;
    var row = rows[current];
    var reject = row && row.querySelector("details.decide-reject");
    if (reject && reject.open) {
      var reasons = reject.querySelector("select");
      // The menu's first option is "Choose…": key 1 is the first reason.
      if (/^[1-9]$/.test(event.key) && Number(event.key) < reasons.options.length) {
        reasons.selectedIndex = Number(event.key);
        press(reject.querySelector("button"));
        event.preventDefault();
        return;
      }
      if (event.key === "e") {
        var email = reject.querySelector("input[type=checkbox]");
        email.checked = !email.checked;
        event.preventDefault();
        return;
      }
      if (event.key === "Escape") {
        reject.open = false;
        event.preventDefault();
        return;
      }
    }
    switch (event.key) {
      case "j": select(current + 1, true); break;
      case "k": select(current - 1, true); break;
      case "a": if (row) press(row.querySelector(".decide-approve")); break;
      case "s": if (row) press(row.querySelector(".decide-spam")); break;
      case "r":
        if (!reject) return;
        reject.open = true;
        reject.querySelector("summary").focus();
        break;
      case "u": press(document.querySelector(".undo-button")); break;
      case "o": if (row) press(row.querySelector(".sender-name")); break;
      case "?": if (help) help.open = !help.open; break;
      default: return;
    }
    event.preventDefault();
  });
})();
