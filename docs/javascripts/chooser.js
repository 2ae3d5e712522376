/* Framework chooser for choosing/chooser.md. The questions and scores are data
   (docs/choosing/chooser.yml), embedded in the page by hooks/chooser.py; nothing is fetched,
   so the page also works from file://. decide() is the whole decision rule, and its only copy:
   add the points of every chosen option, less LIMIT for each option that marks a framework
   `limited` (hardware it cannot use well); the framework(s) with the most points are the
   answer. The answers live in the page's query string, so a result can be shared and reloaded. */
(function () {
  "use strict";

  // As many points as the strongest answer gives (chooser.schema.json's "points"): hardware
  // outweighs any one other answer, yet a team's skills and job together can still overcome it.
  var LIMIT = 3;

  function decide(data, choices) {
    var ids = Object.keys(data.frameworks);
    var scores = {};
    ids.forEach(function (id) { scores[id] = 0; });
    var chosen = [];
    var limits = [];
    data.questions.forEach(function (question) {
      var option = question.options.filter(function (o) { return o.id === choices[question.id]; })[0];
      if (!option) return;
      chosen.push({question: question, option: option});
      ids.forEach(function (id) { scores[id] += option.score[id]; });
      Object.keys(option.fit || {}).forEach(function (id) {
        scores[id] -= LIMIT;
        limits.push({framework: id, option: option});
      });
    });
    // Array.prototype.sort is stable: equal frameworks keep the data file's order.
    var ranked = ids.slice().sort(function (a, b) { return scores[b] - scores[a]; });
    var winners = chosen.length ? ranked.filter(function (id) { return scores[id] === scores[ranked[0]]; }) : [];
    var rest = ranked.filter(function (id) { return winners.indexOf(id) < 0; });
    return {winners: winners, runnerUp: rest.length ? rest[0] : null, ranked: ranked,
            scores: scores, limits: limits, chosen: chosen};
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

  // Why a framework lost points to the hardware: the option's note for it and the option's first
  // link (the hardware page's section; hooks/chooser.py requires one).
  function limitsList(data, result) {
    if (!result.limits.length) return [];
    return [
      el("p", {"class": "chooser__limits"}, [
        "Hardware weighs heavily: a framework that cannot use yours well loses " + LIMIT +
        " points, as many as the strongest answer gives."
      ]),
      el("ul", {}, result.limits.map(function (l) {
        var link = l.option.links[0];
        return el("li", {}, [
          el("strong", {}, [data.frameworks[l.framework].name + " on \u201c" + l.option.label + "\u201d: "]),
          l.option.notes[l.framework] + " ", el("a", {href: link.href}, [link.title])
        ]);
      }))
    ];
  }

  function render(data, result, answer, details, copy) {
    answer.textContent = "";
    details.textContent = "";
    var total = data.questions.length;
    if (!result.chosen.length) {
      answer.appendChild(el("p", {}, ["Answer any question to see which framework fits."]));
      return;
    }
    var names = function (ids) { return ids.map(function (id) { return data.frameworks[id].name; }); };
    var score = function (id) {
      var lost = result.limits.filter(function (l) { return l.framework === id; }).length * LIMIT;
      return data.frameworks[id].name + " " + result.scores[id] +
        (lost ? " (" + (result.scores[id] + lost) + " less " + lost + " for hardware)" : "");
    };
    var headline = result.winners.length === 1
      ? names(result.winners)[0] + " fits best."
      : "Close call: " + names(result.winners).join(" and ") + " fit equally well.";
    answer.appendChild(el("p", {}, [
      el("strong", {"class": "chooser__headline"}, [headline]),
      " " + result.chosen.length + " of " + total + " answered."
    ]));
    details.appendChild(el("p", {"class": "chooser__scores"}, [
      "Points: " + result.ranked.map(score).join(", ") + "."
    ]));
    details.appendChild(copy);
    limitsList(data, result).forEach(function (n) { details.appendChild(n); });
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

  // The answers as query parameters named by question id (?purpose=research&hardware=tpu),
  // next to any others the page has (search's ?h=).
  function readUrl(data) {
    var params = new URLSearchParams(location.search);
    var choices = {};
    data.questions.forEach(function (q) {
      var value = params.get(q.id);
      if (q.options.some(function (o) { return o.id === value; })) choices[q.id] = value;
    });
    return choices;
  }

  function urlFor(data, choices, hash) {
    var params = new URLSearchParams(location.search);
    data.questions.forEach(function (q) {
      if (choices[q.id]) params.set(q.id, choices[q.id]);
      else params.delete(q.id);
    });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + hash;
  }

  function start() {
    var source = document.getElementById("chooser-data");
    var form = document.getElementById("chooser-form");
    var answer = document.getElementById("chooser-answer");
    var details = document.getElementById("chooser-details");
    var heading = document.getElementById("your-answer");
    if (!source || !form || !answer || !details || !heading) return;
    var data = JSON.parse(source.textContent);
    var total = data.questions.length;
    var count = 0;

    var status = el("span", {"class": "chooser__copied", role: "status"});
    var button = el("button", {type: "button", "class": "md-button chooser__copy"}, ["Copy link to this result"]);
    var copy = el("p", {}, [button, " ", status]);
    button.addEventListener("click", function () {
      var url = new URL(urlFor(data, current(), "#your-answer"), location.href).href;
      var shown = function () { status.textContent = "Copy this address: " + url; };
      if (!navigator.clipboard) return shown();
      navigator.clipboard.writeText(url).then(function () { status.textContent = "Link copied."; }, shown);
    });

    var current = function () {
      var choices = {};
      data.questions.forEach(function (q) {
        var checked = form.querySelector('input[name="' + q.id + '"]:checked');
        if (checked) choices[q.id] = checked.value;
      });
      return choices;
    };
    var update = function (reveal) {
      var choices = current();
      var result = decide(data, choices);
      status.textContent = "";
      render(data, result, answer, details, copy);
      try {
        history.replaceState(history.state, "", urlFor(data, choices, location.hash));
      } catch (error) { /* some browsers refuse it on file://; the answer still shows */ }
      // The click that completes the set brings the reasons into view; later changes only
      // update the verdict at the window's foot, so a reader revising one answer stays put.
      var before = count;
      count = result.chosen.length;
      if (reveal && count === total && before < total &&
          heading.getBoundingClientRect().top > innerHeight * 0.5) {
        var still = matchMedia("(prefers-reduced-motion: reduce)").matches;
        heading.scrollIntoView({behavior: still ? "auto" : "smooth", block: "start"});
      }
    };
    // The address wins over whatever the browser restored into the form.
    var fromUrl = readUrl(data);
    form.querySelectorAll("input[type=radio]").forEach(function (input) {
      input.checked = fromUrl[input.name] === input.value;
    });
    // Arrow keys pick an option as they move through a group, so scrolling then would carry the
    // page away from the keyboard's focus; the verdict at the window's foot is enough.
    var keyed = false;
    form.addEventListener("keydown", function () { keyed = true; });
    form.addEventListener("pointerdown", function () { keyed = false; });
    form.addEventListener("change", function () { update(!keyed); });
    form.addEventListener("submit", function (event) { event.preventDefault(); update(false); });
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    update(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
