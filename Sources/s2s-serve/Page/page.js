// s2s-serve's page: translates the text box through POST /v1/translate and
// shows, for the chosen line, its n-best list and its attention as a
// heatmap. A URL such as /?q=Hello&pair=en-es translates on load (how the
// browser test reaches a state without typing).
"use strict";

const $ = (id) => document.getElementById(id);
let result = null;   // the last answer of /v1/translate
let chosen = 0;      // the line whose details show

async function loadPairs() {
  const languages = await (await fetch("/languages")).json();
  const names = Object.fromEntries(languages.map((l) => [l.code, l.name]));
  for (const l of languages) {
    for (const t of l.targets) {
      const option = document.createElement("option");
      option.value = `${l.code}-${t}`;
      option.textContent = `${names[l.code]} → ${names[t] || t}`;
      $("pair").append(option);
    }
  }
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function translate() {
  const [source, target] = $("pair").value.split("-");
  const beam = Math.max(1, Math.min(10, parseInt($("beam").value, 10) || 5));
  const q = $("source").value;
  $("translate").disabled = true;
  setStatus("translating…");
  const started = performance.now();
  try {
    const response = await fetch("/v1/translate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ q, source, target, beam_size: beam, n_best: beam, attention: true }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
    result = answer.translations[0];
    chosen = Math.max(0, result.lines.findIndex((l) => l.source_tokens.length > 0));
    render();
    setStatus(`${result.lines.length} line(s) in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    $("translate").disabled = false;
  }
}

function render() {
  const out = $("translation");
  out.replaceChildren();
  result.lines.forEach((line, i) => {
    const p = document.createElement("p");
    p.className = "line" + (i === chosen ? " chosen" : "");
    p.dataset.line = i;
    p.textContent = line.nbest.length ? line.nbest[0].text : "";
    p.addEventListener("click", () => { chosen = i; render(); });
    out.append(p);
  });
  renderDetails();
}

// A subword as shown: without the tokeniser's joiner mark ￭ (where two
// tokens touched), which fonts often lack; BPE's @@ stays.
const shown = (token) => token.replace(/\uFFED/g, "") || token;

function renderDetails() {
  const line = result.lines[chosen];
  if (!line || line.nbest.length === 0 || line.source_tokens.length === 0) { $("details").hidden = true; return; }
  $("details").hidden = false;
  $("chosen-line").textContent = chosen + 1;
  const list = $("nbest");
  list.replaceChildren();
  for (const h of line.nbest) {
    const li = document.createElement("li");
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = h.score.toFixed(3);
    li.append(score, document.createTextNode(" " + h.text));
    list.append(li);
  }
  const best = line.nbest[0];
  const table = $("heatmap");
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(document.createElement("th"));
  for (const s of line.source_tokens) {
    const th = document.createElement("th");
    th.textContent = shown(s);
    head.append(th);
  }
  const body = table.createTBody();
  (best.attention || []).forEach((weights, t) => {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.textContent = shown(best.target_tokens[t] ?? "<EOS>");
    row.append(th);
    weights.forEach((w, s) => {
      const td = row.insertCell();
      td.className = "cell";
      td.dataset.weight = w.toFixed(4);
      td.title = `${th.textContent} ← ${line.source_tokens[s]}: ${w.toFixed(3)}`;
      // White (0) to the page's accent blue (1).
      const mix = (to) => Math.round(255 + (to - 255) * Math.min(1, Math.max(0, w)));
      td.style.background = `rgb(${mix(43)}, ${mix(89)}, ${mix(195)})`;
    });
  });
}

$("form").addEventListener("submit", (event) => { event.preventDefault(); translate(); });

(async () => {
  try {
    await loadPairs();
  } catch (error) {
    setStatus("cannot read /languages: " + error.message, true);
    return;
  }
  const params = new URLSearchParams(location.search);
  if (params.has("pair")) $("pair").value = params.get("pair");
  if (params.has("beam")) $("beam").value = params.get("beam");
  if (params.has("q")) {
    $("source").value = params.get("q");
    await translate();
  }
  document.body.dataset.ready = "true";
})();
