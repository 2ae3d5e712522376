/* Rosetta stone (reference/rosetta-stone.md): the box above the table hides the rows that do not
   contain every word typed, in the operation's name, its section's name or any framework's code.
   A section's heading row stays while one of its rows does. Nothing is fetched (file:// works).
   The page loads this from Material's __md_scope (the site's root): a relative src would be one
   folder off in the offline copy, where pages are files (reference/rosetta-stone.html). */
(function () {
  "use strict";

  function start() {
    var box = document.querySelector(".rosetta-filter");
    if (!box) return;
    // Material wraps the table in scrolling boxes, before or after this runs.
    var next = box.nextElementSibling;
    var table = next && (next.matches("table") ? next : next.querySelector("table"));
    if (!table) return;
    // Built here, not in the page: readers without JavaScript, the search index and the page's
    // Markdown copy get no box that does nothing.
    box.innerHTML = '<label for="rosetta-filter">Filter the table</label>' +
      '<input type="search" id="rosetta-filter" placeholder="softmax, reshape, grad" ' +
      'autocomplete="off" spellcheck="false"><output for="rosetta-filter"></output>';
    var input = box.querySelector("input");
    var count = box.querySelector("output");
    var sections = [];
    var total = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var text = row.textContent.toLowerCase();
      // A section heading row names the section in its first cell and leaves the others empty.
      if (!row.cells[1].textContent.trim()) {
        sections.push({row: row, name: text, rows: []});
      } else if (sections.length) {
        sections[sections.length - 1].rows.push({row: row, text: text});
        total += 1;
      }
    });

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      sections.forEach(function (section) {
        var any = false;
        section.rows.forEach(function (entry) {
          var text = section.name + " " + entry.text;
          var match = words.every(function (word) { return text.indexOf(word) >= 0; });
          entry.row.hidden = !match;
          if (match) { any = true; shown += 1; }
        });
        section.row.hidden = !any;
      });
      count.value = words.length ? shown + " of " + total + " operations" : total + " operations";
    }

    input.addEventListener("input", filter);
    filter(); // the count
    box.hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
