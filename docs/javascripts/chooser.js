/* Framework chooser for choosing/chooser.md. The questions and scores are data
   (docs/choosing/chooser.yml), embedded in the page by hooks/chooser.py; nothing is fetched,
   so the page also works from file://. decide() is the whole decision rule, and its only copy:
   add the points of every chosen option, and the framework(s) with the most points are the
   answer. */
(function () {
  "use strict";

  function decide(data, choices) {
    var ids = Object.keys(data.frameworks);
    var scores = {};
    ids.forEach(function (id) { scores[id] = 0; });
    var chosen = [];
    data.questions.forEach(function (question) {
      var option = question.options.filter(function (o) { return o.id === choices[question.id]; })[0];
      if (!option) return;
      chosen.push({question: question, option: option});
      ids.forEach(function (id) { scores[id] += option.score[id]; });
    });
    var best = Math.max.apply(null, ids.map(function (id) { return scores[id]; }));
    var winners = chosen.length ? ids.filter(function (id) { return scores[id] === best; }) : [];
    var rest = ids.filter(function (id) { return winners.indexOf(id) < 0; })
      .sort(function (a, b) { return scores[b] - scores[a]; });
    return {winners: winners, runnerUp: rest.length ? rest[0] : null, scores: scores, chosen: chosen};
  }

  // In Node (tests/chooser_rule.py) the rule is exported and nothing else runs; a browser has
  // no `module`, so the page never takes this branch.
  if (typeof module !== "undefined" && module.exports) {
    module.exports = {decide: decide};
    return;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function notesFor(data, result, id) {
    var framework = data.frameworks[id];
    // An option whose note is the same for every framework says nothing about this one.
    var telling = result.chosen.filter(function (c) {
      var notes = Object.keys(data.frameworks).map(function (f) { return c.option.notes[f]; });
      return notes.some(function (n) { return n !== notes[0]; });
    });
    var list = el("ul", {}, telling.map(function (c) {
      return el("li", {}, [el("strong", {}, [c.option.label + ": "]), c.option.notes[id]]);
    }));
    return [
      el("h3", {}, [framework.name]),
      el("p", {}, [framework.summary + " ", el("a", {href: framework.link}, ["More about " + framework.name])]),
      list
    ];
  }

  function render(data, result, answer, details) {
    answer.textContent = "";
    details.textContent = "";
    var total = data.questions.length;
    if (!result.chosen.length) {
      answer.appendChild(el("p", {}, ["Answer any question to see which framework fits."]));
      return;
    }
    var names = function (ids) { return ids.map(function (id) { return data.frameworks[id].name; }); };
    var score = function (id) { return data.frameworks[id].name + " " + result.scores[id]; };
    var headline = result.winners.length === 1
      ? names(result.winners)[0] + " fits best."
      : "Close call: " + names(result.winners).join(" and ") + " fit equally well.";
    answer.appendChild(el("p", {"class": "chooser__headline"}, [headline]));
    answer.appendChild(el("p", {"class": "chooser__scores"}, [
      "Points: " + Object.keys(data.frameworks).map(score).join(", ") +
      " (from " + result.chosen.length + " of " + total + " questions)."
    ]));
    if (result.winners.length > 1) details.appendChild(el("p", {}, [data.tie]));
    result.winners.forEach(function (id) { notesFor(data, result, id).forEach(function (n) { details.appendChild(n); }); });
    if (result.winners.length === 1 && result.runnerUp) {
      details.appendChild(el("p", {"class": "chooser__runner-up"}, ["Also worth a look:"]));
      notesFor(data, result, result.runnerUp).forEach(function (n) { details.appendChild(n); });
    }
    var seen = {};
    var links = [];
    result.chosen.forEach(function (c) {
      (c.option.links || []).forEach(function (link) {
        if (!seen[link.href]) { seen[link.href] = true; links.push(link); }
      });
    });
    if (links.length) {
      details.appendChild(el("h3", {}, ["Read next"]));
      details.appendChild(el("ul", {}, links.map(function (link) {
        return el("li", {}, [el("a", {href: link.href}, [link.title])]);
      })));
    }
  }

  function start() {
    var source = document.getElementById("chooser-data");
    var form = document.getElementById("chooser-form");
    var answer = document.getElementById("chooser-answer");
    var details = document.getElementById("chooser-details");
    if (!source || !form || !answer || !details) return;
    var data = JSON.parse(source.textContent);
    var update = function () {
      var choices = {};
      data.questions.forEach(function (q) {
        var checked = form.querySelector('input[name="' + q.id + '"]:checked');
        if (checked) choices[q.id] = checked.value;
      });
      render(data, decide(data, choices), answer, details);
    };
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
